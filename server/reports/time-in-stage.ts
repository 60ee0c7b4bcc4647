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

const daySeconds = 86_400;

/** One stage's ended stays of one length class: how many, and their summed length. */
interface Bucket {
	stage_id: string;
	stay_bucket: number;
	stays: number;
	seconds: number;
}

/** A stage's exact figures: count, average and median in seconds. */
interface Figures {
	stays: number;
	averageSeconds: number;
	medianSeconds: number;
}

/**
 * How long deals stay in each open stage: every entry into the stage made in
 * the period, until the deal's next stage entry (a move, or closing). Stays
 * not ended yet are left out, so they do not pull the figures down.
 */
export async function readTimeInStage(db: Database, scope: ReportScope, period: ReportPeriod): Promise<StageTime[]> {
	const stages = (await listReportStages(db, scope.pipelineId)).filter((stage) => stage.kind === 'open');
	const figures = scope.ownerId === null ? await readEveryonesFigures(db, scope.pipelineId, period) : await readRepFigures(db, scope, period);
	return stages.map((stage) => {
		const found = figures.get(stage.id);
		return {
			stageId: stage.id,
			name: stage.name,
			stays: found?.stays ?? 0,
			averageDays: found ? roundDays(found.averageSeconds / daySeconds) : null,
			medianDays: found ? roundDays(found.medianSeconds / daySeconds) : null
		};
	});
}

/**
 * Everyone's figures from the stays histogram (stage_stay_buckets, kept by a
 * trigger): counts and sums per stage, day and length class add up to the
 * exact count and average without reading the stays. The median is exact
 * too: the histogram says which class holds the middle stay and at what
 * place, and only the stays of that one class are read, in order. Deals in
 * the trash are few; their stays are read and taken out.
 */
async function readEveryonesFigures(db: Database, pipelineId: string, period: ReportPeriod): Promise<Map<string, Figures>> {
	const { start, end } = periodRange(period);
	const inPeriod = sql`e.pipeline_id = ${pipelineId} and e.at >= ${start.toISOString()} and e.at < ${end.toISOString()} and e.left_at is not null`;
	const [counted, trashed] = await Promise.all([
		rowsOf<Bucket>(
			db,
			sql`select stage_id collate "C" as stage_id, stay_bucket, sum(stays)::int as stays, sum(seconds)::float8 as seconds
				from stage_stay_buckets where pipeline_id = ${pipelineId} and day >= ${period.from} and day <= ${period.to}
				group by 1, 2`
		),
		rowsOf<Bucket>(
			db,
			sql`select e.to_stage_id collate "C" as stage_id, e.stay_bucket, count(*)::int as stays, sum(extract(epoch from e.left_at - e.at))::float8 as seconds
				from deals d join stage_events e on e.deal_id = d.id and e.pipeline_id = d.pipeline_id
				where d.pipeline_id = ${pipelineId} and d.deleted_at is not null and ${inPeriod}
				group by 1, 2`
		)
	]);
	const histogram = subtractBuckets(counted, trashed);
	const notTrashed = sql`not exists (select 1 from deals d where d.id = e.deal_id and d.pipeline_id = ${pipelineId} and d.deleted_at is not null)`;
	const figures = new Map<string, Figures>();
	for (const [stageId, buckets] of histogram) {
		const stays = buckets.reduce((sum, bucket) => sum + bucket.stays, 0);
		if (stays === 0) continue;
		const seconds = buckets.reduce((sum, bucket) => sum + bucket.seconds, 0);
		// percentile_cont(0.5): the middle stay, or the mean of the two middle ones.
		const ranks = stays % 2 === 1 ? [(stays - 1) / 2] : [stays / 2 - 1, stays / 2];
		const middle: number[] = [];
		for (const { bucket, offset, count } of locateRanks(buckets, ranks)) {
			const rows = await rowsOf<{ seconds: number }>(
				db,
				sql`select extract(epoch from e.left_at - e.at)::float8 as seconds from stage_events e
					where ${inPeriod} and e.to_stage_id = ${stageId} and e.stay_bucket = ${bucket} and ${notTrashed}
					order by 1 offset ${offset} limit ${count}`
			);
			middle.push(...rows.map((row) => Number(row.seconds)));
		}
		figures.set(stageId, { stays, averageSeconds: seconds / stays, medianSeconds: middle.reduce((a, b) => a + b, 0) / middle.length });
	}
	return figures;
}

/** The histogram per stage, classes ascending, with the trashed deals' stays taken out. */
function subtractBuckets(counted: Bucket[], trashed: Bucket[]): Map<string, Bucket[]> {
	const key = (bucket: Bucket) => `${bucket.stage_id}\u0000${bucket.stay_bucket}`;
	const out = new Map(trashed.map((bucket) => [key(bucket), bucket]));
	const byStage = new Map<string, Bucket[]>();
	for (const row of counted) {
		const gone = out.get(key(row));
		const bucket = {
			stage_id: row.stage_id,
			stay_bucket: Number(row.stay_bucket),
			stays: Number(row.stays) - Number(gone?.stays ?? 0),
			seconds: Number(row.seconds) - Number(gone?.seconds ?? 0)
		};
		if (bucket.stays <= 0) continue;
		byStage.set(bucket.stage_id, [...(byStage.get(bucket.stage_id) ?? []), bucket]);
	}
	for (const buckets of byStage.values()) buckets.sort((a, b) => a.stay_bucket - b.stay_bucket);
	return byStage;
}

/** Where each of the (consecutive) ranks falls: its class and its place there, one read per class. */
function locateRanks(buckets: Bucket[], ranks: number[]): Array<{ bucket: number; offset: number; count: number }> {
	const reads: Array<{ bucket: number; offset: number; count: number }> = [];
	let before = 0;
	for (const bucket of buckets) {
		for (const rank of ranks) {
			if (rank < before || rank >= before + bucket.stays) continue;
			const last = reads.at(-1);
			if (last?.bucket === bucket.stay_bucket) last.count += 1;
			else reads.push({ bucket: bucket.stay_bucket, offset: rank - before, count: 1 });
		}
		before += bucket.stays;
	}
	return reads;
}

/**
 * One rep's figures: their deals' stays are a fraction of the pipeline's,
 * read from the period's index range and counted directly.
 */
async function readRepFigures(db: Database, scope: ReportScope, period: ReportPeriod): Promise<Map<string, Figures>> {
	const { start, end } = periodRange(period);
	const rows = await rowsOf<{ stage_id: string; stays: number; average: number; median: number }>(
		db,
		sql`
			-- Each entry keeps when it ended (\`left_at\`, the deal's next stage entry, kept by a trigger): the
			-- period's entries come from one index range with no neighbouring rows read. Grouping in the "C"
			-- collation sorts ids bytewise (they are only grouped, never shown in this order).
			select e.to_stage_id collate "C" as stage_id, count(*)::int as stays, avg(x.seconds)::float8 as average,
				percentile_cont(0.5) within group (order by x.seconds)::float8 as median
			from stage_events e
			cross join lateral (select extract(epoch from e.left_at - e.at) as seconds) x
			where e.pipeline_id = ${scope.pipelineId} and e.at >= ${start.toISOString()} and e.at < ${end.toISOString()}
				and e.left_at is not null
				and ${repDeals(scope)}
			group by 1
		`
	);
	return new Map(rows.map((row) => [row.stage_id, { stays: Number(row.stays), averageSeconds: Number(row.average), medianSeconds: Number(row.median) }]));
}

function repDeals(scope: ReportScope): SQL {
	return sql`e.deal_id in (select d.id from deals d where d.pipeline_id = ${scope.pipelineId} and d.deleted_at is null and ${ownerCondition(scope)})`;
}
