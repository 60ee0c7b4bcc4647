import { and, eq, isNotNull, isNull, lt } from 'drizzle-orm';
import { boardMaps } from '../../src/lib/model/board.js';
import { readDeal, restoreDeal } from '../../src/lib/model/index.js';
import type { Task } from '../../src/lib/model/schema.js';
import type { Database } from '../db/client.js';
import { dealsProjection, interactions, stageEvents, tasksProjection, type TaskRow } from '../db/schema.js';
import type { RoomManager } from '../sync/rooms.js';
import type { Writer } from '../board/writer.js';
import { getDealRow, toBoardDeal, type DealScope } from './deal-lookup.js';

/** How long a deleted deal waits in the trash before the purge job removes it for good. */
export const dealTrashDays = 30;

function toBoardTask(row: TaskRow): Task {
	return {
		id: row.id,
		dealId: row.dealId,
		type: row.type,
		title: row.title,
		dueAt: row.dueAt.toISOString(),
		assigneeId: row.assigneeId,
		done: row.done,
		...(row.doneAt ? { doneAt: row.doneAt.toISOString() } : {}),
		...(row.auto ? { auto: true } : {})
	};
}

/**
 * Moves a deal to the trash: marked first, so every list leaves it out at
 * once, then taken off its live board with its tasks (the server removes
 * it; members cannot delete deals on the board). Running it again on a deal
 * already marked finishes the removal, so a failure half way is retried, not stuck.
 */
export async function moveDealToTrash(db: Database, rooms: RoomManager, scope: DealScope, dealId: string, writer: Writer, at: Date): Promise<void> {
	await db
		.update(dealsProjection)
		.set({ deletedAt: at, deletedBy: writer.userId })
		.where(and(eq(dealsProjection.id, dealId), eq(dealsProjection.pipelineId, scope.pipelineId), isNull(dealsProjection.deletedAt)));
	await rooms.withRoom(scope.pipelineId, (room) =>
		room.change({ kind: 'system', userId: writer.userId }, (doc) => {
			const maps = boardMaps(doc);
			if (!maps.deals.has(dealId)) return;
			maps.tasks.forEach((task, taskId) => {
				if (task.get('dealId') === dealId) maps.tasks.delete(taskId);
			});
			maps.deals.delete(dealId);
		})
	);
}

/**
 * Brings a deal back from the trash whole: a deal that was on a live board
 * returns to the top of its column with every task it had; one that had
 * already been archived (closed long ago) stays archived, findable again.
 */
export async function restoreDealFromTrash(db: Database, rooms: RoomManager, scope: DealScope, dealId: string, writer: Writer): Promise<boolean> {
	const row = await getDealRow(db, scope, dealId);
	if (!row?.deletedAt) return false;
	if (!row.archivedAt) {
		const tasks = await db
			.select()
			.from(tasksProjection)
			.where(and(eq(tasksProjection.pipelineId, scope.pipelineId), eq(tasksProjection.dealId, dealId)));
		await rooms.withRoom(scope.pipelineId, (room) =>
			room.change({ kind: 'system', userId: writer.userId }, (doc) => {
				if (!readDeal(doc, dealId)) restoreDeal(doc, toBoardDeal(row), tasks.map(toBoardTask));
			})
		);
	}
	await db
		.update(dealsProjection)
		.set({ deletedAt: null, deletedBy: null })
		.where(and(eq(dealsProjection.id, dealId), eq(dealsProjection.pipelineId, scope.pipelineId)));
	return true;
}

/** Removes for good the deals in the trash longer than `dealTrashDays`, with their tasks, moves and timeline. */
export async function purgeDealTrash(db: Database, now: Date): Promise<number> {
	const before = new Date(now.getTime() - dealTrashDays * 24 * 3600 * 1000);
	const due = await db
		.select({ id: dealsProjection.id, pipelineId: dealsProjection.pipelineId, workspaceId: dealsProjection.workspaceId })
		.from(dealsProjection)
		.where(and(isNotNull(dealsProjection.deletedAt), lt(dealsProjection.deletedAt, before)));
	for (const deal of due) {
		await db.transaction(async (tx) => {
			await tx.delete(tasksProjection).where(and(eq(tasksProjection.pipelineId, deal.pipelineId), eq(tasksProjection.dealId, deal.id)));
			await tx.delete(stageEvents).where(and(eq(stageEvents.pipelineId, deal.pipelineId), eq(stageEvents.dealId, deal.id)));
			await tx.delete(interactions).where(and(eq(interactions.workspaceId, deal.workspaceId), eq(interactions.dealId, deal.id)));
			await tx.delete(dealsProjection).where(and(eq(dealsProjection.pipelineId, deal.pipelineId), eq(dealsProjection.id, deal.id)));
		});
	}
	return due.length;
}
