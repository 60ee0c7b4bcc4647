import { and, eq, inArray, ne } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { dealsProjection, pipelines, tasksProjection } from '../db/schema.js';

/** The workspace a board belongs to, from the database (never from the document). */
export async function findBoardIdentity(db: Database, pipelineId: string): Promise<{ workspaceId: string } | null> {
	const [row] = await db.select({ workspaceId: pipelines.workspaceId }).from(pipelines).where(eq(pipelines.id, pipelineId));
	return row ?? null;
}

/**
 * The ids among these that a deal or task of another board already has.
 * Entity ids are unique across the installation, so a writer cannot reach
 * another workspace's rows by reusing their ids.
 */
export async function findIdsOnOtherBoards(db: Database, pipelineId: string, ids: { deals: string[]; tasks: string[] }): Promise<string[]> {
	const all = [...new Set([...ids.deals, ...ids.tasks])];
	if (all.length === 0) return [];
	const [deals, tasks] = await Promise.all([
		db.select({ id: dealsProjection.id }).from(dealsProjection).where(and(inArray(dealsProjection.id, all), ne(dealsProjection.pipelineId, pipelineId))),
		db.select({ id: tasksProjection.id }).from(tasksProjection).where(and(inArray(tasksProjection.id, all), ne(tasksProjection.pipelineId, pipelineId)))
	]);
	return [...deals, ...tasks].map((row) => row.id);
}
