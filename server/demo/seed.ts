import { createDeal, listDealsInStage, listStages, rankBetween } from '../../src/lib/model/index.js';
import type { Writer } from '../board/writer.js';
import type { RoomManager } from '../sync/rooms.js';
import { generateId } from '../auth/tokens.js';
import { generateSampleDeals } from './sample-deals.js';
import type { Locale } from '../i18n/locale.js';

/** Fills a pipeline's board with sample deals, through its room like any writer. */
export async function seedSampleDeals(
	rooms: RoomManager,
	input: { pipelineId: string; ownerIds: string[]; count: number; writer: Writer; now: Date; seed?: number; locale?: Locale }
): Promise<number> {
	return rooms.withRoom(input.pipelineId, (room) =>
		room.change(input.writer, (doc) => {
			const samples = generateSampleDeals({
				count: input.count,
				stages: listStages(doc),
				ownerIds: input.ownerIds,
				now: input.now,
				seed: input.seed,
				locale: input.locale,
				newId: generateId
			});
			const clock = { now: () => input.now.toISOString() };
			// Ranks are handed out per column here: asking the model for "the top"
			// of a column for each of thousands of deals would scan the board each time.
			const lastRank = new Map<string, string | null>();
			for (const { deal, task } of samples) {
				if (!lastRank.has(deal.stageId)) lastRank.set(deal.stageId, listDealsInStage(doc, deal.stageId).at(-1)?.rank ?? null);
				const rank = rankBetween(lastRank.get(deal.stageId), null);
				lastRank.set(deal.stageId, rank);
				createDeal(doc, { ...deal, rank }, task, clock);
			}
			return samples.length;
		})
	);
}
