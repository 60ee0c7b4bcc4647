import { expect, it } from 'vitest';
import * as Y from 'yjs';
import { keyOf, refusedKeys, writeEntities, type TouchedEntity } from '../../../server/rules/keep-valid.js';
import { boardMaps } from '../../../src/lib/model/board.js';

const touched: TouchedEntity[] = [
	{ kind: 'deals', id: 'd1', after: { title: 'A' }, dealIds: [] },
	{ kind: 'tasks', id: 't1', after: { dealId: 'd1', done: true }, dealIds: ['d1'] },
	{ kind: 'tasks', id: 't2', after: { dealId: 'd2', done: false }, dealIds: ['d2'] },
	{ kind: 'stages', id: 's1', after: { name: 'Mine' }, dealIds: [] }
];

it('refuses a deal together with the touched tasks that belong to it, and nothing else', () => {
	const refused = refusedKeys([{ entity: 'deal', id: 'd1', rule: 'deal-without-task', message: '' }], touched);
	expect([...refused!].sort()).toEqual(['deals:d1', 'tasks:t1']);
});

it('refuses every stage edit of a writer who may not edit stages, and the whole update of a viewer', () => {
	expect([...refusedKeys([{ entity: 'stage', id: '', rule: 'forbidden', message: '' }], touched)!]).toEqual(['stages:s1']);
	expect(refusedKeys([{ entity: 'board', id: '', rule: 'read-only', message: '' }], touched)).toBeNull();
});

it('writes back only the fields that differ, so a colleague’s concurrent edit of another field stays', () => {
	const doc = new Y.Doc();
	const { deals } = boardMaps(doc);
	deals.set('d1', new Y.Map<unknown>(Object.entries({ title: 'Old', valueMinor: 7, stray: 1 })));
	const seen: string[] = [];
	deals.get('d1')!.observe((event) => seen.push(...event.keysChanged));
	writeEntities(doc, [{ kind: 'deals', id: 'd1', after: { title: 'New', valueMinor: 7 }, dealIds: [] }]);
	expect(deals.get('d1')!.toJSON()).toEqual({ title: 'New', valueMinor: 7 });
	expect(seen.sort()).toEqual(['stray', 'title']);
	writeEntities(doc, [{ kind: 'deals', id: 'd2', after: { title: 'Created' }, dealIds: [] }, { kind: 'deals', id: 'd1', after: null, dealIds: [] }]);
	expect(deals.toJSON()).toEqual({ d2: { title: 'Created' } });
	expect(keyOf(touched[1]!)).toBe('tasks:t1');
});
