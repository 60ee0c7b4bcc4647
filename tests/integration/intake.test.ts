import { afterEach, expect, it } from 'vitest';
import { and, count, eq } from 'drizzle-orm';
import { loadConfig } from '../../server/config.js';
import { startServer, type RunningServer } from '../../server/server.js';
import type { AppOptions } from '../../server/app.js';
import { automationLog, contacts, dealsProjection, interactions, notifications, workspaces } from '../../server/db/schema.js';
import { boardMaps } from '../../src/lib/model/board.js';
import { RefusedChange } from '../../server/board/refused-change.js';
import { findIntakeSource } from '../../server/intake/intake-sources.js';
import { runIntake } from '../../server/intake/intake.js';
import type { RoomManager } from '../../server/sync/rooms.js';
import { ApiError } from '../../server/http/errors.js';
import { companies, recordEvents } from '../../server/db/schema.js';
import { describeEachDatabase } from '../support/databases.js';
import { addMember, callApi, connectBoard, eventually, signUpOwner } from '../support/sync-server.js';

const site = 'https://shop.example';

describeEachDatabase('intake: web forms, the webhook and lead routing', (database) => {
	let server: RunningServer | null = null;
	afterEach(async () => {
		await server?.close();
		server = null;
	});

	async function start(options: Partial<AppOptions> = {}) {
		server = await startServer({ database: database(), config: loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }), ...options });
		const owner = await signUpOwner(server.url);
		const url = server.url;
		const api = (method: string, path: string, json?: unknown, token = owner.token) => callApi(url, method, path, { token, json });
		return { url, owner, api };
	}

	/** What the workspace holds that a submission could create. */
	async function tally(workspaceId: string) {
		const db = database().db;
		const [c] = await db.select({ n: count() }).from(contacts).where(eq(contacts.workspaceId, workspaceId));
		const [d] = await db.select({ n: count() }).from(dealsProjection).where(eq(dealsProjection.workspaceId, workspaceId));
		const [i] = await db.select({ n: count() }).from(interactions).where(eq(interactions.workspaceId, workspaceId));
		return { contacts: c!.n, deals: d!.n, interactions: i!.n };
	}

	function post(url: string, path: string, body: string, headers: Record<string, string>) {
		return fetch(url + path, { method: 'POST', body, headers, redirect: 'manual' });
	}

	it('puts a submitted request on the open board, linked to the known contact, owned by the available rep, with its task due by the SLA in working time', async () => {
		// Monday 7 December 2026, 17:50 in Moscow: ten working minutes are left of the day.
		let now = new Date('2026-12-07T14:50:00Z');
		const { url, owner, api } = await start({ now: () => now });
		await database().db.update(workspaces).set({ timeZone: 'Europe/Moscow' }).where(eq(workspaces.id, owner.workspaceId));
		const away = await addMember(url, owner.token, owner.workspaceId, 'rep');
		const rep = await addMember(url, owner.token, owner.workspaceId, 'rep');
		expect((await api('PUT', `/api/workspaces/${owner.workspaceId}/members/${away.userId}/availability`, { available: false }, away.token)).status).toBe(200);
		expect((await api('GET', `/api/workspaces/${owner.workspaceId}/members/${away.userId}/availability`, undefined, away.token)).body).toEqual({ userId: away.userId, available: false });
		expect((await api('GET', `/api/workspaces/${owner.workspaceId}/members/${rep.userId}/availability`, undefined, away.token)).status).toBe(403);
		// A rep may not mark someone else away.
		expect((await api('PUT', `/api/workspaces/${owner.workspaceId}/members/${rep.userId}/availability`, { available: false }, away.token)).status).toBe(403);
		const known = await api('POST', `/api/workspaces/${owner.workspaceId}/contacts`, { name: 'Anna Petrova', phones: ['+7 912 345-67-89'] }, rep.token);
		expect(known.status).toBe(201);
		const contactId = known.body.contact.id as string;

		const created = await api('POST', `/api/pipelines/${owner.pipeline.id}/forms`, { name: 'Website', stageId: owner.pipeline.stages[0]!.id, allowedOrigins: [site] });
		expect(created.status).toBe(201);
		expect(created.body).toMatchObject({ id: expect.any(String), key: expect.any(String), ownerRule: 'round_robin', slaMinutes: 15, firstTask: { type: 'call', title: 'Call back' } });
		expect(created.body.fields.map((f: { name: string }) => f.name)).toEqual(['name', 'email', 'phone', 'company', 'message']);
		const key = created.body.key as string;

		const board = connectBoard(url, owner.pipeline.id, owner.token);
		await board.synced();
		const submitted = await post(url, `/api/public/forms/${key}`, JSON.stringify({ name: 'Anna Petrova', phone: '8 (912) 345 67 89', message: 'Please call me about the delivery' }), {
			'content-type': 'application/json',
			origin: site
		});
		expect(submitted.status).toBe(201);
		expect(submitted.headers.get('access-control-allow-origin')).toBe(site);
		const { dealId } = (await submitted.json()) as { dealId: string };

		// Live on the open board: the deal with its owner, contact and first task.
		const maps = boardMaps(board.doc);
		await eventually(() => maps.deals.has(dealId), 'the deal appears on the open board');
		const deal = maps.deals.get(dealId)!;
		expect(deal.get('title')).toBe('Request from website: Anna Petrova');
		expect(deal.get('contactId')).toBe(contactId);
		expect(deal.get('ownerId')).toBe(rep.userId);
		expect(deal.get('source')).toBe('form');
		expect(deal.get('stageId')).toBe(owner.pipeline.stages[0]!.id);
		const tasks = [...maps.tasks.values()].filter((task) => task.get('dealId') === dealId);
		expect(tasks.map((task) => [task.get('title'), task.get('type'), task.get('assigneeId'), task.get('done'), task.get('dueAt')])).toEqual([
			// 10 minutes on Monday, 5 on Tuesday from 09:00 Moscow time.
			['Call back', 'call', rep.userId, false, '2026-12-08T06:05:00.000Z']
		]);
		board.destroy();

		// The request's text on the deal and on the contact; no duplicate contact.
		const page = await api('GET', `/api/deals/${dealId}`, undefined, rep.token);
		expect(page.body.interactions.map((entry: { text: string }) => entry.text)).toEqual([expect.stringContaining('Please call me about the delivery')]);
		const contactInteractions = await database().db.select().from(interactions).where(eq(interactions.contactId, contactId));
		expect(contactInteractions.map((row) => row.dealId)).toEqual([dealId]);
		expect((await tally(owner.workspaceId)).contacts).toBe(1);

		// The owner is told, and the log says what happened.
		const told = await database().db.select().from(notifications).where(eq(notifications.userId, rep.userId));
		expect(told.map((row) => [row.kind, row.dealId])).toEqual([['lead_assigned', dealId]]);
		const log = await api('GET', `/api/forms/${created.body.id}/log`);
		expect(log.body.entries).toEqual([expect.objectContaining({ outcome: 'done', dealId, contactId })]);

		// A plain HTML form post from the site: 303 to the thank-you page, a new contact this time.
		now = new Date('2026-12-08T07:00:00Z');
		const form = await post(url, `/api/public/forms/${key}`, new URLSearchParams({ name: 'Boris Sidorov', email: 'boris@example.com', homepage: '' }).toString(), {
			'content-type': 'application/x-www-form-urlencoded',
			origin: site
		});
		expect(form.status).toBe(303);
		expect(form.headers.get('location')).toBe(`/api/public/forms/${key}/thanks`);
		const thanks = await fetch(url + form.headers.get('location'));
		expect(await thanks.text()).toContain('Thank you!');
		await eventually(async () => (await tally(owner.workspaceId)).deals === 2, 'the second deal is in the projection');
		expect(await tally(owner.workspaceId)).toEqual({ contacts: 2, deals: 2, interactions: 2 });
	});

	it('routes fairly: round robin over 100 leads, fewest open evening out a skewed start, none to the away', async () => {
		const { url, owner, api } = await start({ intakeLimits: { address: { points: 1000, durationSec: 60 }, source: { points: 1000, durationSec: 60 } } });
		const reps = [];
		for (let i = 0; i < 3; i++) reps.push(await addMember(url, owner.token, owner.workspaceId, 'rep'));
		const away = await addMember(url, owner.token, owner.workspaceId, 'manager');
		await api('PUT', `/api/workspaces/${owner.workspaceId}/members/${away.userId}/availability`, { available: false });
		const stageId = owner.pipeline.stages[0]!.id;
		const openDeals = async () => {
			const rows = await database()
				.db.select({ ownerId: dealsProjection.ownerId, n: count() })
				.from(dealsProjection)
				.where(and(eq(dealsProjection.workspaceId, owner.workspaceId), eq(dealsProjection.status, 'open')))
				.groupBy(dealsProjection.ownerId);
			return new Map(rows.map((row) => [row.ownerId, row.n]));
		};

		const roundRobin = await api('POST', `/api/pipelines/${owner.pipeline.id}/forms`, { name: 'Round robin', stageId });
		for (let i = 0; i < 100; i++) {
			const answer = await post(url, `/api/public/forms/${roundRobin.body.key}`, JSON.stringify({ name: `Lead ${i}` }), { 'content-type': 'application/json' });
			expect(answer.status).toBe(201);
		}
		let counts = await openDeals();
		const shares = reps.map((rep) => counts.get(rep.userId) ?? 0);
		expect(shares.reduce((a, b) => a + b, 0)).toBe(100);
		expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
		expect(counts.get(away.userId)).toBeUndefined();
		expect(counts.get(owner.userId)).toBeUndefined();

		// A skewed start: the first rep has 30 more open deals than the others.
		for (let i = 0; i < 30; i++) {
			const extra = await api('POST', `/api/pipelines/${owner.pipeline.id}/deals`, {
				title: `Old ${i}`,
				valueMinor: 0,
				currency: 'EUR',
				ownerId: reps[0]!.userId,
				firstTask: { type: 'call', title: 'Call', dueAt: '2030-01-01T10:00:00Z' }
			});
			expect(extra.status).toBe(201);
		}
		const fewest = await api('POST', `/api/pipelines/${owner.pipeline.id}/forms`, { name: 'Fewest open', stageId, ownerRule: 'fewest_open' });
		for (let i = 0; i < 75; i++) {
			expect((await post(url, `/api/public/forms/${fewest.body.key}`, JSON.stringify({ name: `Lead F${i}` }), { 'content-type': 'application/json' })).status).toBe(201);
		}
		counts = await openDeals();
		const loads = reps.map((rep) => counts.get(rep.userId) ?? 0);
		// 34 + 30 = 64 for the first: the other two take 31 each to catch up, then all three share the last 13.
		expect(loads.reduce((a, b) => a + b, 0)).toBe(205);
		expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
		expect(counts.get(away.userId)).toBeUndefined();

		// The routing page's view: availability, loads, and whose turn is next.
		const routing = await api('GET', `/api/pipelines/${owner.pipeline.id}/routing`);
		expect(routing.status).toBe(200);
		expect(routing.body.members.find((member: { userId: string }) => member.userId === away.userId)).toMatchObject({ available: false, openDeals: 0 });
		expect(reps.map((rep) => rep.userId)).toContain(routing.body.nextUserId);

		// Nobody available: the owner takes the lead rather than lose it, and the log says why.
		for (const rep of reps) await api('PUT', `/api/workspaces/${owner.workspaceId}/members/${rep.userId}/availability`, { available: false });
		const lone = await post(url, `/api/public/forms/${roundRobin.body.key}`, JSON.stringify({ name: 'Late lead' }), { 'content-type': 'application/json' });
		const { dealId } = (await lone.json()) as { dealId: string };
		const [entry] = await database().db.select().from(automationLog).where(eq(automationLog.dealId, dealId));
		expect(entry!.detail).toMatchObject({ ownerId: owner.userId, routing: 'nobody_available' });
	});

	it('takes turns once each when leads arrive at the same moment: the turn is locked in the database', async () => {
		const { url, owner, api } = await start({ intakeLimits: { address: { points: 1000, durationSec: 60 }, source: { points: 1000, durationSec: 60 } } });
		const reps = [];
		for (let i = 0; i < 3; i++) reps.push(await addMember(url, owner.token, owner.workspaceId, 'rep'));
		const form = (await api('POST', `/api/pipelines/${owner.pipeline.id}/forms`, { name: 'Website', stageId: owner.pipeline.stages[0]!.id })).body;
		const answers = await Promise.all(
			Array.from({ length: 30 }, (_, i) => post(url, `/api/public/forms/${form.key}`, JSON.stringify({ name: `Rush ${i}` }), { 'content-type': 'application/json' }))
		);
		expect(answers.map((answer) => answer.status)).toEqual(Array(30).fill(201));
		const rows = await database()
			.db.select({ ownerId: dealsProjection.ownerId, n: count() })
			.from(dealsProjection)
			.where(eq(dealsProjection.workspaceId, owner.workspaceId))
			.groupBy(dealsProjection.ownerId);
		expect(reps.map((rep) => rows.find((row) => row.ownerId === rep.userId)?.n ?? 0)).toEqual([10, 10, 10]);
	});

	it('refuses every bad submission with its status and error, and creates nothing', async () => {
		const { url, owner, api } = await start({ intakeLimits: { address: { points: 100, durationSec: 60 } } });
		const stageId = owner.pipeline.stages[0]!.id;
		const form = (await api('POST', `/api/pipelines/${owner.pipeline.id}/forms`, { name: 'Website', stageId, allowedOrigins: [site] })).body;
		const before = await tally(owner.workspaceId);
		const json = { 'content-type': 'application/json', origin: site };
		const send = (body: unknown, headers: Record<string, string> = json, key = form.key) => post(url, `/api/public/forms/${key}`, typeof body === 'string' ? body : JSON.stringify(body), headers);
		const expectRefusal = async (response: Response, status: number, code: string) => {
			expect(response.status).toBe(status);
			const body = (await response.json()) as { error: { code: string; message: string; issues?: { path: string }[] } };
			expect(body.error.code).toBe(code);
			expect(body.error.message.length).toBeGreaterThan(0);
			return body.error;
		};

		const missing = await expectRefusal(await send({ email: 'anna@example.com' }), 422, 'validation_failed');
		expect(missing.issues?.map((issue) => issue.path)).toEqual(['name']);
		const unknown = await expectRefusal(await send({ name: 'Anna', budget: '1000', city: 'Omsk' }), 422, 'unknown_fields');
		expect(unknown.message).toContain('budget, city');
		await expectRefusal(await send({ name: 'Anna', email: 'not an address' }), 422, 'validation_failed');
		await expectRefusal(await send({ name: 'x'.repeat(501) }), 422, 'validation_failed');
		await expectRefusal(await send({ name: 'Anna', message: 'x'.repeat(17 * 1024) }), 413, 'payload_too_large');
		await expectRefusal(await send('name=Anna', { 'content-type': 'text/plain', origin: site }), 415, 'unsupported_media_type');
		await expectRefusal(await send('{"name":', json), 400, 'invalid_json');
		await expectRefusal(await send('name=Anna&name=Boris', { 'content-type': 'application/x-www-form-urlencoded', origin: site }), 422, 'validation_failed');

		// Another site: refused, and told nothing by CORS; its preflight too.
		const foreign = await send({ name: 'Anna' }, { 'content-type': 'application/json', origin: 'https://evil.example' });
		expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
		await expectRefusal(foreign, 403, 'origin_not_allowed');
		const preflight = (origin: string) => fetch(`${url}/api/public/forms/${form.key}`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
		const refusedPreflight = await preflight('https://evil.example');
		expect(refusedPreflight.status).toBe(403);
		expect(refusedPreflight.headers.get('access-control-allow-origin')).toBeNull();
		const allowedPreflight = await preflight(site);
		expect(allowedPreflight.status).toBe(204);
		expect(allowedPreflight.headers.get('access-control-allow-origin')).toBe(site);
		expect(allowedPreflight.headers.get('access-control-allow-headers')).toContain('Content-Type');

		// The spam trap filled: looks like success to the bot, creates nothing, logged as skipped.
		const spam = await send({ name: 'Bot', homepage: 'http://spam.example' });
		expect(spam.status).toBe(201);
		const spamPost = await send('name=Bot&homepage=http%3A%2F%2Fspam.example', { 'content-type': 'application/x-www-form-urlencoded', origin: site });
		expect(spamPost.status).toBe(303);
		const log = await api('GET', `/api/forms/${form.id}/log`);
		expect(log.body.entries.map((entry: { outcome: string; detail: { reason?: string } }) => [entry.outcome, entry.detail.reason])).toEqual([
			['skipped', 'honeypot'],
			['skipped', 'honeypot']
		]);

		await expectRefusal(await send({ name: 'Anna' }, json, 'no-such-form'), 404, 'not_found');
		expect((await api('DELETE', `/api/forms/${form.id}`)).status).toBe(204);
		await expectRefusal(await send({ name: 'Anna' }), 410, 'form_disabled');

		expect(await tally(owner.workspaceId)).toEqual(before);
	});

	it('stops a flood per address and per form', async () => {
		const { url, owner, api } = await start({ intakeLimits: { address: { points: 3, durationSec: 600 }, source: { points: 5, durationSec: 600 } } });
		const form = (await api('POST', `/api/pipelines/${owner.pipeline.id}/forms`, { name: 'Website', stageId: owner.pipeline.stages[0]!.id })).body;
		const send = (name: string, address?: string) =>
			post(url, `/api/public/forms/${form.key}`, JSON.stringify({ name }), { 'content-type': 'application/json', ...(address ? { 'x-forwarded-for': address } : {}) });
		for (let i = 0; i < 3; i++) expect((await send(`Lead ${i}`)).status).toBe(201);
		const flooded = await send('Lead 4');
		expect(flooded.status).toBe(429);
		expect(flooded.headers.get('retry-after')).toMatch(/^\d+$/);
		expect(((await flooded.json()) as { error: { code: string } }).error.code).toBe('too_many_requests');
		expect((await tally(owner.workspaceId)).deals).toBe(3);
	});

	it('takes a service’s JSON through the same intake at a secret webhook address, and refuses a wrong secret', async () => {
		const { url, owner, api } = await start();
		const made = await api('POST', `/api/pipelines/${owner.pipeline.id}/webhooks`, { name: 'Telephony', stageId: owner.pipeline.stages[0]!.id });
		expect(made.status).toBe(201);
		const before = await tally(owner.workspaceId);
		const call = (path: string, body: unknown) => post(url, path, JSON.stringify(body), { 'content-type': 'application/json' });
		expect((await call('/api/public/webhooks/wrong-secret', { name: 'Ivan' })).status).toBe(404);
		expect((await call(made.body.path, { name: 'Ivan', extension: '12' })).status).toBe(422);
		expect(await tally(owner.workspaceId)).toEqual(before);

		const answer = await call(made.body.path, { name: 'Ivan Petrov', phone: '+7 912 000-11-22', company: 'Romashka', message: 'Missed call', source: 'phone' });
		expect(answer.status).toBe(201);
		const { dealId } = (await answer.json()) as { dealId: string };
		const page = await api('GET', `/api/deals/${dealId}`);
		expect(page.body.deal).toMatchObject({ title: 'Call: Ivan Petrov', source: 'phone', ownerId: owner.userId });
		expect(page.body.interactions[0]).toMatchObject({ kind: 'call' });

		// A new secret: the old address stops working.
		const rotated = await api('POST', `/api/webhooks/${made.body.webhook.id}/secret`);
		expect(rotated.status).toBe(200);
		expect((await call(made.body.path, { name: 'Ivan' })).status).toBe(404);
		expect((await call(rotated.body.path, { name: 'Ivan' })).status).toBe(201);
	});

	it('leaves nothing behind when the board refuses the deal: the rows written before it are taken back, and the failure logged', async () => {
		const { owner, api } = await start();
		const form = (await api('POST', `/api/pipelines/${owner.pipeline.id}/forms`, { name: 'Website', stageId: owner.pipeline.stages[0]!.id })).body;
		const source = (await findIntakeSource(database().db, form.id, 'form'))!;
		const before = await tally(owner.workspaceId);
		const [companiesBefore] = await database().db.select({ n: count() }).from(companies).where(eq(companies.workspaceId, owner.workspaceId));
		const [eventsBefore] = await database().db.select({ n: count() }).from(recordEvents).where(eq(recordEvents.workspaceId, owner.workspaceId));
		// The board is the one dependency replaced: it refuses, as it would a change breaking one of its rules.
		const refusing = { withRoom: async () => { throw new RefusedChange([{ entity: 'deal' as const, id: 'x', rule: 'unknown-stage' as const, message: 'no such stage' }]); } } as unknown as RoomManager;
		const request = { name: 'Anna Petrova', email: 'anna@example.com', phone: null, company: 'Romashka', message: 'Call me', titleSuffix: null, notes: [], channel: 'form' as const };
		const failed = await runIntake({ db: database().db, rooms: refusing, notifier: server!.notifier, now: () => new Date() }, source, request).catch((error: unknown) => error);
		expect(failed).toBeInstanceOf(ApiError);
		expect((failed as ApiError).status).toBe(503);
		expect(await tally(owner.workspaceId)).toEqual(before);
		const [companiesAfter] = await database().db.select({ n: count() }).from(companies).where(eq(companies.workspaceId, owner.workspaceId));
		const [eventsAfter] = await database().db.select({ n: count() }).from(recordEvents).where(eq(recordEvents.workspaceId, owner.workspaceId));
		expect(companiesAfter!.n).toBe(companiesBefore!.n);
		expect(eventsAfter!.n).toBe(eventsBefore!.n);
		const log = await api('GET', `/api/forms/${form.id}/log`);
		expect(log.body.entries.map((entry: { outcome: string; dealId: string | null }) => [entry.outcome, entry.dealId])).toEqual([['failed', null]]);
		expect(await database().db.select().from(notifications).where(eq(notifications.workspaceId, owner.workspaceId))).toEqual([]);
	});
});
