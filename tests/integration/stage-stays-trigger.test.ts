import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterEach, expect, it } from 'vitest';
import type { Database } from '../../server/db/client.js';
import type { RunningServer } from '../../server/server.js';
import { describeEachDatabase } from '../support/databases.js';
import { signUpOwner, startTestServer } from '../support/sync-server.js';

// The stays trigger (migrations 0014 and 0022) keeps each stage entry's end
// (`left_at`) and each deal's reached stages as stage history is written.
// A statement touching a few deals takes the per-deal path, a bulk one (over
// 200 deals) the one-pass path: both must leave exactly what a computation
// over the whole table gives, whatever order entries arrive and leave in.
describeEachDatabase('stage stays kept by the trigger', (database) => {
	let server: RunningServer | null = null;
	afterEach(async () => {
		await server?.close();
		server = null;
	});

	const start = Date.parse('2032-03-01T00:00:00Z');
	const iso = (minutes: number) => new Date(start + minutes * 60_000).toISOString();

	async function insertDeals(db: Database, ids: string[], scope: { pipelineId: string; workspaceId: string; ownerId: string; stageId: string }, closedAt: Map<string, number>) {
		const rows = ids.map((id) => ({ id, status: closedAt.has(id) ? 'won' : 'open', closed_at: closedAt.has(id) ? iso(closedAt.get(id)!) : null }));
		await db.execute(sql`
			insert into deals (id, pipeline_id, workspace_id, title, value_minor, currency, stage_id, rank, owner_id, status, closed_at, source, created_at, updated_at, stage_entered_at)
			select r.id, ${scope.pipelineId}, ${scope.workspaceId}, 'Deal', 0, 'EUR', ${scope.stageId}, 'a0', ${scope.ownerId}, r.status, r.closed_at, 'manual', now(), now(), now()
			from json_to_recordset(${JSON.stringify(rows)}::json) as r(id text, status deal_status, closed_at timestamptz)`);
	}

	async function insertEntries(db: Database, pipelineId: string, entries: Array<{ dealId: string; stageId: string; minute: number }>) {
		if (entries.length === 0) return;
		const rows = entries.map((entry) => ({ deal_id: entry.dealId, to_stage_id: entry.stageId, at: iso(entry.minute) }));
		await db.execute(sql`
			insert into stage_events (pipeline_id, deal_id, to_stage_id, at)
			select ${pipelineId}, r.deal_id, r.to_stage_id, r.at from json_to_recordset(${JSON.stringify(rows)}::json) as r(deal_id text, to_stage_id text, at timestamptz)`);
	}

	/** The rows of a raw query (the Database type does not say their shape). */
	const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;

	/** Stored against recomputed values, for every entry and deal of the pipeline: rows that differ. */
	async function findDrift(db: Database, pipelineId: string) {
		const stays = await db.execute(sql`
			select e.id from stage_events e
			join (
				select s.id, coalesce(lead(s.at) over (partition by s.deal_id order by s.at, s.id),
					case when d.status <> 'open' and d.closed_at >= s.at then d.closed_at end) as ended
				from stage_events s left join deals d on d.id = s.deal_id and d.pipeline_id = s.pipeline_id
				where s.pipeline_id = ${pipelineId}
			) n on n.id = e.id
			where e.left_at is distinct from n.ended`);
		const reached = await db.execute(sql`
			select d.id from deals d
			where d.pipeline_id = ${pipelineId} and d.reached_stage_ids is distinct from coalesce(
				(select array_agg(distinct s.to_stage_id order by s.to_stage_id) from stage_events s where s.pipeline_id = d.pipeline_id and s.deal_id = d.id), '{}'::text[])`);
		// The stays histogram (0016, per statement since 0032) against the ended stays it counts.
		const histogram = await db.execute(sql`
			select 1 from (
				select pipeline_id, to_stage_id as stage_id, (at at time zone 'UTC')::date as day, stay_bucket, count(*)::int as stays,
					round(sum(extract(epoch from (left_at - at)))::numeric, 3) as seconds
				from stage_events where left_at is not null and pipeline_id = ${pipelineId} group by 1, 2, 3, 4
			) x full join (
				select pipeline_id, stage_id, day, stay_bucket, stays, round(seconds::numeric, 3) as seconds
				from stage_stay_buckets where stays <> 0 and pipeline_id = ${pipelineId}
			) y using (pipeline_id, stage_id, day, stay_bucket)
			where x.stays is distinct from y.stays or x.seconds is distinct from y.seconds`);
		return { stays: rowsOf(stays).length, reached: rowsOf(reached).length, histogram: rowsOf(histogram).length };
	}

	it('keeps every end and reached stage exact, for few deals and for a bulk statement', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const db = database().db;
		const stages = owner.pipeline.stages.filter((stage) => stage.kind === 'open').map((stage) => stage.id);
		const scope = { pipelineId: owner.pipeline.id, workspaceId: owner.workspaceId, ownerId: owner.userId, stageId: stages[0]! };
		let round = 0;

		const step = fc.oneof(
			// A projection's batch: a few entries of a few deals, at any time (earlier than the deal's last too).
			fc.record({ kind: fc.constant('add' as const), entries: fc.array(fc.record({ deal: fc.nat(5), stage: fc.nat(stages.length - 1), minute: fc.integer({ min: 0, max: 10_000 }) }), { minLength: 1, maxLength: 6 }) }),
			// A purge or trash: one deal's history, or one entry, removed.
			fc.record({ kind: fc.constant('remove' as const), deal: fc.nat(5), all: fc.boolean() })
		);
		await fc.assert(
			fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }), async (steps, closed) => {
				round += 1;
				const ids = Array.from({ length: 6 }, (_, i) => `r${round}-d${i}`);
				await insertDeals(db, ids, scope, new Map(ids.flatMap((id, i) => (closed[i] ? [[id, 5_000] as const] : []))));
				for (const entry of steps) {
					if (entry.kind === 'add') {
						await insertEntries(db, scope.pipelineId, entry.entries.map((e) => ({ dealId: ids[e.deal]!, stageId: stages[e.stage]!, minute: e.minute })));
					} else if (entry.all) {
						await db.execute(sql`delete from stage_events where pipeline_id = ${scope.pipelineId} and deal_id = ${ids[entry.deal]!}`);
					} else {
						await db.execute(sql`delete from stage_events where id = (select id from stage_events where pipeline_id = ${scope.pipelineId} and deal_id = ${ids[entry.deal]!} order by at limit 1)`);
					}
				}
				expect(await findDrift(db, scope.pipelineId)).toEqual({ stays: 0, reached: 0, histogram: 0 });
			}),
			{ numRuns: 25, seed: 20261206 }
		);

		// One statement over 300 deals (sample history, a bulk load) takes the one-pass path.
		const bulk = Array.from({ length: 300 }, (_, i) => `bulk-d${i}`);
		await insertDeals(db, bulk, scope, new Map(bulk.filter((_, i) => i % 7 === 0).map((id) => [id, 9_000])));
		await insertEntries(db, scope.pipelineId, bulk.flatMap((dealId, i) => [0, 1, 2].map((k) => ({ dealId, stageId: stages[(i + k) % stages.length]!, minute: 100 * k + (i % 50) }))));
		// Then a few of them moved again, earlier than their last entry: the per-deal path on the same deals.
		await insertEntries(db, scope.pipelineId, bulk.slice(0, 4).map((dealId) => ({ dealId, stageId: stages[0]!, minute: 150 })));
		const ended = await db.execute(sql`select count(*)::int as n from stage_events where pipeline_id = ${scope.pipelineId} and deal_id like 'bulk-%' and left_at is not null`);
		expect(Number(rowsOf<{ n: number }>(ended)[0]!.n)).toBeGreaterThan(600);
		expect(await findDrift(db, scope.pipelineId)).toEqual({ stays: 0, reached: 0, histogram: 0 });
	});
});
