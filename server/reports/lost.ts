import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { listReportStages, ownerCondition, periodRange, rowsOf, type ReportPeriod, type ReportScope } from './scope.js';

export interface LostReport {
	/** Deals lost in the period, by the stage they were in when lost (null: not known). */
	byStage: { stageId: string | null; name: string | null; deals: number }[];
	/** The same deals by lost reason (null: none given), most frequent first. */
	byReason: { reason: string | null; deals: number }[];
	/** Both at once: which reason at which stage. */
	byStageAndReason: { stageId: string | null; reason: string | null; deals: number }[];
	/** Their value, per currency (never summed across currencies). */
	value: { currency: string; valueMinor: number }[];
	total: number;
}

/**
 * Deals lost in the period (closed as lost then, and still lost), each at the
 * stage it left for the lost outcome: the `from` of its last entry into the
 * stage it is in now.
 */
export async function readLostDeals(db: Database, scope: ReportScope, period: ReportPeriod): Promise<LostReport> {
	const stages = await listReportStages(db, scope.pipelineId);
	const { start, end } = periodRange(period);
	const rows = await rowsOf<{ stage_id: string | null; reason: string | null; currency: string; deals: number; value_minor: string }>(
		db,
		sql`
			select (
					select e.from_stage_id from stage_events e
					where e.deal_id = d.id and e.to_stage_id = d.stage_id
					order by e.at desc, e.id desc limit 1
				) as stage_id,
				nullif(d.lost_reason, '') as reason, d.currency, count(*)::int as deals, sum(d.value_minor)::text as value_minor
			from deals d
			where d.pipeline_id = ${scope.pipelineId} and d.deleted_at is null and d.status = 'lost'
				and d.closed_at >= ${start.toISOString()} and d.closed_at < ${end.toISOString()}
				and ${ownerCondition(scope)}
			group by 1, 2, 3
		`
	);
	const add = <K>(map: Map<K, number>, key: K, count: number) => map.set(key, (map.get(key) ?? 0) + count);
	const byStage = new Map<string | null, number>();
	const byReason = new Map<string | null, number>();
	const byPair = new Map<string, { stageId: string | null; reason: string | null; deals: number }>();
	const value = new Map<string, number>();
	let total = 0;
	for (const row of rows) {
		const deals = Number(row.deals);
		total += deals;
		add(byStage, row.stage_id, deals);
		add(byReason, row.reason, deals);
		add(value, row.currency, Number(row.value_minor));
		const key = JSON.stringify([row.stage_id, row.reason]);
		const pair = byPair.get(key) ?? { stageId: row.stage_id, reason: row.reason, deals: 0 };
		pair.deals += deals;
		byPair.set(key, pair);
	}
	const stageOrder = (id: string | null) => (id === null ? stages.length : stages.findIndex((stage) => stage.id === id));
	return {
		byStage: [...byStage]
			.sort(([a], [b]) => stageOrder(a) - stageOrder(b))
			.map(([stageId, deals]) => ({ stageId, name: stages.find((stage) => stage.id === stageId)?.name ?? null, deals })),
		byReason: [...byReason].sort(([a, x], [b, y]) => y - x || String(a).localeCompare(String(b))).map(([reason, deals]) => ({ reason, deals })),
		byStageAndReason: [...byPair.values()].sort((a, b) => stageOrder(a.stageId) - stageOrder(b.stageId) || b.deals - a.deals || String(a.reason).localeCompare(String(b.reason))),
		value: [...value].sort(([a], [b]) => a.localeCompare(b)).map(([currency, valueMinor]) => ({ currency, valueMinor })),
		total
	};
}
