import { afterEach, expect, it } from 'vitest';
import { and, eq, lt, sql } from 'drizzle-orm';
import * as Y from 'yjs';
import { createDeal, listDeals, listStages, moveDeal, rankForDrop, readDeal } from '../../src/lib/model/index.js';
import { loadConfig } from '../../server/config.js';
import { docEpochs, docUpdates } from '../../server/db/schema.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { connectRedisFanout, type Fanout } from '../../server/sync/fanout.js';
import { loadDoc } from '../../server/sync/persistence.js';
import { describeEachDatabase } from '../support/databases.js';
import { callApi, closeCodesOf, connectBoard, eventually, signUpOwner, type BoardClient } from '../support/sync-server.js';

/*
 * Epochs with several nodes (docs/BOARD-DOCUMENT.md, "Epochs"): one node
 * rebuilds a board while others still hold its old epoch. What is sent to
 * those others afterwards is never written in the old epoch: the append is
 * refused, the node's room retires, and the edit reaches the new epoch (a
 * client's through the carry, an API call's made again there).
 */

const redisUrl = process.env.TEST_REDIS_URL;
const clock = { now: () => new Date().toISOString() };
const task = (id: string) => ({ id, type: 'call' as const, title: 'Call back', dueAt: '2030-01-01T09:00:00.000Z' });

const suite = (database: () => Parameters<typeof startServer>[0]['database']) => {
	const nodes: RunningServer[] = [];
	const clients: BoardClient[] = [];
	afterEach(async () => {
		for (const client of clients.splice(0)) client.destroy();
		for (const node of nodes.splice(0)) await node.close();
	});
	const connect = (...args: Parameters<typeof connectBoard>) => {
		const client = connectBoard(...args);
		clients.push(client);
		return client;
	};

	/** A node; with `deaf`, its Redis link drops board updates while `deaf.on` holds. With either, it does not read the log for them. */
	async function startNode(deaf?: { on: boolean }, options: { readsLog: boolean } = { readsLog: !deaf }): Promise<RunningServer> {
		let fanout: Fanout | undefined;
		if (deaf) {
			const real = await connectRedisFanout(redisUrl!);
			fanout = { ...real, onMessage: (handler) => real.onMessage((message) => (deaf.on && message.kind === 'update' ? undefined : handler(message))) };
		}
		const node = await startServer({
			database: database(),
			config: loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', REDIS_URL: redisUrl, BOARD_REBUILD_AFTER_BYTES: '12000' }),
			limits: { signupAddress: { points: 1000, durationSec: 3600 } },
			unloadRoomsAfterMs: 200,
			compaction: { afterUpdates: 1000, afterBytes: 4000 },
			...(fanout ? { fanout } : {}),
			catchUpMs: options.readsLog ? 100 : 600_000
		});
		nodes.push(node);
		return node;
	}

	/** Works the board from node one, each move by a new Yjs client, until node one rebuilds it and moves the mover (4510). */
	async function moveUntilRebuilt(mover: BoardClient, moverCodes: number[], stageIds: string[], deal: (i: number) => string): Promise<number> {
		let moves = 0;
		while (moverCodes.length === 0 && moves < 600) {
			// A new Yjs client per move, as every page load is: history that a rebuild drops.
			const session = new Y.Doc();
			Y.applyUpdate(session, Y.encodeStateAsUpdate(mover.doc));
			const before = Y.encodeStateVector(session);
			const stageId = stageIds[moves % stageIds.length]!;
			const dealId = deal((moves % 2) + 4);
			const column = listDeals(session).filter((deal) => deal.stageId === stageId && deal.id !== dealId);
			moveDeal(session, dealId, stageId, rankForDrop(session, stageId, column.at(-1)?.id ?? null, null), clock);
			Y.applyUpdate(mover.doc, Y.encodeStateAsUpdate(session, before));
			session.destroy();
			moves += 1;
			if (moves % 5 === 0) await new Promise((resolve) => setTimeout(resolve, 20));
		}
		await eventually(() => moverCodes.includes(4510), `node one rebuilt the board after ${moves} moves and moved its client`);
		return moves;
	}

	/** A board on node one with six deals, a client on it there (the mover) and one on each other node given. */
	async function boardWithDeals(
		url: string,
		others: string[]
	): Promise<{ owner: Awaited<ReturnType<typeof signUpOwner>>; mover: BoardClient; elsewhere: BoardClient[]; stageIds: string[]; deal: (i: number) => string }> {
		const owner = await signUpOwner(url);
		const mover = connect(url, owner.pipeline.id, owner.token);
		const elsewhere = others.map((other) => connect(other, owner.pipeline.id, owner.token));
		await Promise.all([mover, ...elsewhere].map((client) => client.synced()));
		const stageIds = listStages(mover.doc).filter((stage) => stage.kind === 'open').map((stage) => stage.id);
		// Deal and task ids are unique across the installation: each board has its own.
		const deal = (i: number) => `${owner.pipeline.id}-deal-${i}`;
		for (let i = 0; i < 6; i++) {
			createDeal(mover.doc, { id: deal(i), title: `Deal ${i}`, valueMinor: 100 * i, currency: 'EUR', stageId: stageIds[0]!, ownerId: owner.userId }, task(`${deal(i)}-task`), clock);
		}
		await eventually(() => elsewhere.every((client) => readDeal(client.doc, deal(5)) !== null), 'the other nodes’ clients have the deals');
		return { owner, mover, elsewhere, stageIds, deal };
	}

	it('tells a node holding the old epoch by the next update it hears, and its client moves with nothing lost', async () => {
		const [one, two] = [await startNode(), await startNode(undefined, { readsLog: false })];
		const { owner, mover, elsewhere: [onTwo], stageIds, deal } = await boardWithDeals(one.url, [two.url]);
		const twoCodes = closeCodesOf(onTwo!, 4510);
		await moveUntilRebuilt(mover, closeCodesOf(mover, 4510), stageIds, deal);
		// Node two heard the old epoch's moves; the first update of epoch 1 tells it the board was rebuilt.
		const next = connect(one.url, owner.pipeline.id, owner.token);
		await next.synced();
		next.doc.transact(() => next.doc.getMap<Y.Map<unknown>>('deals').get(deal(0))!.set('title', 'First edit of epoch 1'));
		await eventually(() => twoCodes.includes(4510), 'node two retired its room, and its client reconnected and was told to move');
		expect(twoCodes[0]).toBe(4509);
		const again = connect(two.url, owner.pipeline.id, owner.token);
		await eventually(() => readDeal(again.doc, deal(0))?.title === 'First edit of epoch 1', 'node two serves epoch 1');
	});

	it('refuses the old epoch’s appends on the other nodes and carries what they were sent into the new one', async () => {
		const deaf = { on: false };
		const [one, two, three] = [await startNode(), await startNode(deaf), await startNode(deaf)];
		const { db } = database();
		const { owner, mover, elsewhere: [onTwo, onThree], stageIds, deal } = await boardWithDeals(one.url, [two.url, three.url]);
		const pipelineId = owner.pipeline.id;

		// Nodes two and three stop hearing of board updates: they will still hold epoch 0 after node one rebuilds.
		deaf.on = true;
		const twoCodes = closeCodesOf(onTwo!, 4510);
		const threeCodes = closeCodesOf(onThree!, 4510);
		await moveUntilRebuilt(mover, closeCodesOf(mover, 4510), stageIds, deal);
		expect((await loadDoc(db, pipelineId)).epoch).toBe(1);
		expect(twoCodes, 'node two still holds epoch 0 and has not closed its client').toEqual([]);

		// A client of node two edits: node two's append in epoch 0 is refused, its room retires, the client reconnects and is carried.
		onTwo!.doc.transact(() => onTwo!.doc.getMap<Y.Map<unknown>>('deals').get(deal(1))!.set('title', 'Renamed on node two'));
		await eventually(() => twoCodes.includes(4510), 'node two’s client was carried into epoch 1 and told to move', 10_000);
		expect(twoCodes[0], 'told to reconnect first: its edit was not written in epoch 0').toBe(4509);

		// An API call on node three, which still holds epoch 0: made again in epoch 1, and answered as usual.
		expect(threeCodes).toEqual([]);
		const created = await callApi(three.url, 'POST', `/api/pipelines/${pipelineId}/deals`, {
			token: owner.token,
			json: { title: 'Made through node three', valueMinor: 7, currency: 'EUR', firstTask: { type: 'call', title: 'Call', dueAt: '2030-01-01T09:00:00.000Z' } }
		});
		expect(created.status).toBe(201);
		await eventually(() => threeCodes.includes(4509), 'node three’s room retired and closed its client');

		// Everything is on the board in epoch 1, seen from node one; nothing was written in epoch 0 after the rebuild.
		const fresh = connect(one.url, pipelineId, owner.token);
		await fresh.synced();
		await eventually(
			() => readDeal(fresh.doc, deal(1))?.title === 'Renamed on node two' && listDeals(fresh.doc).some((deal) => deal.title === 'Made through node three'),
			'node two’s edit and node three’s API deal are on the board'
		);
		expect(listDeals(fresh.doc)).toHaveLength(7);
		const oldRows = await db.select({ count: sql<number>`count(*)::int` }).from(docUpdates).where(and(eq(docUpdates.docId, pipelineId), lt(docUpdates.epoch, 1)));
		expect(oldRows[0]!.count).toBe(0);
		expect((await loadDoc(db, pipelineId)).epoch, 'no second rebuild').toBe(1);
		expect((await db.select().from(docEpochs).where(eq(docEpochs.docId, pipelineId))).map((row) => row.epoch)).toEqual([0]);
	});
};

// Without Redis they do not run; tests/support/integration-setup.ts says so, and fails CI.
if (redisUrl) describeEachDatabase('epochs with several nodes', suite);
