import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as Y from 'yjs';
import { createDeal, listDeals, listDealsInStage, listStages, moveDeal, rankForDrop } from '../../../src/lib/model/index.js';
import { clock, newBoard, replicate, syncBoth, task } from './fixtures.js';

const stageIds = ['new', 'qualified', 'meeting'];

function boardOrder(doc: Y.Doc): string[][] {
	return listStages(doc).map((stage) => listDealsInStage(doc, stage.id).map((deal) => deal.id));
}

// A move as a client makes it: a target stage and a drop slot in that column.
const moveArb = fc.record({
	deal: fc.integer({ min: 0, max: 5 }),
	stage: fc.constantFrom(...stageIds),
	slot: fc.integer({ min: 0, max: 6 })
});

function applyMove(doc: Y.Doc, move: { deal: number; stage: string; slot: number }): void {
	const dealId = `d${move.deal}`;
	const column = listDealsInStage(doc, move.stage).filter((d) => d.id !== dealId);
	const slot = Math.min(move.slot, column.length);
	const rank = rankForDrop(doc, move.stage, column[slot - 1]?.id ?? null, column[slot]?.id ?? null);
	moveDeal(doc, dealId, move.stage, rank, clock);
}

describe('concurrent edits converge', () => {
	it('two clients moving the same deal to different stages end with one deal in one place', () => {
		const a = newBoard();
		createDeal(a, { id: 'd', title: 'Deal', valueMinor: 1, currency: 'EUR', stageId: 'new', ownerId: 'u1' }, task('t'), clock);
		const b = replicate(a);
		moveDeal(a, 'd', 'qualified', undefined, clock);
		moveDeal(b, 'd', 'meeting', undefined, clock);
		syncBoth(a, b);
		expect(boardOrder(a)).toEqual(boardOrder(b));
		expect(boardOrder(a).flat()).toEqual(['d']);
	});

	it('any interleaving of moves on three replicas keeps every deal exactly once, in the same order everywhere', () => {
		fc.assert(
			fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), moveArb), { maxLength: 25 }), fc.array(fc.boolean(), { maxLength: 25 }), (moves, syncs) => {
				const origin = newBoard();
				for (let i = 0; i < 6; i++) {
					createDeal(origin, { id: `d${i}`, title: `D${i}`, valueMinor: 1, currency: 'EUR', stageId: 'new', ownerId: 'u1' }, task(`t${i}`), clock);
				}
				const replicas = [origin, replicate(origin), replicate(origin)];
				moves.forEach(([who, move], index) => {
					applyMove(replicas[who]!, move);
					if (syncs[index]) syncBoth(replicas[who]!, replicas[(who + 1) % 3]!);
				});
				syncBoth(replicas[0]!, replicas[1]!);
				syncBoth(replicas[1]!, replicas[2]!);
				syncBoth(replicas[0]!, replicas[2]!);
				const orders = replicas.map(boardOrder);
				expect(orders[1]).toEqual(orders[0]);
				expect(orders[2]).toEqual(orders[0]);
				expect(orders[0]!.flat().sort()).toEqual(['d0', 'd1', 'd2', 'd3', 'd4', 'd5']);
				expect(listDeals(replicas[0]!)).toHaveLength(6);
			}),
			{ numRuns: 200 }
		);
	});
});
