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
	// Positions are worked out here from today's stage order, so a reorder changes no stored value: open
	// stages 1..n, and ever being in a won stage is "a later one" than every open stage.
	const position = new Map<string, number>([...open.map((stage, i) => [stage.id, i + 1] as const), ...stages.filter((stage) => stage.kind === 'won').map((stage) => [stage.id, open.length + 1] as const)]);
	const { start, end } = periodRange(period);
	// Each cohort deal's row keeps every stage its history entered (`reached_stage_ids`) and whether it was
	// ever won (`ever_won`; closing writes no stage entry), both kept by triggers: no history is read, and the cohort folds into a few groups of identical stage sets.
	const rows = await rowsOf<{ status: string; ever_won: boolean; stage_id: string; reached: string[]; deals: number }>(
		db,
		sql`
			select d.status, d.ever_won, d.stage_id, d.reached_stage_ids as reached, count(*)::int as deals from deals d
			where d.pipeline_id = ${scope.pipelineId} and d.deleted_at is null
				and d.created_at >= ${start.toISOString()} and d.created_at < ${end.toISOString()}
				and ${ownerCondition(scope)}
			group by d.status, d.ever_won, d.stage_id, d.reached_stage_ids
		`
	);
	let won = 0;
	let lost = 0;
	const reached = open.map(() => 0);
	for (const row of rows) {
		const deals = Number(row.deals);
		if (row.status === 'won') won += deals;
		if (row.status === 'lost') lost += deals;
		let furthest = position.get(row.stage_id) ?? 0;
		for (const stageId of row.reached) furthest = Math.max(furthest, position.get(stageId) ?? 0);
		if (row.status === 'won' || row.ever_won) furthest = open.length;
		furthest = Math.min(furthest, open.length);
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
