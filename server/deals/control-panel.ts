import { and, asc, eq, gt, isNull, like, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { dealsProjection, pipelines, stagesProjection, tasksProjection } from '../db/schema.js';
import { canSeePipeline } from '../pipelines/pipeline.js';
import { hasRoleAtLeast, type Role } from '../workspaces/roles.js';
import { repairTaskIdPrefix } from '../rules/repair.js';

/** Who is looking: managers and up see every deal and task of the pipelines they see; reps and viewers their own. */
export interface PanelViewer {
	workspaceId: string;
	userId: string;
	role: Role;
}

/** How long each list behind a number may be; the numbers themselves are exact. */
const listLimit = 500;

export function seesWholeTeam(role: Role): boolean {
	return hasRoleAtLeast(role, 'manager');
}

/** The live pipelines of the workspace the viewer may open. */
function visiblePipelines(db: Database, viewer: PanelViewer): SQL {
	return and(eq(pipelines.workspaceId, viewer.workspaceId), isNull(pipelines.archivedAt), canSeePipeline(db, viewer.userId, viewer.role))!;
}

const taskColumns = {
	id: tasksProjection.id,
	type: tasksProjection.type,
	title: tasksProjection.title,
	dueAt: tasksProjection.dueAt,
	assigneeId: tasksProjection.assigneeId,
	auto: tasksProjection.auto,
	dealId: dealsProjection.id,
	dealTitle: dealsProjection.title,
	dealOwnerId: dealsProjection.ownerId,
	pipelineId: pipelines.id,
	pipelineName: pipelines.name
};

export type PanelTaskRow = Awaited<ReturnType<typeof listPanelTasks>>[number];

/** A task the server added to repair a deal: `auto`, and named like a repair (a stage rule's tasks are `auto` too). */
function isRepairTask(): SQL {
	return and(eq(tasksProjection.auto, true), like(tasksProjection.id, `${repairTaskIdPrefix}%`))!;
}

/** In memory, the same test as isRepairTask. */
export function isRepairTaskRow(task: { auto: boolean | null; id: string }): boolean {
	return task.auto === true && task.id.startsWith(repairTaskIdPrefix);
}

/**
 * The open tasks the panel counts: those due before `until` (overdue and
 * due today) and every one the server added to repair a deal,
 * soonest first. A rep's are those assigned to them.
 */
export function listPanelTasks(db: Database, viewer: PanelViewer, until: Date) {
	return db
		.select(taskColumns)
		.from(tasksProjection)
		.innerJoin(dealsProjection, and(eq(dealsProjection.pipelineId, tasksProjection.pipelineId), eq(dealsProjection.id, tasksProjection.dealId)))
		.innerJoin(pipelines, eq(pipelines.id, tasksProjection.pipelineId))
		.where(
			and(
				eq(tasksProjection.done, false),
				or(lt(tasksProjection.dueAt, until), isRepairTask()),
				eq(dealsProjection.workspaceId, viewer.workspaceId),
				isNull(dealsProjection.deletedAt),
				visiblePipelines(db, viewer),
				seesWholeTeam(viewer.role) ? undefined : eq(tasksProjection.assigneeId, viewer.userId)
			)
		)
		.orderBy(asc(tasksProjection.dueAt), asc(tasksProjection.id))
		.limit(5000);
}

const dealColumns = {
	id: dealsProjection.id,
	title: dealsProjection.title,
	ownerId: dealsProjection.ownerId,
	valueMinor: dealsProjection.valueMinor,
	currency: dealsProjection.currency,
	stageId: dealsProjection.stageId,
	stageEnteredAt: dealsProjection.stageEnteredAt,
	pipelineId: pipelines.id,
	pipelineName: pipelines.name
};

/** Open deals of the viewer's scope on live boards (a rep's: those they own). */
function openDealsOf(db: Database, viewer: PanelViewer): SQL {
	return and(
		eq(dealsProjection.status, 'open'),
		eq(dealsProjection.workspaceId, viewer.workspaceId),
		isNull(dealsProjection.deletedAt),
		isNull(dealsProjection.archivedAt),
		visiblePipelines(db, viewer),
		seesWholeTeam(viewer.role) ? undefined : eq(dealsProjection.ownerId, viewer.userId)
	)!;
}

/** Open deals with no open task: the rule says there are none; the board repairs any within moments. */
export function listDealsWithoutTask(db: Database, viewer: PanelViewer) {
	const openTask = db
		.select({ one: sql`1` })
		.from(tasksProjection)
		.where(and(eq(tasksProjection.pipelineId, dealsProjection.pipelineId), eq(tasksProjection.dealId, dealsProjection.id), eq(tasksProjection.done, false)));
	return db
		.select(dealColumns)
		.from(dealsProjection)
		.innerJoin(pipelines, eq(pipelines.id, dealsProjection.pipelineId))
		.where(and(openDealsOf(db, viewer), sql`not exists (${openTask})`))
		.orderBy(asc(dealsProjection.stageEnteredAt), asc(dealsProjection.id))
		.limit(listLimit);
}

/** Open deals idle in a stage longer than its rotting limit (`rot_days`), longest idle first, with the stage. */
export function listRottingDeals(db: Database, viewer: PanelViewer, now: Date) {
	return db
		.select({
			...dealColumns,
			stageName: stagesProjection.name,
			stageRank: stagesProjection.rank,
			stageColor: stagesProjection.color,
			rotDays: stagesProjection.rotDays
		})
		.from(dealsProjection)
		.innerJoin(pipelines, eq(pipelines.id, dealsProjection.pipelineId))
		.innerJoin(stagesProjection, and(eq(stagesProjection.pipelineId, dealsProjection.pipelineId), eq(stagesProjection.id, dealsProjection.stageId)))
		.where(
			and(
				openDealsOf(db, viewer),
				eq(stagesProjection.kind, 'open'),
				gt(stagesProjection.rotDays, 0),
				sql`${dealsProjection.stageEnteredAt} < ${now.toISOString()}::timestamptz - ${stagesProjection.rotDays} * interval '1 day'`
			)
		)
		.orderBy(asc(pipelines.position), asc(stagesProjection.rank), asc(dealsProjection.stageEnteredAt), asc(dealsProjection.id))
		.limit(5000);
}

/** The soonest due time after `after` of an open task on a live board of the workspace: when overdue counts next change. */
export async function findNextDueAt(db: Database, workspaceId: string, after: Date): Promise<Date | null> {
	const [row] = await db
		.select({ dueAt: sql<string | null>`min(${tasksProjection.dueAt})` })
		.from(tasksProjection)
		.innerJoin(pipelines, eq(pipelines.id, tasksProjection.pipelineId))
		.where(and(eq(pipelines.workspaceId, workspaceId), isNull(pipelines.archivedAt), eq(tasksProjection.done, false), gt(tasksProjection.dueAt, after)));
	return row?.dueAt ? new Date(row.dueAt) : null;
}

export { listLimit as panelListLimit };
