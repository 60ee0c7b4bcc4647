import { and, asc, count, desc, eq, gte, inArray, isNull, lt, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { dealsProjection, pipelines, tasksProjection, users } from '../db/schema.js';
import { canSeePipeline } from '../pipelines/pipeline.js';
import type { PanelViewer } from './control-panel.js';
import type { TaskType } from '../../src/lib/model/index.js';

export const dueWindows = ['overdue', 'today', 'week', 'later'] as const;
export type DueWindow = (typeof dueWindows)[number];

export interface TeamTaskFilter {
	assigneeId?: string;
	pipelineId?: string;
	type?: TaskType;
	due?: DueWindow;
	now: Date;
	/** The end of the caller's day: "today" is from now until then. */
	dayEnd: Date;
}

const dayMs = 24 * 60 * 60 * 1000;

/**
 * When a task is due, by window: overdue (before now), today (until the end
 * of the caller's day), this week (the six days after today), later.
 */
function dueCondition(filter: TeamTaskFilter): SQL | undefined {
	const weekEnd = new Date(filter.dayEnd.getTime() + 6 * dayMs);
	switch (filter.due) {
		case 'overdue':
			return lt(tasksProjection.dueAt, filter.now);
		case 'today':
			return and(gte(tasksProjection.dueAt, filter.now), lt(tasksProjection.dueAt, filter.dayEnd));
		case 'week':
			return and(gte(tasksProjection.dueAt, filter.dayEnd), lt(tasksProjection.dueAt, weekEnd));
		case 'later':
			return gte(tasksProjection.dueAt, weekEnd);
		default:
			return undefined;
	}
}

/** Open tasks on live, visible pipelines of the workspace whose deal is not in the trash. */
function teamScope(db: Database, viewer: PanelViewer): SQL {
	return and(
		eq(tasksProjection.done, false),
		eq(dealsProjection.workspaceId, viewer.workspaceId),
		isNull(dealsProjection.deletedAt),
		eq(pipelines.workspaceId, viewer.workspaceId),
		isNull(pipelines.archivedAt),
		canSeePipeline(db, viewer.userId, viewer.role)
	)!;
}

/** Tasks with their deal (matched within the task's pipeline: ids are unique only there) and pipeline. */
const dealOfTask = and(eq(dealsProjection.pipelineId, tasksProjection.pipelineId), eq(dealsProjection.id, tasksProjection.dealId));

/** The team's open tasks (managers: every task of the pipelines they see), filtered, soonest first, with the total. */
export async function listTeamTasks(db: Database, viewer: PanelViewer, filter: TeamTaskFilter, page: { limit: number; offset: number; order: 'asc' | 'desc' }) {
	const where = and(
		teamScope(db, viewer),
		filter.assigneeId ? eq(tasksProjection.assigneeId, filter.assigneeId) : undefined,
		filter.pipelineId ? eq(tasksProjection.pipelineId, filter.pipelineId) : undefined,
		filter.type ? eq(tasksProjection.type, filter.type) : undefined,
		dueCondition(filter)
	);
	const direction = page.order === 'desc' ? desc : asc;
	const [rows, [total]] = await Promise.all([
		db
			.select({
				id: tasksProjection.id,
				type: tasksProjection.type,
				title: tasksProjection.title,
				dueAt: tasksProjection.dueAt,
				assigneeId: tasksProjection.assigneeId,
				assigneeName: users.name,
				auto: tasksProjection.auto,
				dealId: dealsProjection.id,
				dealTitle: dealsProjection.title,
				dealStatus: dealsProjection.status,
				pipelineId: pipelines.id,
				pipelineName: pipelines.name
			})
			.from(tasksProjection)
			.innerJoin(dealsProjection, dealOfTask)
			.innerJoin(pipelines, eq(pipelines.id, tasksProjection.pipelineId))
			.leftJoin(users, eq(users.id, tasksProjection.assigneeId))
			.where(where)
			.orderBy(direction(tasksProjection.dueAt), asc(tasksProjection.id))
			.limit(page.limit)
			.offset(page.offset),
		db
			.select({ total: count() })
			.from(tasksProjection)
			.innerJoin(dealsProjection, dealOfTask)
			.innerJoin(pipelines, eq(pipelines.id, tasksProjection.pipelineId))
			.where(where)
	]);
	return { rows, total: Number(total?.total ?? 0) };
}

/** The given tasks that are open tasks of the viewer's team, with their pipeline: the ones a bulk reassignment may touch. */
export async function findTeamTasks(db: Database, viewer: PanelViewer, taskIds: string[]): Promise<Array<{ id: string; pipelineId: string }>> {
	if (taskIds.length === 0) return [];
	return db
		.select({ id: tasksProjection.id, pipelineId: tasksProjection.pipelineId })
		.from(tasksProjection)
		.innerJoin(dealsProjection, dealOfTask)
		.innerJoin(pipelines, eq(pipelines.id, tasksProjection.pipelineId))
		.where(and(teamScope(db, viewer), inArray(tasksProjection.id, taskIds)));
}
