import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { listReportStages, ownerCondition, periodRange, rowsOf, type ReportPeriod, type ReportScope } from './scope.js';
import { roundDays } from './summary.js';

export interface StageTime {
	stageId: string;
	name: string;
	/** Stays counted: entries into the stage in the period that have ended (the deal moved on or closed). */
	stays: number;
	averageDays: number | null;
	medianDays: number | null;
}

/**
 * How long deals stay in each open stage: every entry into the stage made in
 * the period, until the deal's next stage entry (a move, or closing). Stays
 * not ended yet are left out, so they do not pull the figures down.
 */
/**
 * The entries' deal condition: not in the trash, and the rep's when the
 * scope has one. Everyone's figures look up only the trashed deals (a small
 * partial index) instead of hashing every deal of the pipeline.
 */
function dealCondition(scope: ReportScope): SQL {
	if (scope.ownerId === null)
		return sql`not exists (select 1 from deals d where d.id = e.deal_id and d.pipeline_id = ${scope.pipelineId} and d.deleted_at is not null)`;
	return sql`e.deal_id in (select d.id from deals d where d.pipeline_id = ${scope.pipelineId} and d.deleted_at is null and ${ownerCondition(scope)})`;
}

export async function readTimeInStage(db: Database, scope: ReportScope, period: ReportPeriod): Promise<StageTime[]> {
	const stages = (await listReportStages(db, scope.pipelineId)).filter((stage) => stage.kind === 'open');
	const { start, end } = periodRange(period);
	const rows = await rowsOf<{ stage_id: string; stays: number; average: number; median: number }>(
		db,
		sql`
			-- Each entry keeps when it ended (\`left_at\`, the deal's next stage entry, kept by a trigger): the
			-- period's entries come from one index range with no neighbouring rows read. Grouping in the "C"
			-- collation sorts ids bytewise (they are only grouped, never shown in this order).
			select e.to_stage_id collate "C" as stage_id, count(*)::int as stays, avg(x.days)::float8 as average,
				percentile_cont(0.5) within group (order by x.days)::float8 as median
			from stage_events e
			cross join lateral (select extract(epoch from e.left_at - e.at) / 86400 as days) x
			where e.pipeline_id = ${scope.pipelineId} and e.at >= ${start.toISOString()} and e.at < ${end.toISOString()}
				and e.left_at is not null
				and ${dealCondition(scope)}
			group by 1
		`
	);
	const byStage = new Map(rows.map((row) => [row.stage_id, row]));
	return stages.map((stage) => {
		const row = byStage.get(stage.id);
		return {
			stageId: stage.id,
			name: stage.name,
			stays: Number(row?.stays ?? 0),
			averageDays: row ? roundDays(Number(row.average)) : null,
			medianDays: row ? roundDays(Number(row.median)) : null
		};
	});
}
