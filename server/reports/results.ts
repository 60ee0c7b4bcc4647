import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { monthPeriod, ownerCondition, periodRange, rowsOf, shiftMonth, type ReportScope } from './scope.js';
import { listTargets, type SalesTarget } from './targets.js';

export interface MonthFigures {
	wonDeals: number;
	/** Revenue won, per currency. */
	revenue: { currency: string; revenueMinor: number }[];
}

export interface RepResult {
	userId: string;
	name: string;
	target: { wonDeals: number; revenueMinor: number; currency: string } | null;
	month: MonthFigures;
	previousMonth: MonthFigures;
	lastYear: MonthFigures;
}

/**
 * Each rep's deals won in the pipeline in a month (by the day they closed),
 * against their target for the month, beside the month before and the same
 * month a year earlier. Reps listed: those with a target or a won deal in
 * any of the three months.
 */
export async function readRepResults(db: Database, scope: ReportScope & { workspaceId: string }, month: string): Promise<RepResult[]> {
	const months = { month, previousMonth: shiftMonth(month, -1), lastYear: shiftMonth(month, -12) } as const;
	const ranges = Object.fromEntries(Object.entries(months).map(([key, value]) => [key, periodRange(monthPeriod(value))])) as Record<keyof typeof months, { start: Date; end: Date }>;
	const earliest = ranges.lastYear.start;
	const latest = ranges.month.end;
	const [rows, targets] = await Promise.all([
		rowsOf<{ owner_id: string; name: string | null; bucket: string; currency: string; deals: number; revenue_minor: string }>(
			db,
			sql`
				select d.owner_id, u.name, case
						when d.closed_at >= ${ranges.month.start.toISOString()} and d.closed_at < ${ranges.month.end.toISOString()} then 'month'
						when d.closed_at >= ${ranges.previousMonth.start.toISOString()} and d.closed_at < ${ranges.previousMonth.end.toISOString()} then 'previousMonth'
						when d.closed_at >= ${ranges.lastYear.start.toISOString()} and d.closed_at < ${ranges.lastYear.end.toISOString()} then 'lastYear'
					end as bucket,
					d.currency, count(*)::int as deals, sum(d.value_minor)::text as revenue_minor
				from deals d left join users u on u.id = d.owner_id
				where d.pipeline_id = ${scope.pipelineId} and d.deleted_at is null and d.status = 'won'
					and d.closed_at >= ${earliest.toISOString()} and d.closed_at < ${latest.toISOString()}
					and ${ownerCondition(scope)}
				group by 1, 2, 3, 4
			`
		),
		listTargets(db, scope.workspaceId, month, scope.ownerId),
	]);
	const names = await namesOf(db, [...new Set([...rows.map((row) => row.owner_id), ...targets.map((target) => target.userId)])]);
	const empty = (): MonthFigures => ({ wonDeals: 0, revenue: [] });
	const results = new Map<string, RepResult>();
	const resultOf = (userId: string) => {
		let result = results.get(userId);
		if (!result) {
			result = { userId, name: names.get(userId) ?? userId, target: null, month: empty(), previousMonth: empty(), lastYear: empty() };
			results.set(userId, result);
		}
		return result;
	};
	for (const target of targets) resultOf(target.userId).target = pick(target);
	for (const row of rows) {
		if (row.bucket === null) continue;
		const figures = resultOf(row.owner_id)[row.bucket as keyof typeof months];
		figures.wonDeals += Number(row.deals);
		figures.revenue.push({ currency: row.currency, revenueMinor: Number(row.revenue_minor) });
	}
	for (const result of results.values()) for (const key of Object.keys(months) as (keyof typeof months)[]) result[key].revenue.sort((a, b) => a.currency.localeCompare(b.currency));
	return [...results.values()].sort((a, b) => a.name.localeCompare(b.name) || a.userId.localeCompare(b.userId));
}

function pick(target: SalesTarget) {
	return { wonDeals: target.wonDeals, revenueMinor: target.revenueMinor, currency: target.currency };
}

async function namesOf(db: Database, userIds: string[]): Promise<Map<string, string>> {
	if (userIds.length === 0) return new Map();
	const rows = await rowsOf<{ id: string; name: string }>(
		db,
		sql`select u.id, u.name from users u join json_array_elements_text(${JSON.stringify(userIds)}::json) as wanted(id) on wanted.id = u.id`
	);
	return new Map(rows.map((row) => [row.id, row.name]));
}
