import { eq, inArray } from 'drizzle-orm';
import { boardMaps, readDeal, readTask, listStages } from '../../src/lib/model/board.js';
import type { Database } from '../db/client.js';
import { dealsProjection, stageEvents, stagesProjection, tasksProjection } from '../db/schema.js';
import type { PersistedBatch, Room } from '../sync/room.js';
import { toStageRow } from './pipeline.js';

/**
 * Brings the relational projection up to date with a persisted batch: the
 * deals, tasks and stages it touched, and a stage event for each deal that
 * entered a stage. Reports and lists read these tables, never the document.
 * Deals that leave the document (archived) keep their rows.
 */
export async function projectBatch(db: Database, room: Room, batch: PersistedBatch): Promise<void> {
	const pipelineId = room.docId;
	const doc = room.doc;
	const workspaceId = boardMaps(doc).meta.get('workspaceId') as string;
	const dealIds = [...batch.changes.deals.keys()];
	const deals = dealIds.map((id) => readDeal(doc, id)).filter((deal) => deal !== null);
	const taskIds = [...batch.changes.tasks.keys()];

	await db.transaction(async (tx) => {
		const previous = dealIds.length
			? await tx.select({ id: dealsProjection.id, stageId: dealsProjection.stageId }).from(dealsProjection).where(inArray(dealsProjection.id, dealIds))
			: [];
		const previousStage = new Map(previous.map((row) => [row.id, row.stageId]));
		for (const deal of deals) {
			const before = previousStage.get(deal.id);
			const entered = before !== deal.stageId;
			const row = {
				pipelineId,
				workspaceId,
				title: deal.title,
				valueMinor: deal.valueMinor,
				currency: deal.currency,
				stageId: deal.stageId,
				rank: deal.rank,
				ownerId: deal.ownerId,
				contactId: deal.contactId ?? null,
				companyId: deal.companyId ?? null,
				source: deal.source,
				status: deal.status,
				lostReason: deal.lostReason ?? null,
				createdAt: new Date(deal.createdAt),
				updatedAt: new Date(deal.updatedAt),
				closedAt: deal.closedAt ? new Date(deal.closedAt) : null
			};
			const stageEnteredAt = entered ? batch.at : undefined;
			await tx
				.insert(dealsProjection)
				.values({ id: deal.id, ...row, stageEnteredAt: stageEnteredAt ?? batch.at })
				.onConflictDoUpdate({ target: dealsProjection.id, set: stageEnteredAt ? { ...row, stageEnteredAt } : row });
			if (entered) {
				await tx.insert(stageEvents).values({
					pipelineId,
					dealId: deal.id,
					fromStageId: before ?? null,
					toStageId: deal.stageId,
					userId: batch.changes.deals.get(deal.id)?.by ?? null,
					at: batch.at
				});
			}
		}
		for (const taskId of taskIds) {
			const task = readTask(doc, taskId);
			if (!task) {
				await tx.delete(tasksProjection).where(eq(tasksProjection.id, taskId));
				continue;
			}
			const row = {
				pipelineId,
				dealId: task.dealId,
				type: task.type,
				title: task.title,
				dueAt: new Date(task.dueAt),
				assigneeId: task.assigneeId,
				done: task.done,
				doneAt: task.doneAt ? new Date(task.doneAt) : null,
				auto: task.auto ?? false
			};
			await tx.insert(tasksProjection).values({ id: task.id, ...row }).onConflictDoUpdate({ target: tasksProjection.id, set: row });
		}
		if (batch.changes.stages.size > 0) {
			const stages = listStages(doc);
			await tx.delete(stagesProjection).where(eq(stagesProjection.pipelineId, pipelineId));
			if (stages.length > 0) {
				await tx.insert(stagesProjection).values(stages.map((stage) => ({ pipelineId, ...toStageRow(stage) })));
			}
		}
	});
}

