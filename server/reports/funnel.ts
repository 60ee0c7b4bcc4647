import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { listReportStages, ownerCondition, periodRange, rowsOf, type ReportPeriod, type ReportScope } from './scope.js';

export interface FunnelStage {
	stageId: string;
	name: string;
	reached: number;
	/** To the next open stage, or to won from the last one; 0 when nobody reached this stage. */
	conversion: number;
}

export interface Funnel {
	stages: FunnelStage[];
	won: number;
	lost: number;
}

/**
 * The stage conversion funnel, by its one written definition (docs/REPORTS.md):
 * the cohort is the deals created in the period; with the open stages in
 * their order, a deal reached a stage when it was ever in that stage or a
 * later one, or was won (skipped stages count as passed; a lost deal reached
 * the furthest stage it was in); the conversion from a stage to the next is
 * reached(next) / reached(stage), and from the last open stage to won is
 * won / reached(last). `won` and `lost` count the cohort's deals that are
 * won or lost now (a reopened deal is open again).
 */
export async function readFunnel(db: Database, scope: ReportScope, period: ReportPeriod): Promise<Funnel> {
	const stages = await listReportStages(db, scope.pipelineId);
	const open = stages.filter((stage) => stage.kind === 'open');
	// Ever being in a won stage is "a later one" than every open stage.
	const order = [...open.map((stage) => ({ id: stage.id, position: open.indexOf(stage) + 1 })), ...stages.filter((stage) => stage.kind === 'won').map((stage) => ({ id: stage.id, position: open.length + 1 }))];
	const { start, end } = periodRange(period);
	const rows = await rowsOf<{ status: string; furthest: number; deals: number }>(
		db,
		sql`
			with stage_order as (
				select s.id, s.position from json_to_recordset(${JSON.stringify(order)}::json) as s(id text, position int)
			),
			cohort as (
				select d.id, d.status, d.stage_id from deals d
				where d.pipeline_id = ${scope.pipelineId} and d.deleted_at is null
					and d.created_at >= ${start.toISOString()} and d.created_at < ${end.toISOString()}
					and ${ownerCondition(scope)}
			),
			-- One join and one grouping over the cohort's history: each deal's furthest position.
			per_deal as (
				select c.status, greatest(coalesce(max(o.position), 0), coalesce(max(now_in.position), 0)) as furthest
				from cohort c
				left join stage_events e on e.deal_id = c.id
				left join stage_order o on o.id = e.to_stage_id
				left join stage_order now_in on now_in.id = c.stage_id
				group by c.id, c.status
			)
			select status, furthest::int as furthest, count(*)::int as deals from per_deal group by status, furthest
		`
	);
	let won = 0;
	let lost = 0;
	const reached = open.map(() => 0);
	for (const row of rows) {
		const deals = Number(row.deals);
		if (row.status === 'won') won += deals;
		if (row.status === 'lost') lost += deals;
		const furthest = row.status === 'won' ? open.length : Math.min(Number(row.furthest), open.length);
		for (let i = 0; i < furthest; i++) reached[i]! += deals;
	}
	return {
		stages: open.map((stage, i) => {
			const next = i + 1 < open.length ? reached[i + 1]! : won;
			return { stageId: stage.id, name: stage.name, reached: reached[i]!, conversion: reached[i]! === 0 ? 0 : next / reached[i]! };
		}),
		won,
		lost
	};
}
