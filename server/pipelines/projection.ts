import { eq, inArray, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { boardMaps, listStages, readDeal, readTask } from '../../src/lib/model/board.js';
import type { Database } from '../db/client.js';
import { dealsProjection, stageEvents, stagesProjection, tasksProjection } from '../db/schema.js';
import type { PersistedBatch, Room } from '../sync/room.js';
import { toStageRow } from './pipeline.js';

const chunkSize = 500;

function chunks<T>(items: T[]): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < items.length; i += chunkSize) out.push(items.slice(i, i + chunkSize));
	return out;
}

/** `set` for an upsert that takes every listed column from the proposed row. */
function fromExcluded(table: PgTable, columns: string[]) {
	const byKey = table as unknown as Record<string, { name: string }>;
	return Object.fromEntries(columns.map((key) => [key, sql.raw(`excluded."${byKey[key]!.name}"`)]));
}

const dealColumns = [
	'title', 'valueMinor', 'currency', 'stageId', 'rank', 'ownerId', 'contactId', 'companyId',
	'source', 'status', 'lostReason', 'lostNote', 'createdAt', 'updatedAt', 'closedAt'
];
const taskColumns = ['dealId', 'type', 'title', 'dueAt', 'assigneeId', 'done', 'doneAt', 'auto'];

/**
 * Brings the relational projection up to date with a persisted batch: the
 * deals, tasks and stages it touched, and a stage event for each deal that
 * entered a stage (with who moved it). Reports and lists read these tables,
 * never the document. Deals that leave the document (archived) keep their rows.
 */
export async function projectBatch(db: Database, room: Room, batch: PersistedBatch): Promise<void> {
	const pipelineId = room.docId;
	const doc = room.doc;
	const workspaceId = boardMaps(doc).meta.get('workspaceId') as string;
	const deals = [...batch.changes.deals.keys()].map((id) => readDeal(doc, id)).filter((deal) => deal !== null);
	const taskIds = [...batch.changes.tasks.keys()];
	const tasks = taskIds.map((id) => readTask(doc, id)).filter((task) => task !== null);
	// A task gone from the board with its deal was archived, not deleted: keep its row.
	const { deals: dealMaps } = boardMaps(doc);
	const deletedTasks = taskIds.filter((id) => !tasks.some((task) => task.id === id));

	await db.transaction(async (tx) => {
		const previousStage = new Map<string, string>();
		for (const part of chunks(deals.map((deal) => deal.id))) {
			const rows = await tx
				.select({ id: dealsProjection.id, stageId: dealsProjection.stageId })
				.from(dealsProjection)
				.where(inArray(dealsProjection.id, part));
			for (const row of rows) previousStage.set(row.id, row.stageId);
		}
		const entered = deals.filter((deal) => previousStage.get(deal.id) !== deal.stageId);
		const enteredIds = new Set(entered.map((deal) => deal.id));
		const dealRows = deals.map((deal) => ({
			id: deal.id,
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
			lostNote: deal.lostNote ?? null,
			createdAt: new Date(deal.createdAt),
			updatedAt: new Date(deal.updatedAt),
			closedAt: deal.closedAt ? new Date(deal.closedAt) : null,
			stageEnteredAt: batch.at
		}));
		// Deals that stayed in their stage keep their stage entry time.
		const [moved, stayed] = [dealRows.filter((row) => enteredIds.has(row.id)), dealRows.filter((row) => !enteredIds.has(row.id))];
		for (const part of chunks(moved)) {
			await tx
				.insert(dealsProjection)
				.values(part)
				.onConflictDoUpdate({ target: dealsProjection.id, set: fromExcluded(dealsProjection, [...dealColumns, 'stageEnteredAt']) });
		}
		for (const part of chunks(stayed)) {
			await tx
				.insert(dealsProjection)
				.values(part)
				.onConflictDoUpdate({ target: dealsProjection.id, set: fromExcluded(dealsProjection, dealColumns) });
		}
		for (const part of chunks(entered)) {
			await tx.insert(stageEvents).values(
				part.map((deal) => ({
					pipelineId,
					dealId: deal.id,
					fromStageId: previousStage.get(deal.id) ?? null,
					toStageId: deal.stageId,
					userId: batch.changes.deals.get(deal.id)?.by ?? null,
					at: batch.at
				}))
			);
		}
		const taskRows = tasks.map((task) => ({
			id: task.id,
			pipelineId,
			dealId: task.dealId,
			type: task.type,
			title: task.title,
			dueAt: new Date(task.dueAt),
			assigneeId: task.assigneeId,
			done: task.done,
			doneAt: task.doneAt ? new Date(task.doneAt) : null,
			auto: task.auto ?? false
		}));
		for (const part of chunks(taskRows)) {
			await tx
				.insert(tasksProjection)
				.values(part)
				.onConflictDoUpdate({ target: tasksProjection.id, set: fromExcluded(tasksProjection, taskColumns) });
		}
		for (const part of chunks(deletedTasks)) {
			const rows = await tx.select({ id: tasksProjection.id, dealId: tasksProjection.dealId }).from(tasksProjection).where(inArray(tasksProjection.id, part));
			const removed = rows.filter((row) => dealMaps.has(row.dealId)).map((row) => row.id);
			if (removed.length > 0) await tx.delete(tasksProjection).where(inArray(tasksProjection.id, removed));
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
