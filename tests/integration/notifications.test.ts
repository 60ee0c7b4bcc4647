import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { loadConfig } from '../../server/config.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { notifications, pushSubscriptions } from '../../server/db/schema.js';
import { notifyDueTasks } from '../../server/notifications/due-tasks.js';
import { reassignDeal } from '../../src/lib/model/index.js';
import { describeEachDatabase } from '../support/databases.js';
import { addMember, callApi, connectBoard, eventually, signUpOwner, type BoardClient } from '../support/sync-server.js';
import { openEvents } from '../support/event-stream.js';
import { createSubscriberKeys, decryptPush, startPushService } from '../support/push-service.js';

const clock = { now: () => new Date().toISOString() };
const later = '2030-01-01T09:00:00Z';

describeEachDatabase('notifications', (database) => {
	const servers: RunningServer[] = [];
	const closers: Array<() => unknown> = [];
	afterEach(async () => {
		for (const close of closers.splice(0)) await close();
		for (const server of servers.splice(0)) await server.close();
	});

	async function start() {
		const server = await startServer({
			database: database(),
			config: loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }),
			pushLoopback: true
		});
		servers.push(server);
		return server;
	}

	async function createDeal(url: string, token: string, pipelineId: string, body: Record<string, unknown> = {}) {
		const created = await callApi(url, 'POST', `/api/pipelines/${pipelineId}/deals`, {
			token,
			json: { title: 'Boiler for Anna', valueMinor: 100, currency: 'EUR', firstTask: { type: 'call', title: 'Call back', dueAt: later }, ...body }
		});
		expect(created.status).toBe(201);
		return created.body as { deal: { id: string }; task: { id: string } };
	}

	const list = (url: string, token: string, workspaceId: string, query = '') => callApi(url, 'GET', `/api/workspaces/${workspaceId}/notifications${query}`, { token });

	it('shows users only their own notifications, in workspaces they belong to, and marks them read', async () => {
		const server = await start();
		const owner = await signUpOwner(server.url);
		const rep = await addMember(server.url, owner.token, owner.workspaceId, 'rep');
		const stranger = await signUpOwner(server.url);
		const { deal } = await createDeal(server.url, owner.token, owner.pipeline.id);
		expect((await callApi(server.url, 'PATCH', `/api/deals/${deal.id}`, { token: owner.token, json: { ownerId: rep.userId } })).status).toBe(200);

		await eventually(async () => (await list(server.url, rep.token, owner.workspaceId)).body.unreadCount === 1, 'the rep has one unread');
		const page = (await list(server.url, rep.token, owner.workspaceId)).body;
		expect(page.notifications).toHaveLength(1);
		const [handed] = page.notifications;
		// The deal's open task went along with it: one notification says so, not two.
		expect(handed).toMatchObject({ kind: 'deal_reassigned', dealId: deal.id, params: { title: 'Boiler for Anna', by: 'Olga Owner' }, readAt: null });
		// The owner handed it over: they are told nothing, and cannot see the rep's.
		expect((await list(server.url, owner.token, owner.workspaceId)).body).toMatchObject({ notifications: [], unreadCount: 0 });
		expect((await list(server.url, stranger.token, owner.workspaceId)).status).toBe(404);
		for (const other of [owner, stranger]) {
			expect((await callApi(server.url, 'POST', `/api/notifications/${handed.id}/read`, { token: other.token })).status).toBe(404);
		}
		expect((await callApi(server.url, 'POST', `/api/workspaces/${owner.workspaceId}/notifications/read-all`, { token: stranger.token })).status).toBe(404);
		expect((await list(server.url, rep.token, owner.workspaceId)).body.unreadCount).toBe(1);

		expect((await callApi(server.url, 'POST', `/api/notifications/${handed.id}/read`, { token: rep.token })).status).toBe(204);
		const read = (await list(server.url, rep.token, owner.workspaceId)).body;
		expect(read.unreadCount).toBe(0);
		expect(read.notifications[0].readAt).toEqual(expect.any(String));
		expect((await list(server.url, rep.token, owner.workspaceId, '?unread=true')).body.notifications).toEqual([]);

		// Paging, newest first, and "mark all read".
		for (let i = 1; i <= 3; i++) {
			await server.notifier.notify({ workspaceId: owner.workspaceId, userId: rep.userId, kind: 'task_overdue', params: { title: `Task ${i}` }, at: new Date(Date.UTC(2031, 0, i)) });
		}
		const first = (await list(server.url, rep.token, owner.workspaceId, '?limit=2')).body;
		expect(first.notifications.map((n: { params: { title: string } }) => n.params.title)).toEqual(['Task 3', 'Task 2']);
		expect(first.unreadCount).toBe(3);
		const second = (await list(server.url, rep.token, owner.workspaceId, `?limit=2&before=${first.next}`)).body;
		expect(second.notifications.map((n: { params: { title: string } }) => n.params.title)).toEqual(['Task 1', 'Boiler for Anna']);
		expect(second.next).toBeNull();
		expect((await callApi(server.url, 'POST', `/api/workspaces/${owner.workspaceId}/notifications/read-all`, { token: rep.token })).body).toEqual({ marked: 3 });
		expect((await list(server.url, rep.token, owner.workspaceId)).body.unreadCount).toBe(0);

		// Out of the workspace, out of its notifications.
		await server.notifier.notify({ workspaceId: owner.workspaceId, userId: rep.userId, kind: 'mention', params: { by: 'Olga', excerpt: 'hi' } });
		const unread = (await list(server.url, rep.token, owner.workspaceId, '?unread=true')).body.notifications[0];
		expect((await callApi(server.url, 'DELETE', `/api/workspaces/${owner.workspaceId}/members/${rep.userId}`, { token: owner.token })).status).toBe(204);
		expect((await list(server.url, rep.token, owner.workspaceId)).status).toBe(404);
		expect((await callApi(server.url, 'POST', `/api/notifications/${unread.id}/read`, { token: rep.token })).status).toBe(404);
	});

	it('tells a member live when another member hands them a deal on the board, and nobody when they take it themselves', async () => {
		const server = await start();
		const owner = await signUpOwner(server.url);
		const rep = await addMember(server.url, owner.token, owner.workspaceId, 'rep');
		const { deal } = await createDeal(server.url, owner.token, owner.pipeline.id);
		const stream = openEvents(`${server.url}/api/workspaces/${owner.workspaceId}/events`, rep.token);
		closers.push(stream.close);
		await eventually(() => stream.seen.some((e) => e.event === 'ready'), 'the rep’s stream is ready');
		const board: BoardClient = connectBoard(server.url, owner.pipeline.id, owner.token);
		closers.push(board.destroy);
		await board.synced();

		reassignDeal(board.doc, deal.id, rep.userId, clock);
		await eventually(() => stream.seen.some((e) => e.event === 'notification'), 'the rep hears of it live');
		const [row] = await database().db.select().from(notifications).where(eq(notifications.userId, rep.userId));
		expect(row).toMatchObject({ kind: 'deal_reassigned', dealId: deal.id, params: { title: 'Boiler for Anna', by: 'Olga Owner' } });

		// The owner takes it back themselves: nobody is told.
		reassignDeal(board.doc, deal.id, owner.userId, clock);
		await eventually(async () => (await callApi(server.url, 'GET', `/api/deals/${deal.id}`, { token: owner.token })).body.deal.ownerId === owner.userId, 'projected');
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(await database().db.select().from(notifications).where(eq(notifications.userId, owner.userId))).toEqual([]);
		expect(await database().db.select().from(notifications).where(eq(notifications.userId, rep.userId))).toHaveLength(1);
	});

	it('tells an assignee of a task someone else gave them, and members of a mention in a note', async () => {
		const server = await start();
		const owner = await signUpOwner(server.url);
		const rep = await addMember(server.url, owner.token, owner.workspaceId, 'rep');
		const stream = openEvents(`${server.url}/api/workspaces/${owner.workspaceId}/events`, rep.token);
		closers.push(stream.close);
		await eventually(() => stream.seen.some((e) => e.event === 'ready'), 'ready');
		// A deal made for the rep with its first task: a new deal, not a task given to them.
		const { deal } = await createDeal(server.url, owner.token, owner.pipeline.id, { ownerId: rep.userId });
		const task = await callApi(server.url, 'POST', `/api/deals/${deal.id}/tasks`, {
			token: owner.token,
			json: { type: 'email', title: 'Send the price list', dueAt: later, assigneeId: rep.userId }
		});
		expect(task.status).toBe(201);
		await eventually(async () => (await list(server.url, rep.token, owner.workspaceId)).body.notifications.length === 1, 'one notification');
		expect((await list(server.url, rep.token, owner.workspaceId)).body.notifications[0]).toMatchObject({
			kind: 'task_assigned',
			taskId: task.body.task.id,
			dealId: deal.id,
			params: { title: 'Send the price list', by: 'Olga Owner' }
		});
		// Their own task on their own deal: nothing.
		await callApi(server.url, 'POST', `/api/deals/${deal.id}/tasks`, { token: rep.token, json: { type: 'call', title: 'Mine', dueAt: later } });

		const note = await callApi(server.url, 'POST', `/api/deals/${deal.id}/interactions`, {
			token: owner.token,
			json: { kind: 'note', text: 'Anna asked for a discount, @ron REP please call her; cc @Olga Owner' }
		});
		expect(note.status).toBe(201);
		await eventually(() => stream.seen.filter((e) => e.event === 'notification').length >= 2, 'the mention is live');
		const page = (await list(server.url, rep.token, owner.workspaceId)).body;
		expect(page.notifications.map((n: { kind: string }) => n.kind)).toEqual(['mention', 'task_assigned']);
		expect(page.notifications[0]).toMatchObject({ dealId: deal.id, params: { by: 'Olga Owner', excerpt: expect.stringContaining('@ron REP please') } });
		// The author mentioning themselves is not told.
		expect((await list(server.url, owner.token, owner.workspaceId)).body.notifications).toEqual([]);

		// A contact's note mentions by e-mail too.
		const me = (await callApi(server.url, 'GET', '/api/me', { token: rep.token })).body.user;
		const contact = await callApi(server.url, 'POST', `/api/workspaces/${owner.workspaceId}/contacts`, { token: owner.token, json: { name: 'Anna Petrova' } });
		await callApi(server.url, 'POST', `/api/contacts/${contact.body.contact.id}/interactions`, { token: owner.token, json: { kind: 'call', text: `Ask @${me.email}.` } });
		await eventually(async () => (await list(server.url, rep.token, owner.workspaceId)).body.notifications.length === 3, 'the contact mention');
		expect((await list(server.url, rep.token, owner.workspaceId)).body.notifications[0]).toMatchObject({ kind: 'mention', contactId: contact.body.contact.id });
	});

	it('honours each user’s choices: a kind off in the app is not shown or sent live; all on by default', async () => {
		const server = await start();
		const owner = await signUpOwner(server.url);
		const rep = await addMember(server.url, owner.token, owner.workspaceId, 'rep');
		const defaults = await callApi(server.url, 'GET', '/api/me/notification-preferences', { token: rep.token });
		expect(defaults.body.preferences).toHaveLength(8);
		expect(defaults.body.preferences.every((p: { inApp: boolean; push: boolean }) => p.inApp && p.push)).toBe(true);
		const saved = await callApi(server.url, 'PUT', '/api/me/notification-preferences', {
			token: rep.token,
			json: { preferences: [{ kind: 'mention', inApp: false, push: false }] }
		});
		expect(saved.body.preferences.find((p: { kind: string }) => p.kind === 'mention')).toEqual({ kind: 'mention', inApp: false, push: false });
		expect(saved.body.preferences.find((p: { kind: string }) => p.kind === 'task_overdue')).toEqual({ kind: 'task_overdue', inApp: true, push: true });
		expect((await callApi(server.url, 'PUT', '/api/me/notification-preferences', { token: rep.token, json: { preferences: [{ kind: 'nope', inApp: true, push: true }] } })).status).toBe(422);

		const stream = openEvents(`${server.url}/api/workspaces/${owner.workspaceId}/events`, rep.token);
		closers.push(stream.close);
		await eventually(() => stream.seen.some((e) => e.event === 'ready'), 'ready');
		await server.notifier.notify({ workspaceId: owner.workspaceId, userId: rep.userId, kind: 'mention', params: { by: 'Olga', excerpt: 'hidden' } });
		await server.notifier.notify({ workspaceId: owner.workspaceId, userId: rep.userId, kind: 'task_overdue', params: { title: 'Shown' } });
		await eventually(() => stream.seen.some((e) => e.event === 'notification'), 'the shown one is live');
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(stream.seen.filter((e) => e.event === 'notification')).toHaveLength(1);
		const page = (await list(server.url, rep.token, owner.workspaceId)).body;
		expect(page.notifications.map((n: { kind: string }) => n.kind)).toEqual(['task_overdue']);
		expect(page.unreadCount).toBe(1);
	});

	it('pushes to a subscribed device, encrypted for its keys, in the user’s language; honours "push off"; forgets a device the service calls gone', async () => {
		const server = await start();
		const pushService = await startPushService();
		closers.push(pushService.close);
		const owner = await signUpOwner(server.url);
		const rep = await addMember(server.url, owner.token, owner.workspaceId, 'rep');
		await callApi(server.url, 'PATCH', '/api/me', { token: rep.token, json: { locale: 'ru' } });
		const { publicKey } = (await callApi(server.url, 'GET', '/api/push/key', { token: rep.token })).body;
		expect(publicKey).toMatch(/^[A-Za-z0-9_-]{80,90}$/);
		const device = createSubscriberKeys();
		const endpoint = `${pushService.url}/push/rep-phone`;
		// Plain http beyond loopback is never a push service.
		expect((await callApi(server.url, 'POST', '/api/me/push-subscriptions', { token: rep.token, json: { endpoint: 'http://10.0.0.1/push', keys: device.json } })).status).toBe(422);
		expect((await callApi(server.url, 'POST', '/api/me/push-subscriptions', { token: rep.token, json: { endpoint, keys: device.json } })).status).toBe(204);

		const { deal } = await createDeal(server.url, owner.token, owner.pipeline.id, { title: 'Котёл, «Анна»' });
		await callApi(server.url, 'PATCH', `/api/deals/${deal.id}`, { token: owner.token, json: { ownerId: rep.userId } });
		await eventually(() => pushService.received.length === 1, 'the push service got it');
		const [push] = pushService.received;
		expect(push!.path).toBe('/push/rep-phone');
		expect(push!.headers['content-encoding']).toBe('aes128gcm');
		expect(push!.headers.authorization).toContain(`k=${publicKey}`);
		const payload = JSON.parse(decryptPush(push!.body, device));
		expect(payload).toMatchObject({
			title: 'Вам передана сделка',
			body: 'Olga Owner передал(а) вам сделку «Котёл, «Анна»»',
			url: `/w/${owner.workspaceId}/deals/${deal.id}`
		});

		// Push off for a kind: stored and shown, not pushed.
		await callApi(server.url, 'PUT', '/api/me/notification-preferences', { token: rep.token, json: { preferences: [{ kind: 'task_overdue', inApp: true, push: false }] } });
		await server.notifier.notify({ workspaceId: owner.workspaceId, userId: rep.userId, kind: 'task_overdue', params: { title: 'Quiet' } });
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(pushService.received).toHaveLength(1);

		// The browser dropped the subscription: the service answers 410 and the device is forgotten.
		pushService.state.status = 410;
		await server.notifier.notify({ workspaceId: owner.workspaceId, userId: rep.userId, kind: 'mention', params: { by: 'Olga', excerpt: 'hello' } });
		expect(pushService.received).toHaveLength(2);
		expect(await database().db.select().from(pushSubscriptions).where(eq(pushSubscriptions.userId, rep.userId))).toEqual([]);

		// Unsubscribing from a device removes it.
		pushService.state.status = 201;
		await callApi(server.url, 'POST', '/api/me/push-subscriptions', { token: rep.token, json: { endpoint, keys: device.json } });
		expect((await callApi(server.url, 'DELETE', `/api/me/push-subscriptions?endpoint=${encodeURIComponent(endpoint)}`, { token: rep.token })).status).toBe(204);
		await server.notifier.notify({ workspaceId: owner.workspaceId, userId: rep.userId, kind: 'mention', params: { by: 'Olga', excerpt: 'again' } });
		expect(pushService.received).toHaveLength(2);
	});

	it('keeps one VAPID key pair across restarts and nodes', async () => {
		const one = await start();
		const two = await start();
		const owner = await signUpOwner(one.url);
		const keyOf = async (server: RunningServer) => (await callApi(server.url, 'GET', '/api/push/key', { token: owner.token })).body.publicKey as string;
		const first = await keyOf(one);
		expect(await keyOf(two)).toBe(first);
		await one.close();
		await two.close();
		servers.splice(0);
		expect(await keyOf(await start())).toBe(first);
	});

	it('serves a private calendar feed of the user’s open tasks, escaped and folded, and a reset address makes the old one 404', async () => {
		const server = await start();
		const owner = await signUpOwner(server.url);
		const rep = await addMember(server.url, owner.token, owner.workspaceId, 'rep');
		expect((await callApi(server.url, 'GET', '/api/me/calendar', { token: rep.token })).body).toEqual({ active: false, createdAt: null });
		const tricky = 'Call back; then, send \\ the "price" list';
		const { deal } = await createDeal(server.url, owner.token, owner.pipeline.id, {
			ownerId: rep.userId,
			title: 'Котельная для ООО «Северный ветер», монтаж и пусконаладка под ключ',
			firstTask: { type: 'call', title: tricky, dueAt: '2030-01-02T09:30:00Z' }
		});
		// A done task is not in the feed.
		const extra = await callApi(server.url, 'POST', `/api/deals/${deal.id}/tasks`, { token: rep.token, json: { type: 'todo', title: 'Finished', dueAt: later } });
		expect((await callApi(server.url, 'PATCH', `/api/tasks/${extra.body.task.id}`, { token: rep.token, json: { done: true } })).status).toBe(200);
		// The owner's task is not in the rep's feed.
		await createDeal(server.url, owner.token, owner.pipeline.id, { firstTask: { type: 'call', title: 'Owner’s own', dueAt: later } });

		const made = await callApi(server.url, 'POST', '/api/me/calendar/reset', { token: rep.token });
		expect(made.body.url).toMatch(new RegExp(`^${server.url}/api/calendar/[a-z2-7]{32}\\.ics$`));
		expect((await callApi(server.url, 'GET', '/api/me/calendar', { token: rep.token })).body.active).toBe(true);
		const response = await fetch(made.body.url);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toMatch(/^text\/calendar/);
		const text = await response.text();
		const lines = text.split('\r\n');
		expect(lines[0]).toBe('BEGIN:VCALENDAR');
		expect(lines.at(-2)).toBe('END:VCALENDAR');
		expect(lines.at(-1)).toBe('');
		// No line longer than 75 octets; a continuation starts with a space.
		for (const line of lines) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
		const unfolded = text.replace(/\r\n /g, '').split('\r\n');
		expect(unfolded.filter((line) => line === 'BEGIN:VEVENT')).toHaveLength(1);
		expect(unfolded).toContain('SUMMARY:Call back\\; then\\, send \\\\ the "price" list');
		expect(unfolded).toContain('DTSTART:20300102T093000Z');
		expect(unfolded).toContain(`URL:${server.url}/w/${owner.workspaceId}/deals/${deal.id}`);
		const description = unfolded.find((line) => line.startsWith('DESCRIPTION:'));
		expect(description).toBe(`DESCRIPTION:Deal: Котельная для ООО «Северный ветер»\\, монтаж и пусконаладка под ключ\\n${server.url}/w/${owner.workspaceId}/deals/${deal.id}`);
		expect(text).toContain('\r\n ');
		// Folding never splits a Cyrillic letter: every physical line is valid UTF-8 on its own.
		for (const line of lines) expect(Buffer.from(Buffer.from(line, 'utf8').toString('utf8'), 'utf8').equals(Buffer.from(line, 'utf8'))).toBe(true);

		const reset = await callApi(server.url, 'POST', '/api/me/calendar/reset', { token: rep.token });
		expect(reset.body.url).not.toBe(made.body.url);
		expect((await fetch(made.body.url)).status).toBe(404);
		expect((await fetch(reset.body.url)).status).toBe(200);
	});

	it('notifies due-soon and overdue tasks once each, however often the job runs', async () => {
		// The job is given its clock; the server's own clock stays real (sessions expire from it).
		// Far from the other tests' due times: the job reads every workspace of the database.
		const base = Date.UTC(2032, 2, 1, 12);
		const at = (minutes: number) => new Date(base + minutes * 60_000);
		const server = await start();
		const owner = await signUpOwner(server.url);
		const rep = await addMember(server.url, owner.token, owner.workspaceId, 'rep');
		await createDeal(server.url, owner.token, owner.pipeline.id, { ownerId: rep.userId, firstTask: { type: 'call', title: 'Call Anna', dueAt: at(30).toISOString() } });
		await createDeal(server.url, owner.token, owner.pipeline.id, { ownerId: rep.userId, firstTask: { type: 'call', title: 'Far off', dueAt: at(90 * 24 * 60).toISOString() } });
		let now = at(0);
		const db = database().db;
		expect(await notifyDueTasks(db, server.notifier, now)).toBe(1);
		expect(await notifyDueTasks(db, server.notifier, now)).toBe(0);
		now = at(60);
		const both = await Promise.all([notifyDueTasks(db, server.notifier, now), notifyDueTasks(db, server.notifier, now)]);
		expect(both[0] + both[1]).toBe(1);
		const page = (await list(server.url, rep.token, owner.workspaceId)).body;
		expect(page.notifications.map((n: { kind: string; params: { title: string } }) => [n.kind, n.params.title])).toEqual([
			['task_overdue', 'Call Anna'],
			['task_due_soon', 'Call Anna']
		]);
	});
});

// Two nodes need Redis; CI refuses to run without TEST_REDIS_URL (tests/support/integration-setup.ts).
const redisUrl = process.env.TEST_REDIS_URL;
if (redisUrl) {
	describeEachDatabase('notifications on two nodes', (database) => {
		const servers: RunningServer[] = [];
		afterEach(async () => {
			for (const server of servers.splice(0)) await server.close();
		});
		it('sends one notification when both nodes have the board open and see the handover', async () => {
			const start = async () => {
				const server = await startServer({
					database: database(),
					config: loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', REDIS_URL: redisUrl }),
					limits: { signupAddress: { points: 1000, durationSec: 3600 } }
				});
				servers.push(server);
				return server;
			};
			const [one, two] = [await start(), await start()];
			const owner = await signUpOwner(one.url);
			const rep = await addMember(one.url, owner.token, owner.workspaceId, 'rep');
			const created = await callApi(one.url, 'POST', `/api/pipelines/${owner.pipeline.id}/deals`, {
				token: owner.token,
				json: { title: 'Across', valueMinor: 1, currency: 'EUR', firstTask: { type: 'call', title: 'Call', dueAt: later } }
			});
			const boards = [connectBoard(one.url, owner.pipeline.id, owner.token), connectBoard(two.url, owner.pipeline.id, rep.token)];
			try {
				await Promise.all(boards.map((board) => board.synced()));
				const streams = [one, two].map((server) => openEvents(`${server.url}/api/workspaces/${owner.workspaceId}/events`, rep.token));
				await eventually(() => streams.every((s) => s.seen.some((e) => e.event === 'ready')), 'ready on both');
				reassignDeal(boards[0]!.doc, created.body.deal.id, rep.userId, clock);
				await eventually(() => streams.every((s) => s.seen.some((e) => e.event === 'notification')), 'both nodes’ streams hear of it');
				await new Promise((resolve) => setTimeout(resolve, 1500));
				const rows = await database().db.select().from(notifications).where(eq(notifications.userId, rep.userId));
				expect(rows.map((row) => row.kind)).toEqual(['deal_reassigned']);
				for (const stream of streams) {
					expect(stream.seen.filter((e) => e.event === 'notification')).toHaveLength(1);
					stream.close();
				}
			} finally {
				for (const board of boards) board.destroy();
			}
		});
	});
}
