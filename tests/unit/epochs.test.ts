import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { countCarried, findClientEpoch, isRebuildDue, measureHistory, readCarriedEdits, rebuildDocument, writeCarriedEdits } from '../../server/sync/epochs.js';
import { boardMaps } from '../../src/lib/model/board.js';

/** A board-shaped document: meta, two stages, deals with their fields, a task. */
function board(): Y.Doc {
	const doc = new Y.Doc();
	const maps = boardMaps(doc);
	doc.transact(() => {
		maps.meta.set('name', 'Sales');
		maps.meta.set('mode', 'free');
		for (const id of ['s1', 's2']) maps.stages.set(id, entity({ name: id, rank: id }));
		for (let i = 0; i < 5; i++) maps.deals.set(`d${i}`, entity({ title: `Deal ${i}`, stageId: 's1', valueMinor: i * 100, 'f:size': i % 2 ? 'big' : null }));
		maps.tasks.set('t1', entity({ dealId: 'd0', title: 'Call', done: false }));
	});
	return doc;
}

function entity(fields: Record<string, unknown>): Y.Map<unknown> {
	const map = new Y.Map<unknown>();
	for (const [key, value] of Object.entries(fields)) map.set(key, value);
	return map;
}

const json = (doc: Y.Doc) => JSON.stringify(Object.fromEntries(['meta', 'stages', 'deals', 'tasks'].map((name) => [name, doc.getMap(name).toJSON()])));

/** Another session's edit of a copy, as an update. */
function editOf(doc: Y.Doc, change: (copy: Y.Doc) => void): Uint8Array {
	const copy = new Y.Doc();
	Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
	const before = Y.encodeStateVector(copy);
	copy.transact(() => change(copy));
	return Y.encodeStateAsUpdate(copy, before);
}

describe('rebuildDocument', () => {
	it('writes the same content once, by one new client, far smaller than a long history', () => {
		const doc = board();
		// Many sessions (new clients) moving deals: history a rebuild drops.
		for (let i = 0; i < 300; i++) {
			Y.applyUpdate(doc, editOf(doc, (copy) => boardMaps(copy).deals.get(`d${i % 5}`)!.set('stageId', i % 2 ? 's2' : 's1')));
		}
		const next = rebuildDocument(doc)!;
		expect(json(next)).toBe(json(doc));
		expect([...Y.decodeStateVector(Y.encodeStateVector(next)).keys()]).toEqual([next.clientID]);
		expect(Y.encodeStateAsUpdate(next).byteLength * 3).toBeLessThan(Y.encodeStateAsUpdate(doc).byteLength);
	});

	it('is due when the history holds two structs per live field, on a board past the size', () => {
		const doc = board();
		const policy = { afterBytes: 1000, minGain: 2 };
		const fresh = measureHistory(doc);
		expect(fresh.structs, 'a board written once has about one struct per field').toBeLessThan(fresh.live * 1.2);
		expect(isRebuildDue(policy, doc, 5000)).toBe(false);
		for (let i = 0; i < 200; i++) {
			Y.applyUpdate(doc, editOf(doc, (copy) => boardMaps(copy).deals.get(`d${i % 5}`)!.set('stageId', i % 2 ? 's2' : 's1')));
		}
		expect(isRebuildDue(policy, doc, 5000)).toBe(true);
		expect(isRebuildDue(policy, doc, 999), 'a small board is never due').toBe(false);
		expect(isRebuildDue(policy, rebuildDocument(doc)!, 5000), 'nor one just rebuilt').toBe(false);
	});

	it('refuses a board holding content outside the schema (it is reported, never rewritten)', () => {
		const foreign = board();
		foreign.getArray('extra').push([1]);
		expect(rebuildDocument(foreign)).toBeNull();
		const shared = board();
		boardMaps(shared).deals.get('d1')!.set('title', new Y.Text('typed'));
		expect(rebuildDocument(shared)).toBeNull();
	});
});

describe('carrying an old copy’s edits', () => {
	it('reads field writes, created and removed entities, and writes them into the new epoch', () => {
		const old = board();
		const frozen = new Y.Doc();
		Y.applyUpdate(frozen, Y.encodeStateAsUpdate(old));
		// The copy that was offline: it edits the old epoch.
		const offline = editOf(old, (copy) => {
			const maps = boardMaps(copy);
			maps.deals.get('d1')!.set('title', 'Renamed');
			maps.deals.get('d2')!.delete('f:size');
			maps.deals.set('d9', entity({ title: 'New', stageId: 's2' }));
			maps.tasks.delete('t1');
			maps.meta.set('name', 'Renamed board');
		});
		const edits = readCarriedEdits(frozen, offline);
		expect(countCarried(edits)).toBe(5);

		// The new epoch moved on meanwhile: d3 went, d1 moved.
		const live = rebuildDocument(old)!;
		boardMaps(live).deals.delete('d3');
		boardMaps(live).deals.get('d1')!.set('stageId', 's2');
		live.transact(() => writeCarriedEdits(live, edits));
		const deals = boardMaps(live).deals;
		expect(deals.get('d1')!.toJSON()).toMatchObject({ title: 'Renamed', stageId: 's2' });
		expect(deals.get('d2')!.has('f:size')).toBe(false);
		expect(deals.get('d9')!.toJSON()).toEqual({ title: 'New', stageId: 's2' });
		expect(deals.has('d3')).toBe(false);
		expect(boardMaps(live).tasks.has('t1')).toBe(false);
		expect(boardMaps(live).meta.get('name')).toBe('Renamed board');
	});

	it('carries no shared type and no entity that is not a map (outside the schema; a field is never a Y type)', () => {
		const old = board();
		const frozen = new Y.Doc();
		Y.applyUpdate(frozen, Y.encodeStateAsUpdate(old));
		const hostile = editOf(old, (copy) => {
			const maps = boardMaps(copy);
			maps.deals.get('d1')!.set('title', new Y.Text('typed'));
			(maps.deals as Y.Map<unknown>).set('d2', 'not a deal');
			maps.deals.set('d9', entity({ title: 'New', notes: new Y.Array() }));
		});
		const edits = readCarriedEdits(frozen, hostile);
		const deals = edits.entities.get('deals')!;
		expect(deals.has('d1'), 'a Y.Text written to a field is not carried').toBe(false);
		expect(deals.has('d2'), 'a deal replaced by a string is not carried (neither as a removal)').toBe(false);
		expect(deals.get('d9')).toEqual({ kind: 'created', fields: new Map([['title', 'New']]) });
	});

	it('carries nothing for what the frozen state has already (a second carry of the same copy)', () => {
		const old = board();
		const offline = editOf(old, (copy) => boardMaps(copy).deals.get('d1')!.set('title', 'Renamed'));
		const frozen = new Y.Doc();
		Y.applyUpdate(frozen, Y.encodeStateAsUpdate(old));
		expect(countCarried(readCarriedEdits(frozen, offline))).toBe(1);
		expect(countCarried(readCarriedEdits(frozen, offline))).toBe(0);
	});

	it('does not carry a write that lost to one the frozen state has (it never showed)', () => {
		const old = board();
		const [low, high] = [new Y.Doc(), new Y.Doc()];
		low.clientID = 1;
		high.clientID = 2;
		for (const copy of [low, high]) Y.applyUpdate(copy, Y.encodeStateAsUpdate(old));
		const lowBefore = Y.encodeStateVector(low);
		boardMaps(low).deals.get('d1')!.set('title', 'Lost');
		boardMaps(high).deals.get('d1')!.set('title', 'Won');
		const frozen = new Y.Doc();
		Y.applyUpdate(frozen, Y.encodeStateAsUpdate(high));
		const edits = readCarriedEdits(frozen, Y.encodeStateAsUpdate(low, lowBefore));
		expect(boardMaps(frozen).deals.get('d1')!.get('title')).toBe('Won');
		expect(countCarried(edits)).toBe(0);
	});
});

describe('findClientEpoch', () => {
	const current = { epoch: 2, baseClient: 222 };
	const earlier = [
		{ epoch: 1, baseClient: 111 },
		{ epoch: 0, baseClient: null }
	];
	it('tells a copy’s epoch from its state vector', () => {
		expect(findClientEpoch(new Map(), current, earlier), 'an empty copy is current').toBe(2);
		expect(findClientEpoch(new Map([[222, 10], [5, 3]]), current, earlier)).toBe(2);
		expect(findClientEpoch(new Map([[111, 10], [5, 3]]), current, earlier)).toBe(1);
		expect(findClientEpoch(new Map([[5, 3]]), current, earlier)).toBe(0);
		expect(findClientEpoch(new Map([[5, 3]]), { epoch: 0, baseClient: null }, []), 'a board never rebuilt has one epoch').toBe(0);
	});
});
