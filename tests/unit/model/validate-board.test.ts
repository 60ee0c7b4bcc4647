import { describe, expect, it } from 'vitest';
import { addTask, boardMaps, createDeal, setTaskDone, validateBoard } from '../../../src/lib/model/index.js';
import { clock, newBoard, task } from './fixtures.js';

function deal(id: string) {
	return { id, title: `Deal ${id}`, valueMinor: 100_00, currency: 'EUR', stageId: 'new', ownerId: 'u1' };
}

// validateBoard reads each deal's tasks from one pass over the tasks (not a
// scan per deal): these pin down that the pass finds the same tasks.
describe('validateBoard over the whole board', () => {
	it('counts only a deal’s own active tasks', () => {
		const doc = newBoard();
		createDeal(doc, deal('a'), task('ta'), clock);
		createDeal(doc, deal('b'), task('tb'), clock);
		addTask(doc, 'b', task('tb2'));
		setTaskDone(doc, 'ta', true, clock);
		setTaskDone(doc, 'tb', true, clock);
		// b keeps its second task; a's only task is done, and b's open task does not count for a.
		expect(validateBoard(doc).map((v) => `${v.id}:${v.rule}`)).toEqual(['a:deal-without-task']);
	});

	it('follows a task moved to another deal', () => {
		const doc = newBoard();
		createDeal(doc, deal('a'), task('ta'), clock);
		createDeal(doc, deal('b'), task('tb'), clock);
		boardMaps(doc).tasks.get('ta')!.set('dealId', 'b');
		expect(validateBoard(doc).map((v) => `${v.id}:${v.rule}`)).toEqual(['a:deal-without-task']);
	});

	it('finds nothing wrong on a large valid board', () => {
		const doc = newBoard();
		doc.transact(() => {
			for (let n = 0; n < 2000; n += 1) createDeal(doc, { ...deal(`d${n}`), rank: `a${n}` }, task(`t${n}`), clock);
		});
		expect(validateBoard(doc)).toEqual([]);
	});
});
