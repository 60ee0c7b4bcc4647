import { and, asc, count, desc, eq, gte, isNull, lt, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { dealsProjection, pipelines, tasksProjection } from '../db/schema.js';
import { canSeePipeline } from '../pipelines/pipeline.js';
import type { Role } from '../workspaces/roles.js';

export interface TaskOwner {
	workspaceId: string;
	userId: string;
	role: Role;
}

const columns = {
	id: tasksProjection.id,
	type: tasksProjection.type,
	title: tasksProjection.title,
	dueAt: tasksProjection.dueAt,
	doneAt: tasksProjection.doneAt,
	assigneeId: tasksProjection.assigneeId,
	auto: tasksProjection.auto,
	dealId: dealsProjection.id,
	dealTitle: dealsProjection.title,
	dealStatus: dealsProjection.status,
	pipelineId: pipelines.id,
	pipelineName: pipelines.name
};

/** A task's deal, matched within the task's pipeline: ids are unique only there. */
const dealOfTask = and(eq(dealsProjection.pipelineId, tasksProjection.pipelineId), eq(dealsProjection.id, tasksProjection.dealId));
const pipelineOfTask = eq(pipelines.id, tasksProjection.pipelineId);

/**
 * A user's tasks on the live pipelines they may open: a task on an archived
 * pipeline, or on one they were taken off, is not theirs to work any more.
 * For a query joining the task's deal and pipeline.
 */
function isTaskOf(db: Database, owner: TaskOwner, condition: SQL) {
	return and(
		eq(tasksProjection.assigneeId, owner.userId),
		condition,
		eq(pipelines.workspaceId, owner.workspaceId),
		eq(dealsProjection.workspaceId, owner.workspaceId),
		isNull(dealsProjection.deletedAt),
		isNull(pipelines.archivedAt),
		canSeePipeline(db, owner.userId, owner.role)
	);
}

function selectTasksOf(db: Database, owner: TaskOwner, condition: SQL) {
	return db.select(columns).from(tasksProjection).innerJoin(dealsProjection, dealOfTask).innerJoin(pipelines, pipelineOfTask).where(isTaskOf(db, owner, condition));
}

/** The open tasks assigned to a user in a workspace, soonest first, with their deal. */
export function listOpenTasksOfUser(db: Database, owner: TaskOwner) {
	return selectTasksOf(db, owner, eq(tasksProjection.done, false)).orderBy(asc(tasksProjection.dueAt), asc(tasksProjection.id));
}

/** The tasks a user completed since `since`, newest first: the ones they may want to reopen. */
export function listRecentlyDoneTasksOfUser(db: Database, owner: TaskOwner, since: Date, limit = 50) {
	return selectTasksOf(db, owner, and(eq(tasksProjection.done, true), gte(tasksProjection.doneAt, since))!)
		.orderBy(desc(tasksProjection.doneAt), asc(tasksProjection.id))
		.limit(limit);
}

/**
 * How many of a user's open tasks were due before `now`: the navigation's
 * badge, asked every minute by every open tab, which must not cost the whole
 * list (thousands of rows on a big board).
 */
export async function countOverdueTasksOfUser(db: Database, owner: TaskOwner, now: Date): Promise<number> {
	const [row] = await db
		.select({ overdue: count() })
		.from(tasksProjection)
		.innerJoin(dealsProjection, dealOfTask)
		.innerJoin(pipelines, pipelineOfTask)
		.where(isTaskOf(db, owner, and(eq(tasksProjection.done, false), lt(tasksProjection.dueAt, now))!));
	return row?.overdue ?? 0;
}
