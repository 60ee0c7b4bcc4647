import { and, asc, desc, eq, ilike, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { dealsProjection, stagesProjection } from '../db/schema.js';

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

/** A deal of the list as the API sends it: times as ISO 8601 UTC strings, with its soonest open task. */
export interface DealListItem {
	id: string;
	title: string;
	valueMinor: number;
	currency: string;
	stageId: string;
	ownerId: string;
	contactId: string | null;
	companyId: string | null;
	source: string;
	status: 'open' | 'won' | 'lost';
	lostReason: string | null;
	lostNote: string | null;
	createdAt: string;
	updatedAt: string;
	closedAt: string | null;
	stageEnteredAt: string;
	archivedAt: string | null;
	nextTask: { id: string; title: string; type: string; dueAt: string } | null;
}

function escapeLike(text: string): string {
	return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** The pipeline a list reads, and its workspace: rows are matched on both. */
export interface PipelineScope {
	workspaceId: string;
	pipelineId: string;
}

/** A time as JavaScript's toISOString writes it (milliseconds, `Z`), so the list reads like every other answer. */
function isoTime(column: string): SQL {
	return sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);
}

/**
 * Deals of a pipeline from the projection, one page of them and the total.
 * The default order is the board's: stage by stage, each in column order.
 *
 * One statement does it all, and PostgreSQL writes the page as JSON text
 * (`deals`, an array of DealListItem) that the API sends as it is: a page of
 * 5,000 deals otherwise cost a query for their tasks, one for the total, and
 * more time turning 100,000 cells into objects, dates and JSON again than the
 * database spends finding them. Each deal's next task is its soonest open one
 * of the same pipeline (task ids are unique only within one), found through
 * the task index by deal.
 */
export async function listPipelineDeals(db: Database, scope: PipelineScope, filters: DealFilters): Promise<{ dealsJson: string; total: number }> {
	const conditions: SQL[] = [eq(dealsProjection.pipelineId, scope.pipelineId), eq(dealsProjection.workspaceId, scope.workspaceId)];
	if (filters.stageId) conditions.push(eq(dealsProjection.stageId, filters.stageId));
	if (filters.ownerId) conditions.push(eq(dealsProjection.ownerId, filters.ownerId));
	if (filters.status) conditions.push(eq(dealsProjection.status, filters.status));
	if (filters.search) conditions.push(ilike(dealsProjection.title, `%${escapeLike(filters.search)}%`));
	const where = and(...conditions)!;
	const direction = filters.order === 'desc' ? desc : asc;
	const ordering =
		filters.sort === 'board'
			? [direction(stagesProjection.rank), direction(dealsProjection.rank), asc(dealsProjection.id)]
			: [direction(sortColumns[filters.sort]), asc(dealsProjection.id)];
	const orderBy = sql.join(ordering, sql`, `);
	// The window functions run before LIMIT: `total` counts every match, `n` keeps the order through the join.
	const result = (await db.execute(sql`
		select coalesce(json_agg(json_build_object(
			'id', page.id, 'title', page.title, 'valueMinor', page.value_minor, 'currency', page.currency, 'stageId', page.stage_id,
			'ownerId', page.owner_id, 'contactId', page.contact_id, 'companyId', page.company_id, 'source', page.source,
			'status', page.status, 'lostReason', page.lost_reason, 'lostNote', page.lost_note,
			'createdAt', ${isoTime('page.created_at')}, 'updatedAt', ${isoTime('page.updated_at')}, 'closedAt', ${isoTime('page.closed_at')},
			'stageEnteredAt', ${isoTime('page.stage_entered_at')}, 'archivedAt', ${isoTime('page.archived_at')},
			'nextTask', case when next_task.id is null then null
				else json_build_object('id', next_task.id, 'title', next_task.title, 'type', next_task.type, 'dueAt', ${isoTime('next_task.due_at')}) end
		) order by page.n), '[]')::text as deals,
		max(page.total)::int as total
		from (
			select ${dealsProjection}.*, count(*) over () as total, row_number() over (order by ${orderBy}) as n
			from ${dealsProjection}
			left join ${stagesProjection} on ${stagesProjection.pipelineId} = ${dealsProjection.pipelineId} and ${stagesProjection.id} = ${dealsProjection.stageId}
			where ${where}
			order by ${orderBy}
			limit ${filters.limit} offset ${filters.offset}
		) page
		left join lateral (
			select task.id, task.title, task.type, task.due_at from tasks task
			where task.deal_id = page.id and task.pipeline_id = page.pipeline_id and not task.done
			order by task.due_at, task.id
			limit 1
		) next_task on true`)) as unknown as { rows: Array<{ deals: string; total: number | null }> };
	const [row] = result.rows;
	const dealsJson = row?.deals ?? '[]';
	if (row?.total != null) return { dealsJson, total: row.total };
	// An empty page says nothing of how many there are: past the end, count them.
	if (filters.offset === 0) return { dealsJson, total: 0 };
	const [{ total } = { total: 0 }] = await db.select({ total: sql<number>`count(*)::int` }).from(dealsProjection).where(where);
	return { dealsJson, total };
}
