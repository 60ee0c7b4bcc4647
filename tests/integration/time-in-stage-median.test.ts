import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterEach, expect, it } from 'vitest';
import { readReport } from '../../server/reports/scope.js';
import { readTimeInStage } from '../../server/reports/time-in-stage.js';
import type { RunningServer } from '../../server/server.js';
import { describeEachDatabase } from '../support/databases.js';
import { signUpOwner, startTestServer } from '../support/sync-server.js';

// Everyone's time in stage comes from a histogram of stays by length class
// and looks up only the middle class's stays (docs/REPORTS.md, "Speed"). Its
// count, average and median must equal what percentile_cont over every stay
// gives, for any spread of stay lengths, classes and period edges.
describeEachDatabase('time in stage from the stays histogram', (database) => {
	let server: RunningServer | null = null;
	afterEach(async () => {
		await server?.close();
		server = null;
	});

	it('equals count, average and median over every stay, for random histories', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const db = database().db;
		const pipelineId = owner.pipeline.id;
		const open = owner.pipeline.stages.filter((stage) => stage.kind === 'open').map((stage) => stage.id);
		let round = 0;
		let staysChecked = 0;
		// Gaps between a deal's entries from seconds to weeks, many deals entering the same few stages.
		const gap = fc.oneof(fc.integer({ min: 1, max: 120 }), fc.integer({ min: 60, max: 86_400 }), fc.integer({ min: 86_400, max: 40 * 86_400 }));
		const history = fc.array(fc.record({ stage: fc.integer({ min: 0, max: 2 }), gaps: fc.array(gap, { minLength: 1, maxLength: 6 }) }), { minLength: 5, maxLength: 25 });
		await fc.assert(
			fc.asyncProperty(history, fc.integer({ min: 0, max: 10 }), async (deals, fromDay) => {
				round += 1;
				await db.execute(sql`delete from stage_events where pipeline_id = ${pipelineId}`);
				const start = Date.parse('2031-01-01T00:00:00Z');
				for (const [d, deal] of deals.entries()) {
					let at = start + d * 3_600_000 * 7;
					for (const [k, seconds] of deal.gaps.entries()) {
						await db.execute(sql`insert into stage_events (pipeline_id, deal_id, to_stage_id, at)
							values (${pipelineId}, ${`r${round}-d${d}`}, ${open[(deal.stage + k) % 3]!}, ${new Date(at).toISOString()})`);
						at += seconds * 1000;
					}
				}
				const from = new Date(start + fromDay * 86_400_000).toISOString().slice(0, 10);
				const to = '2031-12-31';
				const expected = (
					(await db.execute(sql`
						select to_stage_id as stage_id, count(*)::int as stays, avg(s)::float8 as average, percentile_cont(0.5) within group (order by s)::float8 as median
						from (select to_stage_id, extract(epoch from left_at - at) / 86400 as s from stage_events
							where pipeline_id = ${pipelineId} and left_at is not null and at >= ${`${from}T00:00:00Z`}) x
						group by 1`)) as unknown as { rows: Array<{ stage_id: string; stays: number; average: number; median: number }> }
				).rows;
				const round1 = (days: number) => Math.round(days * 10) / 10;
				const want = Object.fromEntries(expected.map((row) => [row.stage_id, [Number(row.stays), round1(Number(row.average)), round1(Number(row.median))]]));
				const got = await readReport(db, (tx) => readTimeInStage(tx, { pipelineId, ownerId: null }, { from, to }));
				const have = Object.fromEntries(got.filter((stage) => stage.stays > 0).map((stage) => [stage.stageId, [stage.stays, stage.averageDays, stage.medianDays]]));
				expect(have).toEqual(want);
				staysChecked += expected.reduce((sum, row) => sum + Number(row.stays), 0);
			}),
			{ numRuns: 25, seed: 20261206 }
		);
		// The runs compared real figures, not empty reports.
		expect(staysChecked).toBeGreaterThan(200);
	});
});
