import { afterEach, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import * as Y from 'yjs';
import { createDeal, listDeals, listStages, moveDeal, rankForDrop, readDeal, validateBoard } from '../../src/lib/model/index.js';
import { loadConfig } from '../../server/config.js';
import { docEpochs, docSnapshots } from '../../server/db/schema.js';
import { dropExpiredEpochStates, listEpochs, loadDoc, loadFrozenState } from '../../server/sync/persistence.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { contentOf, sameHistory } from '../support/board-load.js';
import { describeEachDatabase } from '../support/databases.js';
import { callApi, closeCodesOf, connectBoard, eventually, signUpOwner, type BoardClient } from '../support/sync-server.js';

/*
 * Epochs (docs/BOARD-DOCUMENT.md): a board whose document grew past the
 * size is rebuilt while people work on it. Nothing is lost, everyone is
 * told to move, and a copy that was offline through the rebuild has its
 * edits carried into the new epoch, once.
 */

const clock = { now: () => new Date().toISOString() };
const task = (id: string) => ({ id, type: 'call' as const, title: 'Call back', dueAt: '2030-01-01T09:00:00.000Z' });

function moveSomewhere(doc: Y.Doc, dealId: string, stageIds: string[], step: number): void {
	const stageId = stageIds[step % stageIds.length]!;
	const column = listDeals(doc).filter((deal) => deal.stageId === stageId && deal.id !== dealId);
	moveDeal(doc, dealId, stageId, rankForDrop(doc, stageId, column.at(-1)?.id ?? null, null), clock);
}

describeEachDatabase('epochs: a board rebuilt while in use', (database) => {
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

	it('rebuilds a grown board without losing an edit, moves every client, and carries an offline copy’s edits once', async () => {
		server = await startServer({
			database: database(),
			config: loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', BOARD_REBUILD_AFTER_BYTES: '12000' }),
			unloadRoomsAfterMs: 200,
			compaction: { afterUpdates: 1000, afterBytes: 4000 }
		});
		const { db } = database();
		const owner = await signUpOwner(server.url);
		const pipelineId = owner.pipeline.id;
		const mover = connect(server.url, pipelineId, owner.token);
		const traveller = connect(server.url, pipelineId, owner.token);
		await Promise.all([mover.synced(), traveller.synced()]);
		const stageIds = listStages(mover.doc).filter((stage) => stage.kind === 'open').map((stage) => stage.id);
		for (let i = 0; i < 6; i++) {
			createDeal(mover.doc, { id: `deal-${i}`, title: `Deal ${i}`, valueMinor: 100 * i, currency: 'EUR', stageId: stageIds[0]!, ownerId: owner.userId }, task(`task-${i}`), clock);
		}
		await eventually(() => sameHistory(mover.doc, traveller.doc), 'the traveller has the board');

		// The traveller goes offline and works: a rename, a move, a new deal, and one edit the rules refuse.
		traveller.provider.disconnect();
		traveller.doc.transact(() => readDealMap(traveller.doc, 'deal-1').set('title', 'Renamed offline'));
		moveSomewhere(traveller.doc, 'deal-2', stageIds, 1);
		createDeal(traveller.doc, { id: 'offline-deal', title: 'Met at the fair', valueMinor: 5, currency: 'EUR', stageId: stageIds[0]!, ownerId: owner.userId }, task('offline-task'), clock);
		traveller.doc.transact(() => readDealMap(traveller.doc, 'deal-3').set('stageId', 'no-such-stage'));
		const travellerDeal2 = readDeal(traveller.doc, 'deal-2')!;
		const travellerCopy = Y.encodeStateAsUpdate(traveller.doc);

		// Meanwhile the board is worked from many sessions (each a new Yjs client, as every page load is), until it is rebuilt.
		const moverCodes = closeCodesOf(mover, 4510);
		const watcher = connect(server.url, pipelineId, owner.token);
		await watcher.synced();
		const watcherCodes = closeCodesOf(watcher, 4510);
		let moves = 0;
		while (moverCodes.length === 0 && moves < 600) {
			const session = new Y.Doc();
			Y.applyUpdate(session, Y.encodeStateAsUpdate(mover.doc));
			const before = Y.encodeStateVector(session);
			moveSomewhere(session, `deal-${(moves % 2) + 4}`, stageIds, moves);
			Y.applyUpdate(mover.doc, Y.encodeStateAsUpdate(session, before));
			session.destroy();
			moves += 1;
			if (moves % 5 === 0) await eventually(() => moverCodes.length > 0 || sameHistory(watcher.doc, mover.doc), `move ${moves} went round`);
		}
		// Connected peers are told to reconnect (4509: what they sent meanwhile was not applied), are carried, then told to move.
		await eventually(() => moverCodes.includes(4510), `the board was rebuilt after ${moves} moves and the mover told to move`);
		expect(moverCodes.indexOf(4509), 'after a reconnect').toBeGreaterThanOrEqual(0);
		expect(moverCodes.indexOf(4509)).toBeLessThan(moverCodes.indexOf(4510));
		await eventually(() => watcherCodes.includes(4510), 'every connected client is told to move');

		const [snapshot] = await db.select().from(docSnapshots).where(eq(docSnapshots.docId, pipelineId));
		expect(snapshot!.epoch, 'the snapshot is epoch 1').toBe(1);
		const [frozen] = await db.select().from(docEpochs).where(eq(docEpochs.docId, pipelineId));
		expect(frozen!.epoch).toBe(0);
		const stored = await loadDoc(db, pipelineId);
		const [rebuilt, old] = [new Y.Doc(), new Y.Doc()];
		Y.applyUpdate(rebuilt, stored.state!);
		Y.applyUpdate(old, frozen!.finalState!);
		expect(contentOf(rebuilt), 'the new epoch holds every deal, task and field of the old one, as they were').toBe(contentOf(old));
		expect(listDeals(rebuilt)).toHaveLength(6);
		expect(snapshot!.bytes.byteLength, 'and is smaller').toBeLessThan(frozen!.finalState!.byteLength);
		const base = new Y.Doc();
		Y.applyUpdate(base, snapshot!.bytes);
		expect([...Y.decodeStateVector(Y.encodeStateVector(base)).keys()], 'the new epoch is written by one client').toEqual([snapshot!.baseClient]);

		// A new client loads the new epoch.
		const fresh = connect(server.url, pipelineId, owner.token);
		await fresh.synced();
		expect(contentOf(fresh.doc)).toBe(contentOf(rebuilt));

		// The mover's moves sent while the board was rebuilt were not applied then: its reconnect carried them.
		await eventually(() => contentOf(fresh.doc) === contentOf(mover.doc), 'every move the mover made is on the board');
		mover.provider.connect();
		await eventually(() => moverCodes.filter((code) => code === 4510).length >= 2, 'the mover is carried (nothing) and told to move again');

		// The traveller comes back with its old copy: its edits are carried, then it is told to move.
		const travellerCodes = closeCodesOf(traveller);
		traveller.provider.connect();
		await eventually(() => travellerCodes.includes(4510), 'the traveller is told to move', 10_000);
		await eventually(() => readDeal(fresh.doc, 'deal-1')?.title === 'Renamed offline', 'the offline rename is on the board');
		const board = fresh.doc;
		expect(readDeal(board, 'offline-deal')?.title, 'the deal made offline is on the board').toBe('Met at the fair');
		expect(readDeal(board, 'deal-2')?.stageId, 'the offline move is on the board').toBe(travellerDeal2.stageId);
		expect(readDeal(board, 'deal-3')?.stageId, 'the refused edit is not').toBe(stageIds[0]);
		expect(traveller.refusals.map((refusal) => refusal.id), 'and the traveller is told why').toContain('deal-3');
		expect(validateBoard(board)).toEqual([]);

		// Reconnecting with the same copy carries nothing twice.
		const settled = Y.encodeStateVector(fresh.doc);
		await eventually(() => travellerCodes.filter((code) => code === 4510).length >= 2, 'the traveller is told to move again', 10_000);
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(Y.encodeStateVector(fresh.doc), 'a second carry of the same copy changed nothing').toEqual(settled);
		traveller.provider.disconnect();

		// A copy from an epoch no longer kept is told so, finally (a stock client stops reconnecting).
		// (Once the room has let go of the frozen state it kept in memory while copies were carried.)
		for (const client of clients.splice(0)) client.destroy();
		await eventually(() => server!.rooms.loadedCount === 0, 'the room unloads');
		await db.update(docEpochs).set({ frozenAt: sql`now() - interval '200 days'` }).where(eq(docEpochs.docId, pipelineId));
		const stale = new Y.Doc();
		Y.applyUpdate(stale, travellerCopy);
		const tooOld = connect(server.url, pipelineId, owner.token, stale);
		const tooOldCodes = closeCodesOf(tooOld);
		await eventually(() => tooOldCodes.includes(4410), 'a copy older than the kept epochs is closed with 4410');
		expect(tooOld.provider.shouldConnect, 'and the stock client stops').toBe(false);

		// The API works on the new epoch.
		const listed = await callApi(server.url, 'GET', `/api/pipelines/${pipelineId}/deals`, { token: owner.token });
		expect(listed.status).toBe(200);
	});
});

describeEachDatabase('epochs: retention', (database) => {
	it('drops frozen states older than 180 days and keeps the rows that recognise such copies', async () => {
		const { db } = database();
		const now = new Date('2026-12-07T12:00:00.000Z');
		const docId = `doc-${Math.random().toString(36).slice(2)}`;
		await db.insert(docEpochs).values([
			{ docId, epoch: 0, baseClient: null, finalState: new Uint8Array([0, 0]), frozenAt: new Date('2026-05-01T00:00:00.000Z') },
			{ docId, epoch: 1, baseClient: 42, finalState: new Uint8Array([0, 0]), frozenAt: new Date('2026-11-01T00:00:00.000Z') }
		]);
		expect((await listEpochs(db, docId, now)).map((epoch) => [epoch.epoch, epoch.kept]), 'an expired state already reads as gone').toEqual([
			[1, true],
			[0, false]
		]);
		expect(await loadFrozenState(db, docId, 1, now), 'a kept state is read').toEqual(new Uint8Array([0, 0]));
		expect(await loadFrozenState(db, docId, 0, now), 'an expired state is not').toBeNull();
		expect(await dropExpiredEpochStates(db, now)).toBeGreaterThanOrEqual(1);
		const rows = await db.select().from(docEpochs).where(eq(docEpochs.docId, docId));
		expect(rows.map((row) => [row.epoch, row.finalState === null]).sort()).toEqual([
			[0, true],
			[1, false]
		]);
	});
});

function readDealMap(doc: Y.Doc, dealId: string): Y.Map<unknown> {
	return doc.getMap<Y.Map<unknown>>('deals').get(dealId)!;
}
