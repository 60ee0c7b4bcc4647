// The same board content for the reference server, which has no API: the
// load generator writes it into the room with the model's own functions.
import { randomUUID } from 'node:crypto';
import type * as Y from 'yjs';
import { createDeal, initialiseBoard, listDealsInStage, rankBetween, type Stage } from '../../../src/lib/model/index.js';
import { generateSampleDeals } from '../../../server/demo/sample-deals.js';
import { defaultStages } from '../../../server/pipelines/default-stages.js';

/** Fills an empty doc with the default stages and `dealCount` sample deals, as Voronka's sample data does. */
export function writeReferenceBoard(doc: Y.Doc, boardId: string, dealCount: number, seed: number): void {
	const stages: Stage[] = defaultStages.map((stage, index) => ({ ...stage, id: `${boardId}-stage-${index}`, rank: '' }));
	initialiseBoard(doc, { pipelineId: boardId, workspaceId: 'bench', name: boardId, mode: 'free' }, stages.map(({ rank: _rank, ...stage }) => stage));
	const clock = { now: () => new Date().toISOString() };
	const samples = generateSampleDeals({ count: dealCount, stages, ownerIds: ['bench-owner'], now: new Date(), seed, newId: randomUUID });
	const lastRank = new Map<string, string | null>();
	doc.transact(() => {
		for (const { deal, task } of samples) {
			if (!lastRank.has(deal.stageId)) lastRank.set(deal.stageId, listDealsInStage(doc, deal.stageId).at(-1)?.rank ?? null);
			const rank = rankBetween(lastRank.get(deal.stageId) ?? null, null);
			lastRank.set(deal.stageId, rank);
			createDeal(doc, { ...deal, rank }, task, clock);
		}
	});
}
