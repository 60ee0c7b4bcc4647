import { afterEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { createDeal, listDealsInStage, listStages, moveDeal, readDeal, boardMaps } from '../../src/lib/model/index.js';
import { loadConfig } from '../../server/config.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { describeEachDatabase } from '../support/databases.js';
import { addMember, callApi, connectBoard, eventually, signUpOwner, startTestServer, type BoardClient } from '../support/sync-server.js';

const clock = { now: () => new Date().toISOString() };
const firstTask = (id: string) => ({ id, type: 'call' as const, title: 'Call back', dueAt: '2030-01-01T09:00:00.000Z' });

function stageNamed(doc: Y.Doc, name: string): string {
	return listStages(doc).find((stage) => stage.name === name)!.id;
}

function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
	return new Promise((resolve) => {
		const socket = new WebSocket(url, { headers });
		socket.on('open', () => {
			socket.close();
			resolve(101);
		});
		socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
		socket.on('error', () => undefined);
	});
}

describeEachDatabase('live board sync', (database) => {
	let server: RunningServer | null = null;
	const clients: BoardClient[] = [];
	const connect = (...args: Parameters<typeof connectBoard>) => {
		const client = connectBoard(...args);
		clients.push(client);
		return client;
	};
	afterEach(async () => {
		for (const client of clients.splice(0)) client.destroy();
		await server?.close();
		server = null;
	});

	it('authenticates and authorises the upgrade before the socket opens', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const stranger = await signUpOwner(server.url);
		const ws = server.url.replace('http', 'ws');
		expect(await upgradeStatus(`${ws}/sync/${owner.pipeline.id}`)).toBe(401);
		expect(await upgradeStatus(`${ws}/sync/${owner.pipeline.id}?token=vrk_nonsense`)).toBe(401);
		expect(await upgradeStatus(`${ws}/sync/${owner.pipeline.id}?token=${stranger.token}`)).toBe(403);
		expect(await upgradeStatus(`${ws}/sync/${owner.pipeline.id}?token=${owner.token}`)).toBe(101);
		expect(await upgradeStatus(`${ws}/sync/${owner.pipeline.id}`, { cookie: owner.cookie })).toBe(101);
		expect(await upgradeStatus(`${ws}/sync/${owner.pipeline.id}`, { cookie: owner.cookie, origin: 'https://evil.example' })).toBe(403);
	});

	it('shows one client’s new deal and move to another, and projects them with who moved', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const rep = await addMember(server.url, owner.token, owner.workspaceId, 'rep');
		const a = connect(server.url, owner.pipeline.id, owner.token);
		const b = connect(server.url, owner.pipeline.id, rep.token);
		await Promise.all([a.synced(), b.synced()]);
		expect(listStages(b.doc).map((s) => s.name)).toEqual(['New lead', 'Qualified', 'Meeting', 'Proposal', 'Negotiation', 'Won', 'Lost']);

		const newLead = stageNamed(a.doc, 'New lead');
		createDeal(a.doc, { id: 'deal-1', title: 'Acme renewal', valueMinor: 120000, currency: 'EUR', stageId: newLead, ownerId: owner.userId }, firstTask('task-1'), clock);
		await eventually(() => readDeal(b.doc, 'deal-1') !== null, 'B sees the new deal');

		const meeting = stageNamed(b.doc, 'Meeting');
		moveDeal(b.doc, 'deal-1', meeting, undefined, clock);
		await eventually(() => readDeal(a.doc, 'deal-1')?.stageId === meeting, 'A sees the move');

		await eventually(async () => {
			const list = await callApi(server!.url, 'GET', `/api/pipelines/${owner.pipeline.id}/deals?stage=${meeting}`, { token: owner.token });
			return list.body.deals.length === 1;
		}, 'the projection shows the deal in Meeting');
		const list = await callApi(server.url, 'GET', `/api/pipelines/${owner.pipeline.id}/deals`, { token: owner.token });
		expect(list.body.deals[0]).toMatchObject({ id: 'deal-1', title: 'Acme renewal', stageId: meeting, nextTask: { id: 'task-1' } });
		const events = await database().db.query.stageEvents.findMany({ where: (e, { eq }) => eq(e.dealId, 'deal-1'), orderBy: (e, { asc }) => asc(e.id) });
		expect(events.map((e) => [e.fromStageId, e.toStageId, e.userId])).toEqual([
			[null, newLead, owner.userId],
			[newLead, meeting, rep.userId]
		]);
	});

	it('keeps every stage a deal passed through when the projection gathers moves, and projects at once for an API write', async () => {
		// Lists lag the board by the gathering delay; this one is long enough to hold every move below.
		server = await startServer({ database: database(), config: loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', PROJECTION_DELAY_MS: '10000' }) });
		const owner = await signUpOwner(server.url);
		const rep = await addMember(server.url, owner.token, owner.workspaceId, 'rep');
		const a = connect(server.url, owner.pipeline.id, owner.token);
		const b = connect(server.url, owner.pipeline.id, rep.token);
		await Promise.all([a.synced(), b.synced()]);
		const [newLead, qualified, meeting] = ['New lead', 'Qualified', 'Meeting'].map((name) => stageNamed(a.doc, name));
		createDeal(a.doc, { id: 'gathered', title: 'Gathered', valueMinor: 1, currency: 'EUR', stageId: newLead!, ownerId: owner.userId }, firstTask('gathered-task'), clock);
		await eventually(() => readDeal(b.doc, 'gathered') !== null, 'B sees the new deal');
		moveDeal(b.doc, 'gathered', meeting!, undefined, clock);
		await eventually(() => readDeal(a.doc, 'gathered')?.stageId === meeting, 'A sees the move');
		moveDeal(a.doc, 'gathered', qualified!, undefined, clock);
		await eventually(() => readDeal(b.doc, 'gathered')?.stageId === qualified, 'B sees the move back');
		// The creation came after a quiet spell and may be projected already; the moves are gathering.
		const listed = await callApi(server.url, 'GET', `/api/pipelines/${owner.pipeline.id}/deals`, { token: owner.token });
		expect(listed.body.deals.filter((deal: { stageId: string }) => deal.stageId !== newLead)).toEqual([]);

		// A deal made on the board a moment ago is found by the API although its projection is still gathering.
		createDeal(b.doc, { id: 'fresh', title: 'Fresh', valueMinor: 1, currency: 'EUR', stageId: newLead!, ownerId: owner.userId }, firstTask('fresh-task'), clock);
		await eventually(() => readDeal(a.doc, 'fresh') !== null, 'A sees the fresh deal');
		const fresh = await callApi(server.url, 'GET', `/api/deals/fresh`, { token: owner.token });
		expect(fresh.status).toBe(200);
		expect(fresh.body.deal).toMatchObject({ id: 'fresh', title: 'Fresh' });
		expect((await callApi(server.url, 'GET', `/api/deals/nothing-here`, { token: owner.token })).status).toBe(404);

		// An API write waits for the projection, which takes everything gathered with it.
		const renamed = await callApi(server.url, 'PATCH', `/api/deals/gathered`, { token: owner.token, json: { title: 'Renamed' } });
		expect(renamed.status).toBe(200);
		const list = await callApi(server.url, 'GET', `/api/pipelines/${owner.pipeline.id}/deals`, { token: owner.token });
		expect(list.body.deals.find((deal: { id: string }) => deal.id === 'gathered')).toMatchObject({ title: 'Renamed', stageId: qualified });
		const events = await database().db.query.stageEvents.findMany({ where: (e, { eq }) => eq(e.dealId, 'gathered'), orderBy: (e, { asc }) => asc(e.id) });
		expect(events.map((e) => [e.fromStageId, e.toStageId, e.userId])).toEqual([
			[null, newLead, owner.userId],
			[newLead, meeting, rep.userId],
			[meeting, qualified, owner.userId]
		]);
	});

	it('keeps a deal’s stage entry time through edits, and sets it on each move', async () => {
		const day = 24 * 60 * 60 * 1000;
		const start = Math.floor(Date.now() / 1000) * 1000;
		let now = new Date(start);
		server = await startServer({ database: database(), now: () => now, config: loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }) });
		const owner = await signUpOwner(server.url);
		const [, qualified] = owner.pipeline.stages.map((stage) => stage.id);
		const created = await callApi(server.url, 'POST', `/api/pipelines/${owner.pipeline.id}/deals`, {
			token: owner.token,
			json: { title: 'Timed', valueMinor: 5, currency: 'EUR', firstTask: { type: 'call', title: 'Call', dueAt: '2030-04-01T10:00:00Z' } }
		});
		expect(created.status).toBe(201);
		const id = created.body.deal.id as string;
		const entered = async () => (await callApi(server!.url, 'GET', `/api/deals/${id}`, { token: owner.token })).body.deal.stageEnteredAt;
		expect(await entered()).toBe(new Date(start).toISOString());
		now = new Date(start + day);
		expect((await callApi(server.url, 'PATCH', `/api/deals/${id}`, { token: owner.token, json: { title: 'Timed, renamed' } })).status).toBe(200);
		expect(await entered()).toBe(new Date(start).toISOString());
		now = new Date(start + 2 * day);
		expect((await callApi(server.url, 'POST', `/api/deals/${id}/move`, { token: owner.token, json: { stageId: qualified } })).status).toBe(200);
		expect(await entered()).toBe(new Date(start + 2 * day).toISOString());
	});

	it('converges when two offline clients move the same deal to different stages', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const a = connect(server.url, owner.pipeline.id, owner.token);
		const b = connect(server.url, owner.pipeline.id, owner.token);
		await Promise.all([a.synced(), b.synced()]);
		const [s1, s2, s3] = listStages(a.doc).map((s) => s.id);
		createDeal(a.doc, { id: 'contested', title: 'Contested', valueMinor: 1, currency: 'EUR', stageId: s1!, ownerId: owner.userId }, firstTask('t-contested'), clock);
		await eventually(() => readDeal(b.doc, 'contested') !== null, 'B has the deal');

		a.provider.disconnect();
		b.provider.disconnect();
		moveDeal(a.doc, 'contested', s2!, undefined, clock);
		moveDeal(b.doc, 'contested', s3!, undefined, clock);
		a.provider.connect();
		b.provider.connect();
		await eventually(() => readDeal(a.doc, 'contested')!.stageId === readDeal(b.doc, 'contested')!.stageId, 'both agree');
		const final = readDeal(a.doc, 'contested')!.stageId;
		expect([s2, s3]).toContain(final);
		for (const doc of [a.doc, b.doc]) {
			const placements = listStages(doc).flatMap((s) => listDealsInStage(doc, s.id).map((d) => d.id));
			expect(placements.filter((id) => id === 'contested')).toHaveLength(1);
		}
		await eventually(async () => {
			const list = await callApi(server!.url, 'GET', `/api/pipelines/${owner.pipeline.id}/deals`, { token: owner.token });
			return list.body.deals.length === 1 && list.body.deals[0].stageId === final;
		}, 'the projection agrees');
	});

	it('never loses or duplicates cards when two users reorder one column at once', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const a = connect(server.url, owner.pipeline.id, owner.token);
		const b = connect(server.url, owner.pipeline.id, owner.token);
		await Promise.all([a.synced(), b.synced()]);
		const stage = listStages(a.doc)[0]!.id;
		for (let i = 0; i < 5; i++) {
			createDeal(a.doc, { id: `c${i}`, title: `Card ${i}`, valueMinor: 1, currency: 'EUR', stageId: stage, ownerId: owner.userId }, firstTask(`tc${i}`), clock);
		}
		await eventually(() => listDealsInStage(b.doc, stage).length === 5, 'B has five cards');
		a.provider.disconnect();
		b.provider.disconnect();
		moveDeal(a.doc, 'c0', stage, undefined, clock);
		moveDeal(a.doc, 'c3', stage, undefined, clock);
		moveDeal(b.doc, 'c3', stage, listDealsInStage(b.doc, stage).at(-1)!.rank + 'z', clock);
		moveDeal(b.doc, 'c1', stage, undefined, clock);
		a.provider.connect();
		b.provider.connect();
		const order = (doc: Y.Doc) => listDealsInStage(doc, stage).map((d) => d.id).join(',');
		await eventually(() => order(a.doc) === order(b.doc), 'same order on both');
		expect(order(a.doc).split(',').sort()).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
	});

	it('keeps everything a second client saw across a server restart, and merges edits made meanwhile', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const a = connect(server.url, owner.pipeline.id, owner.token);
		const b = connect(server.url, owner.pipeline.id, owner.token);
		await Promise.all([a.synced(), b.synced()]);
		const stage = listStages(a.doc)[0]!.id;
		createDeal(a.doc, { id: 'durable', title: 'Durable', valueMinor: 7, currency: 'EUR', stageId: stage, ownerId: owner.userId }, firstTask('t-durable'), clock);
		await eventually(() => readDeal(b.doc, 'durable') !== null, 'B saw it');

		const url = server.url;
		await server.close();
		server = null;
		// While the server is down, B keeps working offline.
		const qualified = listStages(b.doc)[1]!.id;
		moveDeal(b.doc, 'durable', qualified, undefined, clock);
		server = await startTestServer(database());
		const fresh = connect(server.url, owner.pipeline.id, owner.token);
		await fresh.synced();
		expect(readDeal(fresh.doc, 'durable')).toMatchObject({ title: 'Durable', stageId: stage });

		// B's provider still points at the old port: reconnect it by hand to the new one.
		b.provider.disconnect();
		const rejoined = connect(server.url, owner.pipeline.id, owner.token, b.doc);
		await rejoined.synced();
		await eventually(() => readDeal(fresh.doc, 'durable')?.stageId === qualified, 'the offline move arrives');
		expect(url).not.toBe('');
	});

	it('refuses a viewer’s edit: the viewer is told, nobody else sees it, the server does not keep it', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const viewer = await addMember(server.url, owner.token, owner.workspaceId, 'viewer');
		const a = connect(server.url, owner.pipeline.id, owner.token);
		const v = connect(server.url, owner.pipeline.id, viewer.token);
		await Promise.all([a.synced(), v.synced()]);
		const stage = listStages(a.doc)[0]!.id;
		createDeal(a.doc, { id: 'd', title: 'Original', valueMinor: 1, currency: 'EUR', stageId: stage, ownerId: owner.userId }, firstTask('t'), clock);
		await eventually(() => readDeal(v.doc, 'd') !== null, 'viewer receives the board');

		boardMaps(v.doc).deals.get('d')!.set('title', 'Vandalised');
		await eventually(() => v.refusals.length === 1, 'viewer told');
		expect(v.refusals[0]).toMatchObject({ rule: 'read-only' });
		await eventually(() => readDeal(v.doc, 'd')!.title === 'Original', 'viewer’s own copy reverted');
		expect(readDeal(a.doc, 'd')!.title).toBe('Original');

		await server.close();
		server = await startTestServer(database());
		const later = connect(server.url, owner.pipeline.id, owner.token);
		await later.synced();
		expect(readDeal(later.doc, 'd')!.title).toBe('Original');
	});

	it('shows a deal created through the REST API live on an open board', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const a = connect(server.url, owner.pipeline.id, owner.token);
		await a.synced();
		const created = await callApi(server.url, 'POST', `/api/pipelines/${owner.pipeline.id}/deals`, {
			token: owner.token,
			json: { title: 'From the website', valueMinor: 50000, currency: 'USD', firstTask: { type: 'call', title: 'Call back', dueAt: '2030-01-01T10:00:00Z' } }
		});
		expect(created.status).toBe(201);
		expect(created.body.deal).toMatchObject({ title: 'From the website', stageId: owner.pipeline.stages[0]!.id, ownerId: owner.userId, status: 'open' });
		expect(created.body.task).toMatchObject({ dealId: created.body.deal.id, done: false, assigneeId: owner.userId });
		await eventually(() => readDeal(a.doc, created.body.deal.id)?.title === 'From the website', 'the board shows it');

		const lost = owner.pipeline.stages.find((s) => s.kind === 'lost')!;
		const badStage = await callApi(server.url, 'POST', `/api/pipelines/${owner.pipeline.id}/deals`, {
			token: owner.token,
			json: { title: 'X', valueMinor: 1, currency: 'USD', stageId: lost.id, firstTask: { type: 'call', title: 'Call', dueAt: '2030-01-01T10:00:00Z' } }
		});
		expect(badStage.status).toBe(422);
		const noTask = await callApi(server.url, 'POST', `/api/pipelines/${owner.pipeline.id}/deals`, {
			token: owner.token,
			json: { title: 'X', valueMinor: 1, currency: 'USD' }
		});
		expect(noTask.status).toBe(422);
		expect(noTask.body.error.issues.map((i: { path: string }) => i.path)).toContain('firstTask');
	});

	it('clears the presence of a closed connection', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const a = connect(server.url, owner.pipeline.id, owner.token);
		const b = connect(server.url, owner.pipeline.id, owner.token);
		await Promise.all([a.synced(), b.synced()]);
		b.provider.awareness.setLocalState({ user: { id: owner.userId, name: 'Bea', color: '#0a0' }, holding: 'deal-9' });
		await eventually(() => a.provider.awareness.getStates().has(b.doc.clientID), 'A sees B');
		b.provider.ws?.close();
		b.provider.shouldConnect = false;
		await eventually(() => !a.provider.awareness.getStates().has(b.doc.clientID), 'B’s presence is gone');
	});

	it('drops a peer whose presence names another user, so nobody sees a card held by someone who is not there', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const rep = await addMember(server.url, owner.token, owner.workspaceId, 'rep');
		const witness = connect(server.url, owner.pipeline.id, owner.token);
		const spoofer = connect(server.url, owner.pipeline.id, rep.token);
		await Promise.all([witness.synced(), spoofer.synced()]);
		const closed = new Promise<{ code: number; reason: string }>((resolve) =>
			spoofer.provider.ws!.addEventListener('close', (event) => resolve({ code: event.code, reason: event.reason }))
		);
		spoofer.provider.shouldConnect = false;
		spoofer.provider.awareness.setLocalState({ user: { id: owner.userId, name: 'Olga Owner', color: '#a00' }, holding: 'deal-1' });
		const { code, reason } = await closed;
		expect(code).toBe(1003);
		expect(reason).toContain('presence user.id names another user');
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(witness.provider.awareness.getStates().has(spoofer.doc.clientID)).toBe(false);

		// The same rep announcing themselves is fine.
		const honest = connect(server.url, owner.pipeline.id, rep.token);
		await honest.synced();
		honest.provider.awareness.setLocalState({ user: { id: rep.userId, name: 'Ron rep', color: '#0a0' }, holding: null });
		await eventually(() => witness.provider.awareness.getStates().get(honest.doc.clientID)?.user?.name === 'Ron rep', 'the witness sees the rep');
		// The witness's client relays what it heard (stock y-websocket does): that is no spoof.
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(witness.provider.wsconnected).toBe(true);
		// Nor can anyone take a colleague's presence away.
		const rogue = connect(server.url, owner.pipeline.id, rep.token);
		await rogue.synced();
		await eventually(() => rogue.provider.awareness.getStates().has(honest.doc.clientID), 'the rogue knows the rep’s presence');
		const removals: number[] = [];
		witness.provider.awareness.on('change', ({ removed }: { removed: number[] }) => removals.push(...removed));
		awarenessProtocol.removeAwarenessStates(rogue.provider.awareness, [honest.doc.clientID], 'test');
		await new Promise((resolve) => setTimeout(resolve, 300));
		// Not even a flicker (the rep's own client would re-announce itself at once).
		expect(removals).not.toContain(honest.doc.clientID);
		expect(witness.provider.awareness.getStates().has(honest.doc.clientID)).toBe(true);
	});

	it('drops a peer that sends garbage and stays up for the others', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const a = connect(server.url, owner.pipeline.id, owner.token);
		await a.synced();
		const raw = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${owner.pipeline.id}?token=${owner.token}`);
		await new Promise((resolve) => raw.on('open', resolve));
		const closed = new Promise<number>((resolve) => raw.on('close', (code) => resolve(code)));
		raw.send(new Uint8Array([0, 2, 200, 1, 2]));
		expect(await closed).toBe(1003);
		const stage = listStages(a.doc)[0]!.id;
		createDeal(a.doc, { id: 'after', title: 'Still fine', valueMinor: 1, currency: 'EUR', stageId: stage, ownerId: owner.userId }, firstTask('t-after'), clock);
		const b = connect(server.url, owner.pipeline.id, owner.token);
		await b.synced();
		await eventually(() => readDeal(b.doc, 'after') !== null, 'the room still works');
	});

	it('fills an empty pipeline with sample deals, each with an open task, live on the board', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const rep = await addMember(server.url, owner.token, owner.workspaceId, 'rep');
		const a = connect(server.url, owner.pipeline.id, owner.token);
		await a.synced();
		const refused = await callApi(server.url, 'POST', `/api/workspaces/${owner.workspaceId}/sample-data`, { token: rep.token, json: {} });
		expect(refused.status).toBe(403);
		const filled = await callApi(server.url, 'POST', `/api/workspaces/${owner.workspaceId}/sample-data`, { token: owner.token, json: { count: 30, history: false } });
		expect(filled.status).toBe(201);
		expect(filled.body).toEqual({ pipelineId: owner.pipeline.id, created: 30 });
		await eventually(() => boardMaps(a.doc).deals.size === 30, 'the board shows 30 deals');
		const owners = new Set([...boardMaps(a.doc).deals.values()].map((deal) => deal.get('ownerId')));
		expect([...owners].every((id) => id === owner.userId || id === rep.userId)).toBe(true);
		const list = await callApi(server.url, 'GET', `/api/pipelines/${owner.pipeline.id}/deals?status=open`, { token: owner.token });
		expect(list.body.deals).toHaveLength(30);
		expect(list.body.deals.every((deal: { nextTask: unknown }) => deal.nextTask !== null)).toBe(true);
	});

	it('repairs two offline completions of a deal’s two tasks with exactly one auto task, also after a restart', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const a = connect(server.url, owner.pipeline.id, owner.token);
		const b = connect(server.url, owner.pipeline.id, owner.token);
		await Promise.all([a.synced(), b.synced()]);
		const stage = listStages(a.doc)[0]!.id;
		createDeal(a.doc, { id: 'two-tasks', title: 'Two tasks', valueMinor: 1, currency: 'EUR', stageId: stage, ownerId: owner.userId }, firstTask('first'), clock);
		const tasks = boardMaps(a.doc).tasks;
		tasks.set('second', new Y.Map<unknown>(Object.entries({ dealId: 'two-tasks', type: 'email', title: 'Send proposal', dueAt: '2030-01-02T09:00:00.000Z', assigneeId: owner.userId, done: false })));
		await eventually(() => boardMaps(b.doc).tasks.has('second'), 'B has both tasks');

		a.provider.disconnect();
		b.provider.disconnect();
		boardMaps(a.doc).tasks.get('first')!.set('done', true);
		boardMaps(b.doc).tasks.get('second')!.set('done', true);
		a.provider.connect();
		await a.synced();
		b.provider.connect();
		const autoTasks = (doc: Y.Doc) => [...boardMaps(doc).tasks.entries()].filter(([, task]) => task.get('auto') === true);
		await eventually(() => autoTasks(a.doc).length === 1 && autoTasks(b.doc).length === 1, 'one auto task on both');
		expect(a.refusals).toEqual([]);
		expect(b.refusals).toEqual([]);
		const [autoId, auto] = autoTasks(a.doc)[0]!;
		expect(auto.toJSON()).toMatchObject({ dealId: 'two-tasks', title: 'Plan the next step', done: false, assigneeId: owner.userId, auto: true });
		expect(boardMaps(a.doc).tasks.get('first')!.get('done')).toBe(true);
		expect(boardMaps(a.doc).tasks.get('second')!.get('done')).toBe(true);

		await server.close();
		server = await startTestServer(database());
		const later = connect(server.url, owner.pipeline.id, owner.token);
		await later.synced();
		expect(autoTasks(later.doc).map(([id]) => id)).toEqual([autoId]);
	});

	it('refuses completing a deal’s only task, keeping the rest of the session', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const a = connect(server.url, owner.pipeline.id, owner.token);
		const b = connect(server.url, owner.pipeline.id, owner.token);
		await Promise.all([a.synced(), b.synced()]);
		const stage = listStages(a.doc)[0]!.id;
		createDeal(a.doc, { id: 'single', title: 'Single', valueMinor: 1, currency: 'EUR', stageId: stage, ownerId: owner.userId }, firstTask('only'), clock);
		await eventually(() => readDeal(b.doc, 'single') !== null, 'B has it');
		boardMaps(a.doc).tasks.get('only')!.set('done', true);
		boardMaps(a.doc).deals.get('single')!.set('title', 'Single, renamed');
		await eventually(() => a.refusals.length === 1, 'A told');
		expect(a.refusals[0]).toMatchObject({ rule: 'deal-without-task', id: 'single' });
		await eventually(() => boardMaps(a.doc).tasks.get('only')!.get('done') === false, 'A reverted');
		expect(boardMaps(b.doc).tasks.get('only')!.get('done')).toBe(false);
		await eventually(() => readDeal(b.doc, 'single')!.title === 'Single, renamed', 'the valid rename arrives');
	});

	it('unloads a room once its last client has left, and loads it again on demand', async () => {
		server = await startTestServer(database(), 100);
		const owner = await signUpOwner(server.url);
		const a = connect(server.url, owner.pipeline.id, owner.token);
		await a.synced();
		const stage = listStages(a.doc)[0]!.id;
		createDeal(a.doc, { id: 'kept', title: 'Kept', valueMinor: 1, currency: 'EUR', stageId: stage, ownerId: owner.userId }, firstTask('t-kept'), clock);
		await eventually(() => server!.rooms.loadedCount === 1, 'the room is loaded');
		// The deal must have reached the server before its only client goes away.
		await eventually(async () => {
			const list = await callApi(server!.url, 'GET', `/api/pipelines/${owner.pipeline.id}/deals`, { token: owner.token });
			return list.body.total === 1;
		}, 'the server has the deal');
		a.provider.destroy();
		await eventually(() => server!.rooms.loadedCount === 0, 'the room unloads after the grace period');
		const b = connect(server.url, owner.pipeline.id, owner.token);
		await b.synced();
		expect(readDeal(b.doc, 'kept')?.title).toBe('Kept');
		expect(server.rooms.loadedCount).toBe(1);
	});

	it('filters the deals list by search text, owner and status', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const rep = await addMember(server.url, owner.token, owner.workspaceId, 'rep');
		const make = (title: string, ownerId: string) =>
			callApi(server!.url, 'POST', `/api/pipelines/${owner.pipeline.id}/deals`, {
				token: owner.token,
				json: { title, valueMinor: 1, currency: 'EUR', ownerId, firstTask: { type: 'call', title: 'Call', dueAt: '2030-01-01T10:00:00Z' } }
			});
		await make('Northwind 100% renewal', owner.userId);
		await make('Globex pilot', rep.userId);
		const list = (query: string) =>
			callApi(server!.url, 'GET', `/api/pipelines/${owner.pipeline.id}/deals?${query}`, { token: owner.token }).then((r) =>
				r.body.deals.map((d: { title: string }) => d.title)
			);
		expect(await list('q=northwind')).toEqual(['Northwind 100% renewal']);
		expect(await list('q=100%25')).toEqual(['Northwind 100% renewal']);
		expect(await list('q=_')).toEqual([]);
		expect(await list(`owner=${rep.userId}`)).toEqual(['Globex pilot']);
		expect(await list('status=won')).toEqual([]);
	});

	it('drops a peer that stops answering pings, and keeps the ones that answer', async () => {
		server = await startTestServer(database(), 200, 100);
		const owner = await signUpOwner(server.url);
		const healthy = connect(server.url, owner.pipeline.id, owner.token);
		await healthy.synced();
		const url = `${server.url.replace('http', 'ws')}/sync/${owner.pipeline.id}?token=${owner.token}`;
		// A client whose network died: it never answers a ping.
		const silent = new WebSocket(url, { autoPong: false });
		const closed = new Promise<number>((resolve) => silent.on('close', (code) => resolve(code)));
		const started = Date.now();
		expect(await closed).toBe(1006);
		expect(Date.now() - started).toBeLessThan(2000);
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(healthy.provider.wsconnected).toBe(true);
	});

	it('keeps the presence of a client that reconnected before its old connection closed', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const watcher = connect(server.url, owner.pipeline.id, owner.token);
		const mover = connect(server.url, owner.pipeline.id, owner.token);
		await Promise.all([watcher.synced(), mover.synced()]);
		mover.provider.awareness.setLocalStateField('user', { id: owner.userId, name: 'Mo', color: '#00a' });
		await eventually(() => watcher.provider.awareness.getStates().has(mover.doc.clientID), 'watcher sees Mo');
		const oldSocket = mover.provider.ws!;
		// The same document reconnects on a second connection, then the old socket closes late.
		const second = connect(server.url, owner.pipeline.id, owner.token, mover.doc);
		await second.synced();
		second.provider.awareness.setLocalStateField('user', { id: owner.userId, name: 'Mo', color: '#00a' });
		await new Promise((resolve) => setTimeout(resolve, 200));
		const removals: number[] = [];
		watcher.provider.awareness.on('change', ({ removed }: { removed: number[] }) => removals.push(...removed));
		mover.provider.shouldConnect = false;
		oldSocket.close();
		await new Promise((resolve) => setTimeout(resolve, 400));
		// Not even a flicker: the watcher never saw Mo leave.
		expect(removals).not.toContain(mover.doc.clientID);
		expect(watcher.provider.awareness.getStates().has(mover.doc.clientID)).toBe(true);
	});
});
