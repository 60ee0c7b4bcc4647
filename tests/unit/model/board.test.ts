import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	addStage,
	createDeal,
	deleteStage,
	listDealsInStage,
	listStages,
	listTasksOfDeal,
	moveDeal,
	rankForDrop,
	readDeal,
	readMeta,
	validateBoard,
	boardMaps
} from '../../../src/lib/model/index.js';
import { clock, newBoard, task } from './fixtures.js';

function deal(id: string, stageId = 'new') {
	return { id, title: `Deal ${id}`, valueMinor: 100_00, currency: 'EUR', stageId, ownerId: 'u1' };
}

describe('board model', () => {
	it('initialises meta and stages in order', () => {
		const doc = newBoard();
		expect(readMeta(doc)).toMatchObject({ schema: 1, pipelineId: 'p1', mode: 'free' });
		expect(listStages(doc).map((s) => s.id)).toEqual(['new', 'qualified', 'meeting', 'won', 'lost']);
		expect(validateBoard(doc)).toEqual([]);
	});

	it('creates a deal with its first task, at the top of the column', () => {
		const doc = newBoard();
		createDeal(doc, deal('a'), task('ta'), clock);
		const { deal: b } = createDeal(doc, deal('b'), task('tb'), clock);
		expect(b).toMatchObject({ status: 'open', source: 'manual', createdAt: clock.now() });
		expect(listDealsInStage(doc, 'new').map((d) => d.id)).toEqual(['b', 'a']);
		expect(listTasksOfDeal(doc, 'a')).toEqual([expect.objectContaining({ id: 'ta', assigneeId: 'u1', done: false })]);
		expect(validateBoard(doc)).toEqual([]);
	});

	it('moves a deal to another stage and between two neighbours', () => {
		const doc = newBoard();
		for (const id of ['a', 'b', 'c']) createDeal(doc, deal(id, 'qualified'), task(`t${id}`), clock);
		createDeal(doc, deal('x'), task('tx'), clock);
		const [first, second] = listDealsInStage(doc, 'qualified');
		moveDeal(doc, 'x', 'qualified', rankForDrop(doc, 'qualified', first!.id, second!.id), clock);
		expect(listDealsInStage(doc, 'qualified').map((d) => d.id)).toEqual([first!.id, 'x', second!.id, 'a']);
		expect(listDealsInStage(doc, 'new')).toEqual([]);
		expect(readDeal(doc, 'x')!.stageId).toBe('qualified');
	});

	it('adds a stage after another, and deletes only an empty one', () => {
		const doc = newBoard();
		addStage(doc, { id: 'proposal', name: 'Proposal', kind: 'open', probability: 60 }, 'meeting');
		expect(listStages(doc).map((s) => s.id)).toEqual(['new', 'qualified', 'meeting', 'proposal', 'won', 'lost']);
		createDeal(doc, deal('a', 'proposal'), task('ta'), clock);
		expect(() => deleteStage(doc, 'proposal')).toThrow(/Move the deals/);
		moveDeal(doc, 'a', 'meeting', undefined, clock);
		deleteStage(doc, 'proposal');
		expect(listStages(doc).map((s) => s.id)).not.toContain('proposal');
	});

	it('finds schema and rule violations', () => {
		const doc = newBoard();
		createDeal(doc, deal('a'), task('ta'), clock);
		const { deals, tasks } = boardMaps(doc);
		tasks.get('ta')!.set('done', true);
		deals.get('a')!.set('valueMinor', 'lots');
		const { id: _id, ...orphan } = { ...task('orphan'), dealId: 'nope', assigneeId: 'u1', done: false };
		tasks.set('orphan', new Y.Map<unknown>(Object.entries(orphan)));
		const rules = validateBoard(doc).map((v) => `${v.entity}:${v.id}:${v.rule}`);
		expect(rules).toEqual(['deal:a:schema', 'task:orphan:unknown-deal']);
		deals.get('a')!.set('valueMinor', 5);
		expect(validateBoard(doc).map((v) => v.rule)).toEqual(['deal-without-task', 'unknown-deal']);
		deals.get('a')!.set('stageId', 'nowhere');
		expect(validateBoard(doc)[0]!.rule).toBe('unknown-stage');
	});
});
