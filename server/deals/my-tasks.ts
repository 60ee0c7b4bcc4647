import { and, asc, eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { dealsProjection, pipelines, tasksProjection } from '../db/schema.js';

/** The open tasks assigned to a user in a workspace, soonest first, with their deal. */
export function listOpenTasksOfUser(db: Database, workspaceId: string, userId: string) {
	return db
		.select({
			id: tasksProjection.id,
			type: tasksProjection.type,
			title: tasksProjection.title,
			dueAt: tasksProjection.dueAt,
			auto: tasksProjection.auto,
			dealId: dealsProjection.id,
			dealTitle: dealsProjection.title,
			dealStatus: dealsProjection.status,
			pipelineId: pipelines.id,
			pipelineName: pipelines.name
		})
		.from(tasksProjection)
		.innerJoin(dealsProjection, eq(dealsProjection.id, tasksProjection.dealId))
		.innerJoin(pipelines, eq(pipelines.id, tasksProjection.pipelineId))
		.where(and(eq(tasksProjection.assigneeId, userId), eq(tasksProjection.done, false), eq(pipelines.workspaceId, workspaceId)))
		.orderBy(asc(tasksProjection.dueAt), asc(tasksProjection.id));
}
