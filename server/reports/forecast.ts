import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { ownerCondition, rowsOf, type ReportScope } from './scope.js';

export interface ForecastRow {
	/** The expected close month 'YYYY-MM'; null for open deals without an expected close date. */
	month: string | null;
	currency: string;
	deals: number;
	openMinor: number;
	/** Sum of value × the probability of the deal's stage, rounded to a minor unit. */
	weightedMinor: number;
}

/**
 * The weighted forecast: every open deal of the pipeline (whatever the
 * period: a forecast looks ahead), its value times its stage's probability,
 * by expected close month and currency. Months in the past are deals that
 * were expected to close already and have not.
 */
export async function readForecast(db: Database, scope: ReportScope): Promise<ForecastRow[]> {
	const rows = await rowsOf<{ month: string | null; currency: string; deals: number; open_minor: string; weighted_minor: string }>(
		db,
		sql`
			select to_char(d.expected_close_date, 'YYYY-MM') as month, d.currency, count(*)::int as deals,
				sum(d.value_minor)::text as open_minor, round(sum(d.value_minor * s.probability) / 100.0)::text as weighted_minor
			from deals d
			join stages s on s.pipeline_id = d.pipeline_id and s.id = d.stage_id
			where d.pipeline_id = ${scope.pipelineId} and d.status = 'open' and d.deleted_at is null and d.archived_at is null
				and ${ownerCondition(scope)}
			group by 1, 2
			order by 1 nulls last, 2
		`
	);
	return rows.map((row) => ({ month: row.month, currency: row.currency, deals: Number(row.deals), openMinor: Number(row.open_minor), weightedMinor: Number(row.weighted_minor) }));
}
