import { Redis } from 'ioredis';
import { afterEach, expect, it } from 'vitest';
import * as Y from 'yjs';
import { loadConfig } from '../../server/config.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { connectRedisFanout, type Fanout } from '../../server/sync/fanout.js';
import { boardMaps, createDeal, listStages, moveDeal, readDeal } from '../../src/lib/model/index.js';
import { describeEachDatabase } from '../support/databases.js';
import { addMember, callApi, connectBoard, eventually, signUpOwner, type BoardClient } from '../support/sync-server.js';

const redisUrl = process.env.TEST_REDIS_URL;
const clock = { now: () => new Date().toISOString() };
const firstTask = (id: string) => ({ id, type: 'call' as const, title: 'Call back', dueAt: '2030-01-01T09:00:00.000Z' });
const autoTasks = (doc: Y.Doc) => [...boardMaps(doc).tasks.entries()].filter(([, task]) => task.get('auto') === true).map(([id]) => id);

const suite = (database: () => Parameters<typeof startServer>[0]['database']) => {
	const nodes: RunningServer[] = [];
	const clients: BoardClient[] = [];
	afterEach(async () => {
		for (const client of clients.splice(0)) client.destroy();
		for (const node of nodes.splice(0)) await node.close();
	});

	/** A node of the cluster: its own HTTP port and rooms, the shared database and Redis. */
	async function startNode(options: Pick<Parameters<typeof startServer>[0], 'fanout' | 'catchUpMs'> = {}): Promise<RunningServer> {
		const node = await startServer({
			...options,
			database: database(),
			config: loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', REDIS_URL: redisUrl }),
			// Sign-ups from 127.0.0.1 are counted in Redis across runs; the default 10 an hour would stop them.
			limits: { signupAddress: { points: 1000, durationSec: 3600 } },
			unloadRoomsAfterMs: 200
		});
		nodes.push(node);
		return node;
	}
	const connect = (...args: Parameters<typeof connectBoard>) => {
		const client = connectBoard(...args);
		clients.push(client);
		return client;
	};

	it('shows each node’s moves, API writes and presence to the clients of the other, and closes a removed member everywhere', async () => {
		const [one, two] = [await startNode(), await startNode()];
		const owner = await signUpOwner(one.url);
		const rep = await addMember(one.url, owner.token, owner.workspaceId, 'rep');
		const a = connect(one.url, owner.pipeline.id, owner.token);
		const b = connect(two.url, owner.pipeline.id, rep.token);
		await Promise.all([a.synced(), b.synced()]);
		const [newLead, qualified] = listStages(a.doc).map((stage) => stage.id);

		createDeal(a.doc, { id: 'across', title: 'Across nodes', valueMinor: 1, currency: 'EUR', stageId: newLead!, ownerId: rep.userId }, firstTask('t-across'), clock);
		await eventually(() => readDeal(b.doc, 'across') !== null, 'node two’s client sees node one’s new deal');
		moveDeal(b.doc, 'across', qualified!, undefined, clock);
		await eventually(() => readDeal(a.doc, 'across')?.stageId === qualified, 'node one’s client sees node two’s move');

		const viaApi = await callApi(two.url, 'POST', `/api/pipelines/${owner.pipeline.id}/deals`, {
			token: owner.token,
			json: { title: 'Written on node two', valueMinor: 5, currency: 'EUR', firstTask: { type: 'call', title: 'Call', dueAt: '2030-01-01T10:00:00Z' } }
		});
		expect(viaApi.status).toBe(201);
		await eventually(() => readDeal(a.doc, viaApi.body.deal.id)?.title === 'Written on node two', 'an API write on node two shows on node one');

		b.provider.awareness.setLocalState({ user: { id: rep.userId, name: 'Ron rep', color: '#0a0' }, holding: 'across' });
		await eventually(() => a.provider.awareness.getStates().get(b.doc.clientID)?.holding === 'across', 'node one sees who holds the card');
		b.provider.shouldConnect = false;
		b.provider.ws?.close();
		await eventually(() => !a.provider.awareness.getStates().has(b.doc.clientID), 'and sees them leave');

		const again = connect(two.url, owner.pipeline.id, rep.token);
		await again.synced();
		const closed = new Promise<number>((resolve) => again.provider.ws!.addEventListener('close', (event) => resolve(event.code)));
		again.provider.shouldConnect = false;
		expect((await callApi(one.url, 'DELETE', `/api/workspaces/${owner.workspaceId}/members/${rep.userId}`, { token: owner.token })).status).toBe(204);
		expect(await closed).toBe(4501);
	});

	it('tells a workspace’s event stream on one node about a move projected on the other, and ends it when the member is removed on the first', async () => {
		const [one, two] = [await startNode(), await startNode()];
		const owner = await signUpOwner(one.url);
		const manager = await addMember(one.url, owner.token, owner.workspaceId, 'manager');
		const events: string[] = [];
		let ended = false;
		const controller = new AbortController();
		void (async () => {
			const response = await fetch(`${two.url}/api/workspaces/${owner.workspaceId}/events`, { headers: { authorization: `Bearer ${manager.token}` }, signal: controller.signal });
			for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) events.push(...[...new TextDecoder().decode(chunk).matchAll(/^event: (.*)$/gm)].map((match) => match[1]!));
		})()
			.catch(() => undefined)
			.finally(() => (ended = true));
		await eventually(() => events.includes('ready'), 'the stream on node two is open');
		const made = await callApi(one.url, 'POST', `/api/pipelines/${owner.pipeline.id}/deals`, {
			token: owner.token,
			json: { title: 'Projected on node one', valueMinor: 5, currency: 'EUR', firstTask: { type: 'call', title: 'Call', dueAt: '2030-01-01T10:00:00Z' } }
		});
		expect(made.status).toBe(201);
		await eventually(() => events.includes('projection'), 'node two’s stream hears of node one’s projection');
		expect((await callApi(one.url, 'DELETE', `/api/workspaces/${owner.workspaceId}/members/${manager.userId}`, { token: owner.token })).status).toBe(204);
		await eventually(() => ended, 'node two ends the removed member’s stream');
		controller.abort();
	});

	it('counts failed logins across the nodes: five wrong passwords split over two nodes lock the account on both', async () => {
		const [one, two] = [await startNode(), await startNode()];
		const email = `${Math.random().toString(36).slice(2)}@example.test`;
		const signup = await callApi(one.url, 'POST', '/api/auth/signup', {
			json: { email, password: 'correct horse battery staple 42', name: 'Lou Locked', workspaceName: 'Locked' }
		});
		expect(signup.status).toBe(201);
		const login = (node: RunningServer, password: string) => callApi(node.url, 'POST', '/api/auth/login', { json: { email, password } });
		// This machine's address collects failures from every run of this test: start it afresh.
		const redis = new Redis(redisUrl!);
		for (const key of await redis.keys('voronka:limit:login-address:*')) await redis.del(key);
		redis.disconnect();
		for (let attempt = 0; attempt < 2; attempt++) {
			expect((await login(one, 'not my password')).status).toBe(401);
			expect((await login(two, 'not my password')).status).toBe(401);
		}
		expect((await login(one, 'not my password')).status).toBe(401);
		// Five failures are allowed per account, split over both nodes: now it is locked on both, even for the right password.
		const locked = await login(one, 'correct horse battery staple 42');
		expect(locked.status).toBe(429);
		expect(locked.body.error.message).toMatch(/Try again in \d+ (seconds|minutes)/);
		expect((await login(two, 'correct horse battery staple 42')).status).toBe(429);
	});

	it('repairs a deal the two nodes each left with one completed task, with one auto task, also after a restart', async () => {
		const [one, two] = [await startNode(), await startNode()];
		const owner = await signUpOwner(one.url);
		const a = connect(one.url, owner.pipeline.id, owner.token);
		const b = connect(two.url, owner.pipeline.id, owner.token);
		await Promise.all([a.synced(), b.synced()]);
		const stage = listStages(a.doc)[0]!.id;
		createDeal(a.doc, { id: 'two-tasks', title: 'Two tasks', valueMinor: 1, currency: 'EUR', stageId: stage, ownerId: owner.userId }, firstTask('first'), clock);
		boardMaps(a.doc).tasks.set(
			'second',
			new Y.Map<unknown>(Object.entries({ dealId: 'two-tasks', type: 'email', title: 'Send proposal', dueAt: '2030-01-02T09:00:00.000Z', assigneeId: owner.userId, done: false }))
		);
		await eventually(() => boardMaps(b.doc).tasks.has('second'), 'node two’s client has both tasks');

		// Each node sees one completion from its own client: valid on its own.
		boardMaps(a.doc).tasks.get('first')!.set('done', true);
		boardMaps(b.doc).tasks.get('second')!.set('done', true);
		await eventually(() => autoTasks(a.doc).length === 1 && autoTasks(b.doc).length === 1, 'one auto task on both clients');
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(autoTasks(a.doc)).toEqual(autoTasks(b.doc));
		expect(autoTasks(a.doc)).toHaveLength(1);
		expect(a.refusals).toEqual([]);
		expect(b.refusals).toEqual([]);
		const [autoId] = autoTasks(a.doc);

		for (const node of nodes.splice(0)) await node.close();
		const three = await startNode();
		const later = connect(three.url, owner.pipeline.id, owner.token);
		await later.synced();
		expect(autoTasks(later.doc)).toEqual([autoId]);
		expect(boardMaps(later.doc).tasks.get('first')!.get('done')).toBe(true);
		expect(boardMaps(later.doc).tasks.get('second')!.get('done')).toBe(true);
	});

	it('recovers from the update log, within seconds, a board update that pub/sub lost between the nodes', async () => {
		// Node two's Redis link drops every board update while `deaf` holds (presence and control still pass).
		const real = await connectRedisFanout(redisUrl!);
		let deaf = false;
		const lossy: Fanout = {
			...real,
			onMessage: (handler) => real.onMessage((message) => (deaf && message.kind === 'update' ? undefined : handler(message)))
		};
		const [one, two] = [await startNode(), await startNode({ fanout: lossy, catchUpMs: 100 })];
		const owner = await signUpOwner(one.url);
		const a = connect(one.url, owner.pipeline.id, owner.token);
		const b = connect(two.url, owner.pipeline.id, owner.token);
		await Promise.all([a.synced(), b.synced()]);
		const [newLead, qualified] = listStages(a.doc).map((stage) => stage.id);
		createDeal(a.doc, { id: 'lost-msg', title: 'Lost message', valueMinor: 1, currency: 'EUR', stageId: newLead!, ownerId: owner.userId }, firstTask('t-lost'), clock);
		await eventually(() => readDeal(b.doc, 'lost-msg') !== null, 'node two’s client sees the new deal');

		deaf = true;
		moveDeal(a.doc, 'lost-msg', qualified!, undefined, clock);
		await eventually(() => readDeal(b.doc, 'lost-msg')?.stageId === qualified, 'node two’s client gets the move from the log, not from pub/sub', 5000);
		const room = await two.rooms.acquire(owner.pipeline.id);
		try {
			// Everything is in now: another catch-up finds nothing to take.
			expect(await room.catchUpWithNodes()).toBe(0);
		} finally {
			two.rooms.release(owner.pipeline.id);
		}
	});
};

// Without Redis they do not run; tests/support/integration-setup.ts says so, and fails CI.
if (redisUrl) describeEachDatabase('two nodes over Redis', suite);
