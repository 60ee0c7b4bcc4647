import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { periodRange, rowsOf, type ReportPeriod, type ReportScope } from './scope.js';

export type DynamicsStep = 'day' | 'week';

export interface DynamicsPoint {
	/** The first day of the day or week (weeks start on Monday), YYYY-MM-DD. */
	date: string;
	newDeals: number;
	tasksCompleted: number;
	contactsCreated: number;
}

/**
 * New deals, tasks completed and contacts created per day or week of the
 * period, every step listed (zeros included). Tasks are counted when done:
 * the projection keeps no creation time for them. Contacts count across
 * the workspace (they belong to no pipeline); with a rep, those they created.
 */
export async function readDynamics(db: Database, scope: ReportScope & { workspaceId: string }, period: ReportPeriod, step: DynamicsStep): Promise<DynamicsPoint[]> {
	const { start, end } = periodRange(period);
	const from = start.toISOString();
	const to = end.toISOString();
	const unit = sql.raw(step === 'week' ? `'week'` : `'day'`);
	const bucket = (column: ReturnType<typeof sql>) => sql`to_char(date_trunc(${unit}, ${column} at time zone 'UTC'), 'YYYY-MM-DD')`;
	const only = (column: ReturnType<typeof sql>) => (scope.ownerId === null ? sql`true` : sql`${column} = ${scope.ownerId}`);
	const [deals, tasks, contacts] = await Promise.all([
		rowsOf<{ date: string; count: number }>(
			db,
			sql`select ${bucket(sql`d.created_at`)} as date, count(*)::int as count from deals d
				where d.pipeline_id = ${scope.pipelineId} and d.deleted_at is null and d.created_at >= ${from} and d.created_at < ${to} and ${only(sql`d.owner_id`)}
				group by 1`
		),
		rowsOf<{ date: string; count: number }>(
			db,
			sql`select ${bucket(sql`t.done_at`)} as date, count(*)::int as count from tasks t
				where t.pipeline_id = ${scope.pipelineId} and t.done and t.done_at >= ${from} and t.done_at < ${to} and ${only(sql`t.assignee_id`)}
				group by 1`
		),
		rowsOf<{ date: string; count: number }>(
			db,
			sql`select ${bucket(sql`c.created_at`)} as date, count(*)::int as count from contacts c
				where c.workspace_id = ${scope.workspaceId} and c.deleted_at is null and c.created_at >= ${from} and c.created_at < ${to} and ${only(sql`c.created_by`)}
				group by 1`
		)
	]);
	const points = new Map<string, DynamicsPoint>();
	const first = new Date(start);
	// Weeks start on Monday, as date_trunc('week') has them.
	if (step === 'week') first.setUTCDate(first.getUTCDate() - ((first.getUTCDay() + 6) % 7));
	for (let day = first; day < end; day = new Date(day.getTime() + (step === 'week' ? 7 : 1) * 86_400_000)) {
		const date = day.toISOString().slice(0, 10);
		points.set(date, { date, newDeals: 0, tasksCompleted: 0, contactsCreated: 0 });
	}
	for (const [rows, key] of [[deals, 'newDeals'], [tasks, 'tasksCompleted'], [contacts, 'contactsCreated']] as const) {
		for (const row of rows) {
			const point = points.get(row.date);
			if (point) point[key] += Number(row.count);
		}
	}
	return [...points.values()];
}
