import { and, asc, desc, eq, ilike, inArray, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { dealsProjection, stagesProjection, tasksProjection, type DealRow } from '../db/schema.js';

export interface DealFilters {
	stageId?: string;
	ownerId?: string;
	status?: 'open' | 'won' | 'lost';
	search?: string;
	sort: DealSort;
	order: 'asc' | 'desc';
	limit: number;
	offset: number;
}

export const dealSorts = ['board', 'created', 'updated', 'title', 'value', 'stageEntered'] as const;
export type DealSort = (typeof dealSorts)[number];

const sortColumns = {
	created: dealsProjection.createdAt,
	updated: dealsProjection.updatedAt,
	title: dealsProjection.title,
	value: dealsProjection.valueMinor,
	stageEntered: dealsProjection.stageEnteredAt
};

export interface DealWithNextTask extends DealRow {
	nextTask: { id: string; title: string; type: string; dueAt: Date } | null;
}

function escapeLike(text: string): string {
	return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** The pipeline a list reads, and its workspace: rows are matched on both. */
export interface PipelineScope {
	workspaceId: string;
	pipelineId: string;
}

/**
 * Deals of a pipeline from the projection, one page of them and the total.
 * The default order is the board's: stage by stage, each in column order.
 */
export async function listPipelineDeals(
	db: Database,
	scope: PipelineScope,
	filters: DealFilters
): Promise<{ deals: DealWithNextTask[]; total: number }> {
	const conditions: SQL[] = [eq(dealsProjection.pipelineId, scope.pipelineId), eq(dealsProjection.workspaceId, scope.workspaceId)];
	if (filters.stageId) conditions.push(eq(dealsProjection.stageId, filters.stageId));
	if (filters.ownerId) conditions.push(eq(dealsProjection.ownerId, filters.ownerId));
	if (filters.status) conditions.push(eq(dealsProjection.status, filters.status));
	if (filters.search) conditions.push(ilike(dealsProjection.title, `%${escapeLike(filters.search)}%`));
	const where = and(...conditions);
	const direction = filters.order === 'desc' ? desc : asc;
	const ordering =
		filters.sort === 'board'
			? [direction(stagesProjection.rank), direction(dealsProjection.rank), asc(dealsProjection.id)]
			: [direction(sortColumns[filters.sort]), asc(dealsProjection.id)];
	const rows = await db
		.select({ deal: dealsProjection })
		.from(dealsProjection)
		.leftJoin(stagesProjection, and(eq(stagesProjection.pipelineId, dealsProjection.pipelineId), eq(stagesProjection.id, dealsProjection.stageId)))
		.where(where)
		.orderBy(...ordering)
		.limit(filters.limit)
		.offset(filters.offset);
	const [{ total } = { total: 0 }] = await db
		.select({ total: sql<number>`count(*)::int` })
		.from(dealsProjection)
		.where(where);
	const deals = rows.map((row) => row.deal);
	return { deals: await withNextTasks(db, scope, deals), total };
}

/** Each deal's soonest open task, from the deal's own pipeline (ids are unique only within one). */
async function withNextTasks(db: Database, scope: PipelineScope, deals: DealRow[]): Promise<DealWithNextTask[]> {
	if (deals.length === 0) return [];
	const tasks = await db
		.select({ id: tasksProjection.id, dealId: tasksProjection.dealId, title: tasksProjection.title, type: tasksProjection.type, dueAt: tasksProjection.dueAt })
		.from(tasksProjection)
		.where(
			and(
				eq(tasksProjection.pipelineId, scope.pipelineId),
				inArray(tasksProjection.dealId, deals.map((deal) => deal.id)),
				eq(tasksProjection.done, false)
			)
		)
		.orderBy(asc(tasksProjection.dueAt), asc(tasksProjection.id));
	const next = new Map<string, DealWithNextTask['nextTask']>();
	for (const { dealId, ...task } of tasks) if (!next.has(dealId)) next.set(dealId, task);
	return deals.map((deal) => ({ ...deal, nextTask: next.get(deal.id) ?? null }));
}
