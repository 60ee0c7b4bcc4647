import { and, asc, desc, eq, ilike, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { dealsProjection, stagesProjection } from '../db/schema.js';
import { escapeLike } from '../db/like.js';
import type { FieldValue } from '../../src/lib/model/fields.js';
import { fieldConditionSql, type FieldCondition } from '../fields/field-filter.js';

export interface DealFilters {
	stageId?: string;
	ownerId?: string;
	status?: 'open' | 'won' | 'lost';
	search?: string;
	/** The deals in the trash instead of the others. */
	trash?: boolean;
	/** Custom field conditions, all of which must hold. */
	fields?: FieldCondition[];
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
	expectedCloseDate: string | null;
	/** Custom field values by field id. */
	custom: Record<string, FieldValue>;
	createdAt: string;
	updatedAt: string;
	closedAt: string | null;
	stageEnteredAt: string;
	archivedAt: string | null;
	deletedAt: string | null;
	nextTask: { id: string; title: string; type: string; dueAt: string } | null;
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

/** Past this many deals a page reads the board's next tasks in one pass rather than one lookup per deal. */
const pageOfWholeBoard = 200;

/**
 * Each deal's next open task (earliest due, then id) as JSON, joined to the
 * page as `next_task`. A small page looks each deal's tasks up through their
 * index; a large one (a whole board: 5,000 lookups) sorts the board's open
 * tasks once and joins them, which on PGlite is about 15 ms faster at 5,000
 * deals. Both give the same task.
 */
function nextTaskJoin(scope: PipelineScope, limit: number): SQL {
	if (limit > pageOfWholeBoard) {
		return sql`left join (
				select distinct on (task.deal_id) task.deal_id,
					row_to_json((select t from (select task.id, task.title, task.type, ${isoTime('task.due_at')} as "dueAt") t)) as json
				from tasks task
				where task.pipeline_id = ${scope.pipelineId} and not task.done
				order by task.deal_id, task.due_at, task.id
			) next_task on next_task.deal_id = page.id`;
	}
	return sql`left join lateral (
				select row_to_json(task) as json from (
					select task.id, task.title, task.type, ${isoTime('task.due_at')} as "dueAt" from tasks task
					where task.deal_id = page.id and task.pipeline_id = page.pipeline_id and not task.done
					order by task.due_at, task.id
					limit 1
				) task
			) next_task on true`;
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
	for (const condition of filters.fields ?? []) conditions.push(fieldConditionSql(dealsProjection.custom, condition));
	// The trash is its own list; everywhere else a deleted deal is gone.
	conditions.push(filters.trash ? isNotNull(dealsProjection.deletedAt) : isNull(dealsProjection.deletedAt));
	const where = and(...conditions)!;
	const direction = filters.order === 'desc' ? desc : asc;
	const ordering =
		filters.sort === 'board'
			? [direction(stagesProjection.rank), direction(dealsProjection.rank), asc(dealsProjection.id)]
			: [direction(sortColumns[filters.sort]), asc(dealsProjection.id)];
	const orderBy = sql.join(ordering, sql`, `);
	// The window functions run before LIMIT: `total` counts every match, `n` keeps the order through the join.
	// row_to_json writes compact JSON (json_build_object and json_agg pad it with spaces and newlines).
	const result = (await db.execute(sql`
		select '[' || coalesce(string_agg(item.json, ',' order by item.n), '') || ']' as deals, max(item.total)::int as total
		from (
			select page.n, page.total, row_to_json((select fields from (select
				page.id, page.title, page.value_minor as "valueMinor", page.currency, page.stage_id as "stageId",
				page.owner_id as "ownerId", page.contact_id as "contactId", page.company_id as "companyId", page.source,
				page.status, page.lost_reason as "lostReason", page.lost_note as "lostNote",
				to_char(page.expected_close_date, 'YYYY-MM-DD') as "expectedCloseDate", page.custom,
				${isoTime('page.created_at')} as "createdAt", ${isoTime('page.updated_at')} as "updatedAt", ${isoTime('page.closed_at')} as "closedAt",
				${isoTime('page.stage_entered_at')} as "stageEnteredAt", ${isoTime('page.archived_at')} as "archivedAt", ${isoTime('page.deleted_at')} as "deletedAt",
				next_task.json as "nextTask") fields))::text as json
			from (
				select ${dealsProjection}.*, count(*) over () as total, row_number() over (order by ${orderBy}) as n
				from ${dealsProjection}
				left join ${stagesProjection} on ${stagesProjection.pipelineId} = ${dealsProjection.pipelineId} and ${stagesProjection.id} = ${dealsProjection.stageId}
				where ${where}
				order by ${orderBy}
				limit ${filters.limit} offset ${filters.offset}
			) page
			${nextTaskJoin(scope, filters.limit)}
		) item`)) as unknown as { rows: Array<{ deals: string; total: number | null }> };
	const [row] = result.rows;
	const dealsJson = row?.deals ?? '[]';
	if (row?.total != null) return { dealsJson, total: row.total };
	// An empty page says nothing of how many there are: past the end, count them.
	if (filters.offset === 0) return { dealsJson, total: 0 };
	const [{ total } = { total: 0 }] = await db.select({ total: sql<number>`count(*)::int` }).from(dealsProjection).where(where);
	return { dealsJson, total };
}
