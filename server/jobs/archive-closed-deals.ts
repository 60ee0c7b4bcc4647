import { and, eq, inArray, isNull, lt, ne, sql } from 'drizzle-orm';
import { boardMaps } from '../../src/lib/model/board.js';
import type { Database } from '../db/client.js';
import { systemWriter } from '../board/writer.js';
import { dealsProjection, pipelines, workspaces } from '../db/schema.js';
import type { RoomManager } from '../sync/rooms.js';

/**
 * Takes deals closed longer ago than their workspace's `closedDealDays` off
 * the live boards, with their tasks; their rows stay in the projection
 * (findable, reopenable). Idempotent: running it twice, or on two nodes at
 * once, removes each deal once and marks it once.
 */
export async function archiveClosedDeals(db: Database, rooms: RoomManager, now: Date): Promise<number> {
	const due = await db
		.select({ id: dealsProjection.id, pipelineId: dealsProjection.pipelineId })
		.from(dealsProjection)
		// The workspace's setting, through the pipeline row: the board's own meta is written by clients.
		.innerJoin(pipelines, eq(pipelines.id, dealsProjection.pipelineId))
		.innerJoin(workspaces, eq(workspaces.id, pipelines.workspaceId))
		.where(
			and(
				ne(dealsProjection.status, 'open'),
				isNull(dealsProjection.archivedAt),
				lt(dealsProjection.closedAt, sql`${now.toISOString()}::timestamptz - make_interval(days => ${workspaces.closedDealDays})`)
			)
		);
	const byPipeline = new Map<string, Set<string>>();
	for (const deal of due) byPipeline.set(deal.pipelineId, (byPipeline.get(deal.pipelineId) ?? new Set()).add(deal.id));
	for (const [pipelineId, ids] of byPipeline) {
		await rooms.withRoom(pipelineId, (room) =>
			room.change(systemWriter, (doc) => {
				const maps = boardMaps(doc);
				for (const id of ids) {
					// Reopened in the meantime: it stays.
					if (maps.deals.get(id)?.get('status') === 'open') ids.delete(id);
				}
				maps.tasks.forEach((task, taskId) => {
					if (ids.has(task.get('dealId') as string)) maps.tasks.delete(taskId);
				});
				for (const id of ids) maps.deals.delete(id);
			})
		);
		if (ids.size === 0) continue;
		await db
			.update(dealsProjection)
			.set({ archivedAt: now })
			.where(and(eq(dealsProjection.pipelineId, pipelineId), inArray(dealsProjection.id, [...ids])));
	}
	return due.length;
}
