import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { ownerCondition, periodRange, rowsOf, type ReportPeriod, type ReportScope } from './scope.js';

export interface SalesSummary {
	won: number;
	lost: number;
	/** won / (won + lost) of the deals closed in the period; null when none closed. */
	winRate: number | null;
	/** Won deals' count, revenue and average size, per currency. */
	wonValue: { currency: string; deals: number; revenueMinor: number; averageMinor: number }[];
	/** Days from creation to winning, over the deals won in the period; null when none. */
	cycleDays: { average: number; median: number } | null;
}

/** Win rate, average deal size and sales cycle length over the deals closed in the period. */
export async function readSalesSummary(db: Database, scope: ReportScope, period: ReportPeriod): Promise<SalesSummary> {
	const { start, end } = periodRange(period);
	const closed = sql`d.pipeline_id = ${scope.pipelineId} and d.deleted_at is null and d.status in ('won', 'lost')
		and d.closed_at >= ${start.toISOString()} and d.closed_at < ${end.toISOString()} and ${ownerCondition(scope)}`;
	const [byStatus, byCurrency] = await Promise.all([
		rowsOf<{ status: string; deals: number; average: number | null; median: number | null }>(
			db,
			sql`
				select d.status, count(*)::int as deals,
					avg(extract(epoch from d.closed_at - d.created_at) / 86400)::float8 as average,
					percentile_cont(0.5) within group (order by extract(epoch from d.closed_at - d.created_at) / 86400)::float8 as median
				from deals d where ${closed} group by d.status
			`
		),
		rowsOf<{ currency: string; deals: number; revenue_minor: string }>(
			db,
			sql`select d.currency, count(*)::int as deals, sum(d.value_minor)::text as revenue_minor from deals d where ${closed} and d.status = 'won' group by d.currency order by d.currency`
		)
	]);
	const wonRow = byStatus.find((row) => row.status === 'won');
	const won = Number(wonRow?.deals ?? 0);
	const lost = Number(byStatus.find((row) => row.status === 'lost')?.deals ?? 0);
	return {
		won,
		lost,
		winRate: won + lost === 0 ? null : won / (won + lost),
		wonValue: byCurrency.map((row) => {
			const deals = Number(row.deals);
			const revenueMinor = Number(row.revenue_minor);
			return { currency: row.currency, deals, revenueMinor, averageMinor: Math.round(revenueMinor / deals) };
		}),
		cycleDays: wonRow ? { average: roundDays(Number(wonRow.average)), median: roundDays(Number(wonRow.median)) } : null
	};
}

/** Tenths of a day: finer is noise to a reader, and equal on both databases. */
export function roundDays(days: number): number {
	return Math.round(days * 10) / 10;
}
