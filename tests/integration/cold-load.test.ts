import { expect, it } from 'vitest';
import * as Y from 'yjs';
import { createDeal, initialiseBoard, moveDeal } from '../../src/lib/model/index.js';
import { appendUpdate, loadDoc, loadUpdatesOf, readSnapshotOf, writeSnapshot } from '../../server/sync/persistence.js';
import { contentOf } from '../support/board-load.js';
import { describeEachDatabase } from '../support/databases.js';
import { loadTestRoom } from '../support/test-room.js';
import { Health } from '../../server/health.js';

const clock = { now: () => '2026-11-23T10:00:00.000Z' };

// A room applies its snapshot and the rows after it one by one (no merge
// first); PGlite's bytea goes through Buffer's hex codec. These pin down that
// nothing is lost or altered on the way.
describeEachDatabase('cold load', (database) => {
	it('loads a snapshot and the rows after it, also a row the snapshot already holds, into the same board', async () => {
		const db = database().db;
		const docId = `doc-${Math.random().toString(36).slice(2)}`;
		const source = new Y.Doc();
		const updates: Uint8Array[] = [];
		source.on('update', (update: Uint8Array) => updates.push(update));
		initialiseBoard(source, { pipelineId: docId, workspaceId: 'w', name: 'P', mode: 'free' }, [
			{ id: 's1', name: 'One', kind: 'open', probability: 10 },
			{ id: 's2', name: 'Two', kind: 'open', probability: 50 }
		]);
		for (let n = 0; n < 20; n += 1) {
			createDeal(source, { id: `d${n}`, title: `Deal ${n}`, valueMinor: n, currency: 'EUR', stageId: 's1', ownerId: 'u' }, { id: `t${n}`, type: 'todo', title: 'Do', dueAt: clock.now() }, clock);
		}
		// Rows 0..21 are folded into a snapshot, but a row of another node committed late (the last one) was not deleted.
		let lastId = 0;
		for (const update of updates) lastId = await appendUpdate(db, docId, update);
		await writeSnapshot(db, docId, Y.encodeStateAsUpdate(source), lastId - 1);
		const tail = updates.length;
		for (let n = 0; n < 20; n += 1) moveDeal(source, `d${n}`, n % 2 ? 's2' : 's1', `b${n}`, clock);
		// The moves build on each other: each row needs the one before it.
		for (const update of updates.slice(tail)) await appendUpdate(db, docId, update);

		const stored = await loadDoc(db, docId);
		expect(stored.updates.length).toBe(21);
		const room = await loadTestRoom(db, docId);
		expect(room.doc.store.pendingStructs).toBeNull();
		expect(contentOf(room.doc)).toBe(contentOf(source));
		expect(Y.encodeStateVector(room.doc)).toEqual(Y.encodeStateVector(source));
		await room.unload();
	});

	it('reports content stored outside the schema after the room is ready, and nothing for a valid board', async () => {
		const db = database().db;
		const docId = `doc-${Math.random().toString(36).slice(2)}`;
		const source = new Y.Doc();
		initialiseBoard(source, { pipelineId: docId, workspaceId: 'w', name: 'P', mode: 'free' }, [{ id: 's1', name: 'One', kind: 'open', probability: 10 }]);
		createDeal(source, { id: 'd1', title: 'Deal', valueMinor: 1, currency: 'EUR', stageId: 's1', ownerId: 'u' }, { id: 't1', type: 'todo', title: 'Do', dueAt: clock.now() }, clock);
		await appendUpdate(db, docId, Y.encodeStateAsUpdate(source));
		const valid = new Health(() => {});
		const room = await loadTestRoom(db, docId, { health: valid });
		await room.contentCheck;
		expect(valid.list()).toEqual([]);
		await room.unload();

		// Stored before today's checks: a deal whose value is text.
		const before = Y.encodeStateVector(source);
		source.getMap<Y.Map<unknown>>('deals').get('d1')!.set('valueMinor', 'lots');
		await appendUpdate(db, docId, Y.encodeStateAsUpdate(source, before));
		const health = new Health(() => {});
		const reloaded = await loadTestRoom(db, docId, { health });
		await reloaded.contentCheck;
		expect(health.list().map((problem) => problem.message)).toEqual(['the stored board holds 1 invalid entities']);
		await reloaded.unload();
	});

	it('stores and reads back every byte value, in rows and in snapshots', async () => {
		const db = database().db;
		const docId = `doc-${Math.random().toString(36).slice(2)}`;
		const every = Uint8Array.from({ length: 512 }, (_, n) => n % 256);
		const large = Uint8Array.from({ length: 3_000_000 }, (_, n) => (n * 7919 + (n >> 11)) % 256);
		// A view into a larger buffer: only its own bytes may be stored.
		const view = new Uint8Array(large.buffer, 1000, 1000);
		for (const bytes of [every, new Uint8Array(0), view]) await appendUpdate(db, docId, bytes);
		expect((await loadUpdatesOf(db, docId)).map((row) => Array.from(row.bytes))).toEqual([Array.from(every), [], Array.from(view)]);
		await writeSnapshot(db, docId, large, 0);
		const snapshot = await readSnapshotOf(db, docId);
		expect(snapshot!.bytes.byteLength).toBe(large.byteLength);
		expect(Buffer.compare(Buffer.from(snapshot!.bytes), Buffer.from(large))).toBe(0);
		// Written again (the upsert's update branch), the new state replaces the old.
		await writeSnapshot(db, docId, every, 0);
		expect(Array.from((await readSnapshotOf(db, docId))!.bytes)).toEqual(Array.from(every));
	});
});
