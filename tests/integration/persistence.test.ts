import { expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import * as Y from 'yjs';
import { createDeal, initialiseBoard, moveDeal, readDeal, listStages } from '../../src/lib/model/index.js';
import { docSnapshots, docUpdates } from '../../server/db/schema.js';
import type { Peer } from '../../server/sync/room.js';
import { loadTestRoom } from '../support/test-room.js';
import { createDocStore, EpochMoved, loadDoc, RebuildOutdated } from '../../server/sync/persistence.js';
import { describeEachDatabase } from '../support/databases.js';

const clock = { now: () => '2026-11-23T10:00:00.000Z' };
const system = { kind: 'system' as const, userId: null };

describeEachDatabase('board persistence', (database) => {
	it('appends each accepted change, compacts into a snapshot, and reloads the same state', async () => {
		const db = database().db;
		const docId = `doc-${Math.random().toString(36).slice(2)}`;
		const room = await loadTestRoom(db, docId, { compaction: { afterUpdates: 5 } });
		await room.change(system, (doc) =>
			initialiseBoard(doc, { pipelineId: docId, workspaceId: 'w', name: 'P', mode: 'free' }, [
				{ id: 's1', name: 'One', kind: 'open', probability: 10 },
				{ id: 's2', name: 'Two', kind: 'open', probability: 50 }
			])
		);
		for (let i = 0; i < 7; i++) {
			await room.change(system, (doc) =>
				createDeal(doc, { id: `d${i}`, title: `Deal ${i}`, valueMinor: i, currency: 'EUR', stageId: 's1', ownerId: 'u' }, { id: `t${i}`, type: 'todo', title: 'Do', dueAt: clock.now() }, clock)
			);
		}
		await room.change(system, (doc) => moveDeal(doc, 'd3', 's2', undefined, clock));
		const [snapshot] = await db.select().from(docSnapshots).where(eq(docSnapshots.docId, docId));
		expect(snapshot).toBeDefined();
		const remaining = await db.select({ id: docUpdates.id }).from(docUpdates).where(eq(docUpdates.docId, docId));
		expect(remaining.length).toBeLessThan(5);
		expect(remaining.every((row) => row.id > snapshot!.lastUpdateId)).toBe(true);

		await room.unload();
		const stored = await loadDoc(db, docId);
		const copy = new Y.Doc();
		Y.applyUpdate(copy, stored.state!);
		expect(listStages(copy).map((s) => s.name)).toEqual(['One', 'Two']);
		expect(readDeal(copy, 'd3')!.stageId).toBe('s2');
		expect(readDeal(copy, 'd6')!.title).toBe('Deal 6');
		expect(stored.updatesSinceSnapshot).toBe(0);
	});

	it('refuses a member’s deal without a task and keeps their valid edit of the same session', async () => {
		const db = database().db;
		const docId = `doc-${Math.random().toString(36).slice(2)}`;
		const room = await loadTestRoom(db, docId);
		await room.change(system, (doc) =>
			initialiseBoard(doc, { pipelineId: docId, workspaceId: 'w', name: 'P', mode: 'free' }, [{ id: 's1', name: 'One', kind: 'open', probability: 10 }])
		);
		await room.change(system, (doc) =>
			createDeal(doc, { id: 'ok', title: 'Fine', valueMinor: 1, currency: 'EUR', stageId: 's1', ownerId: 'u' }, { id: 't', type: 'todo', title: 'Do', dueAt: clock.now() }, clock)
		);
		const sent: Uint8Array[] = [];
		const peer: Peer = { writer: { kind: 'member', userId: 'u', role: 'rep' }, send: (m) => sent.push(m), close: () => {} };
		room.join(peer);

		const client = new Y.Doc();
		Y.applyUpdate(client, Y.encodeStateAsUpdate(room.doc));
		const before = Y.encodeStateVector(client);
		client.getMap<Y.Map<unknown>>('deals').get('ok')!.set('title', 'Renamed');
		expect(await room.receiveUpdate(peer, Y.encodeStateAsUpdate(client, before))).toEqual([]);

		const before2 = Y.encodeStateVector(client);
		client.getMap<Y.Map<unknown>>('deals').set(
			'bad',
			new Y.Map<unknown>(Object.entries({ title: 'No task', valueMinor: 1, currency: 'EUR', stageId: 's1', rank: 'a0', ownerId: 'u', source: 'manual', status: 'open', createdAt: clock.now(), updatedAt: clock.now() }))
		);
		const violations = await room.receiveUpdate(peer, Y.encodeStateAsUpdate(client, before2));
		expect(violations.map((v) => v.rule)).toEqual(['deal-without-task']);
		expect(readDeal(room.doc, 'bad')).toBeNull();
		expect(readDeal(room.doc, 'ok')!.title).toBe('Renamed');

		await room.unload();
		const reloaded = await loadTestRoom(db, docId);
		expect(readDeal(reloaded.doc, 'bad')).toBeNull();
		expect(readDeal(reloaded.doc, 'ok')!.title).toBe('Renamed');
		await reloaded.unload();
	});

	it('repairs the same merge with the same task id on two servers, whatever order they saw the edits in', async () => {
		const db = database().db;
		const base = new Y.Doc();
		initialiseBoard(base, { pipelineId: 'x', workspaceId: 'w', name: 'P', mode: 'free' }, [{ id: 's1', name: 'One', kind: 'open', probability: 10 }]);
		createDeal(base, { id: 'deal', title: 'Deal', valueMinor: 1, currency: 'EUR', stageId: 's1', ownerId: 'u' }, { id: 't1', type: 'call', title: 'Call', dueAt: clock.now() }, clock);
		base.getMap<Y.Map<unknown>>('tasks').set('t2', new Y.Map<unknown>(Object.entries({ dealId: 'deal', type: 'email', title: 'Mail', dueAt: clock.now(), assigneeId: 'u', done: false })));
		const baseState = Y.encodeStateAsUpdate(base);
		const completion = (taskId: string) => {
			const client = new Y.Doc();
			Y.applyUpdate(client, baseState);
			const before = Y.encodeStateVector(client);
			client.getMap<Y.Map<unknown>>('tasks').get(taskId)!.set('done', true);
			return Y.encodeStateAsUpdate(client, before);
		};
		const [first, second] = [completion('t1'), completion('t2')];

		// Both servers hold the same board ('x'): each run starts from an empty log.
		const repairOn = async (order: Uint8Array[]) => {
			const docId = 'x';
			await db.delete(docUpdates).where(eq(docUpdates.docId, docId));
			await db.delete(docSnapshots).where(eq(docSnapshots.docId, docId));
			const room = await loadTestRoom(db, docId, { now: () => new Date('2026-11-23T12:00:00Z') });
			await room.change(system, (doc) => Y.applyUpdate(doc, baseState));
			const peers = order.map(() => {
				const peer: Peer = { writer: { kind: 'member', userId: 'u', role: 'rep' }, send: () => {}, close: () => {} };
				room.join(peer);
				void room.answerSyncStep1(peer, Y.encodeStateVector(base));
				return peer;
			});
			for (const [index, update] of order.entries()) expect(await room.receiveUpdate(peers[index]!, update)).toEqual([]);
			const autos = [...room.doc.getMap<Y.Map<unknown>>('tasks').entries()].filter(([, task]) => task.get('auto') === true);
			await room.unload();
			return autos.map(([id]) => id);
		};
		const one = await repairOn([first, second]);
		const other = await repairOn([second, first]);
		expect(one).toHaveLength(1);
		expect(other).toEqual(one);
	});
});

describeEachDatabase('update log shared by rooms', (database) => {
	it('gives every concurrent append of several boards its own id, in each board’s order, with its bytes', async () => {
		const db = database().db;
		const store = createDocStore(db);
		const docIds = ['a', 'b', 'c'].map((name) => `log-${name}-${Math.random().toString(36).slice(2)}`);
		const payload = (docIndex: number, i: number) => new Uint8Array([docIndex, i, 255 - i]);
		// All appends in one turn: they share inserts, as rooms' batches do under load.
		const ids = await Promise.all(docIds.flatMap((docId, d) => Array.from({ length: 5 }, (_, i) => store.appendUpdate(docId, payload(d, i), 0))));
		expect(new Set(ids).size).toBe(15);
		for (const [d, docId] of docIds.entries()) {
			const rows = await store.loadUpdatesOf(docId);
			expect(rows.map((row) => [...row.bytes])).toEqual(Array.from({ length: 5 }, (_, i) => [...payload(d, i)]));
			expect(rows.map((row) => row.id)).toEqual(ids.slice(d * 5, d * 5 + 5));
		}
	});

	it('fails every append of an insert that fails, and takes appends again afterwards', async () => {
		const db = database().db;
		const store = createDocStore(db);
		const docId = `log-${Math.random().toString(36).slice(2)}`;
		// A document id with a NUL cannot be stored as text: the whole insert fails.
		const results = await Promise.allSettled([store.appendUpdate(docId, new Uint8Array([1]), 0), store.appendUpdate('bad\u0000id', new Uint8Array([2]), 0)]);
		expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
		expect(await store.loadUpdatesOf(docId)).toEqual([]);
		const id = await store.appendUpdate(docId, new Uint8Array([3]), 0);
		expect((await store.loadUpdatesOf(docId)).map((row) => row.id)).toEqual([id]);
	});
});

describeEachDatabase('update log with several nodes: appends only in the document’s epoch', (database) => {
	const frozen = { frozenState: new Uint8Array([0, 0]), nextState: new Uint8Array([0, 0]), nextBaseClient: 7 };

	it('writes an append of the epoch the document is in, refuses one of an epoch it left, and keeps the others of the same insert', async () => {
		const db = database().db;
		const store = createDocStore(db, { checkEpochs: true });
		const [moved, kept] = ['moved', 'kept'].map((name) => `log-${name}-${Math.random().toString(36).slice(2)}`) as [string, string];
		// A document without a snapshot is in epoch 0.
		const first = await store.appendUpdate(moved, new Uint8Array([1]), 0);
		await store.writeSnapshot(moved, new Uint8Array([0, 0]), first, 0);
		await store.rebuildEpoch(moved, { epoch: 0, baseClient: null, lastUpdateId: first, coveredIds: [], ...frozen });
		const results = await Promise.allSettled([
			store.appendUpdate(moved, new Uint8Array([2]), 0),
			store.appendUpdate(kept, new Uint8Array([3]), 0),
			store.appendUpdate(moved, new Uint8Array([4]), 1),
			store.appendUpdate(kept, new Uint8Array([5]), 0)
		]);
		expect(results.map((result) => result.status)).toEqual(['rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
		expect((results[0] as PromiseRejectedResult).reason).toBeInstanceOf(EpochMoved);
		const ids = results.map((result) => (result.status === 'fulfilled' ? result.value : null));
		expect((await store.loadUpdatesOf(moved)).map((row) => [row.id, [...row.bytes], row.epoch])).toEqual([[ids[2], [4], 1]]);
		expect((await store.loadUpdatesOf(kept)).map((row) => [row.id, [...row.bytes], row.epoch])).toEqual([
			[ids[1], [3], 0],
			[ids[3], [5], 0]
		]);
	});

	it('holds an append back while a rebuild holds the snapshot row, then refuses it', async () => {
		const db = database().db;
		const store = createDocStore(db, { checkEpochs: true });
		const docId = `log-${Math.random().toString(36).slice(2)}`;
		await store.writeSnapshot(docId, new Uint8Array([0, 0]), 0, 0);
		let appended: Promise<unknown> = Promise.resolve();
		await db.transaction(async (tx) => {
			// What rebuildEpoch does first: lock the row, then move the epoch on.
			await tx.select().from(docSnapshots).where(eq(docSnapshots.docId, docId)).for('update');
			await tx.update(docSnapshots).set({ epoch: 1 }).where(eq(docSnapshots.docId, docId));
			appended = store.appendUpdate(docId, new Uint8Array([9]), 0).then(
				(id) => ({ id }),
				(error: unknown) => ({ error })
			);
			await new Promise((resolve) => setTimeout(resolve, 100));
		});
		expect(await appended).toEqual({ error: expect.any(EpochMoved) });
		expect(await store.loadUpdatesOf(docId)).toEqual([]);
	});

	it('drops with a snapshot exactly the rows its state was read with, not another node’s row of a lower id that committed later', async () => {
		const db = database().db;
		const store = createDocStore(db, { checkEpochs: true });
		const docId = `log-${Math.random().toString(36).slice(2)}`;
		const [a, late, b] = [await store.appendUpdate(docId, new Uint8Array([1]), 0), await store.appendUpdate(docId, new Uint8Array([2]), 0), await store.appendUpdate(docId, new Uint8Array([3]), 0)];
		// The state was read with rows a and b; `late` (a lower id than b) was not committed yet then.
		await store.writeSnapshot(docId, new Uint8Array([0, 0]), b, 0, [a, b]);
		expect((await store.loadUpdatesOf(docId)).map((row) => row.id)).toEqual([late]);
		expect((await loadDoc(db, docId)).updateIds, 'a load still applies it').toEqual([late]);
	});

	it('stores a rebuild only when its state holds every row of the epoch', async () => {
		const db = database().db;
		const store = createDocStore(db, { checkEpochs: true });
		const docId = `log-${Math.random().toString(36).slice(2)}`;
		const a = await store.appendUpdate(docId, new Uint8Array([1]), 0);
		await store.writeSnapshot(docId, new Uint8Array([0, 0]), a, 0);
		const b = await store.appendUpdate(docId, new Uint8Array([2]), 0);
		const c = await store.appendUpdate(docId, new Uint8Array([3]), 0);
		// Another node's row (c) arrived after the rebuilding node read the log.
		await expect(store.rebuildEpoch(docId, { epoch: 0, baseClient: null, lastUpdateId: b, coveredIds: [b], ...frozen })).rejects.toBeInstanceOf(RebuildOutdated);
		expect((await loadDoc(db, docId)).epoch, 'nothing of it stored').toBe(0);
		expect(await store.listEpochs(docId)).toEqual([]);
		await store.rebuildEpoch(docId, { epoch: 0, baseClient: null, lastUpdateId: c, coveredIds: [b, c], ...frozen });
		const stored = await loadDoc(db, docId);
		expect([stored.epoch, stored.updateIds, stored.baseClient]).toEqual([1, [], 7]);
		expect(await store.loadUpdatesOf(docId)).toEqual([]);
	});
});
