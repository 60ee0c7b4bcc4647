import { sql } from 'drizzle-orm';
import { afterEach, expect, it } from 'vitest';
import { updateStage } from '../../src/lib/model/commands.js';
import { listStages } from '../../src/lib/model/index.js';
import { rankBetween } from '../../src/lib/model/ranks.js';
import type { RunningServer } from '../../server/server.js';
import { describeEachDatabase } from '../support/databases.js';
import { callApi, connectBoard, eventually, signUpOwner, startTestServer } from '../support/sync-server.js';

// The funnel and time in stage read two stored values instead of each deal's
// history (docs/REPORTS.md, "Speed"): a deal's `reached_stage_ids` and each
// stage entry's `left_at`. They must follow moves, moves back, closing and
// reopening, and the funnel must stay exact when stages are reordered.
describeEachDatabase('stored values behind the funnel and time in stage', (database) => {
	let server: RunningServer | null = null;
	afterEach(async () => {
		await server?.close();
		server = null;
	});

	it('follows moves, moves back, closing and reopening, and keeps the funnel exact after a stage reorder', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const api = (method: string, path: string, json?: unknown) => callApi(server!.url, method, path, { token: owner.token, json });
		const open = owner.pipeline.stages.filter((stage) => stage.kind === 'open').map((stage) => stage.id);
		expect(open.length).toBeGreaterThanOrEqual(4);
		const task = { type: 'call', title: 'Call back', dueAt: '2030-01-01T10:00:00Z' };
		const newDeal = async (title: string) =>
			(await api('POST', `/api/pipelines/${owner.pipeline.id}/deals`, { title, valueMinor: 0, currency: 'EUR', stageId: open[0], firstTask: task })).body.deal.id as string;
		const move = async (dealId: string, stageId: string) => expect((await api('POST', `/api/deals/${dealId}/move`, { stageId })).status).toBe(200);

		// A: forward two stages, then back one. B: on, won, reopened, then moved back. C: lost from the first stage.
		// Closing and reopening change the deal's status, not its stage: they write no stage entry.
		const db = database().db;
		const history = async (dealId: string) =>
			((await db.execute(sql`select to_stage_id, at, left_at from stage_events where deal_id = ${dealId} order by at, id`)) as unknown as {
				rows: Array<{ to_stage_id: string; at: Date | string; left_at: Date | string | null }>;
			}).rows;
		const a = await newDeal('Forward and back');
		await move(a, open[2]!);
		await move(a, open[1]!);
		const b = await newDeal('Won and reopened');
		await move(b, open[1]!);
		expect((await api('POST', `/api/deals/${b}/close`, { outcome: 'won' })).status).toBe(200);
		// Closing ends the stay it closed in; reopening puts the deal back in that stage, so the stay goes on.
		await eventually(async () => (await history(b)).length === 2 && (await history(b))[1]!.left_at !== null, 'closing ends the stay');
		expect((await api('POST', `/api/deals/${b}/reopen`, { task })).status).toBe(200);
		await eventually(async () => (await history(b))[1]!.left_at === null, 'reopening resumes the stay');
		await move(b, open[0]!);
		const c = await newDeal('Lost early');
		expect((await api('POST', `/api/deals/${c}/close`, { outcome: 'lost', reason: 'No budget' })).status).toBe(200);

		const dealRow = async (dealId: string) =>
			((await db.execute(sql`select reached_stage_ids, ever_won, closed_at from deals where id = ${dealId}`)) as unknown as {
				rows: Array<{ reached_stage_ids: string[]; ever_won: boolean; closed_at: Date | string | null }>;
			}).rows[0]!;
		const reachedOf = async (dealId: string) => (await dealRow(dealId)).reached_stage_ids;
		const time = (value: Date | string | null) => (value === null ? null : new Date(value).getTime());
		// The projection writes the rows shortly after the board changes.
		
		await eventually(async () => (await history(a)).length === 3 && (await history(b)).length === 3 && (await history(c)).length === 1, 'stage history projected');

		for (const dealId of [a, b, c]) {
			const rows = await history(dealId);
			// Each stay ends exactly where the deal's next entry starts; the last one when the deal closed, if it is closed.
			const closedAt = time((await dealRow(dealId)).closed_at);
			rows.forEach((row, i) => {
				const next = rows[i + 1];
				expect(time(row.left_at)).toBe(next ? time(next.at) : closedAt);
			});
			expect([...(await reachedOf(dealId))].sort()).toEqual([...new Set(rows.map((row) => row.to_stage_id))].sort());
		}
		expect(await reachedOf(a)).toEqual(expect.arrayContaining([open[0], open[1], open[2]]));
		expect([...(await reachedOf(b))].sort()).toEqual([open[0], open[1]].sort());
		expect((await dealRow(b)).ever_won).toBe(true);
		expect((await dealRow(c)).ever_won).toBe(false);
		expect(time((await dealRow(c)).closed_at)).not.toBeNull();

		const today = new Date().toISOString().slice(0, 10);
		const funnel = async () => (await api('GET', `/api/pipelines/${owner.pipeline.id}/reports/funnel?from=${today}&to=${today}`)).body;
		const reachedPerStage = (body: { stages: Array<{ stageId: string; reached: number }> }) => Object.fromEntries(body.stages.map((stage) => [stage.stageId, stage.reached]));
		// A reached the first three stages (moved back from the third), B every stage (it was won once), C the first.
		const before = await funnel();
		expect(before).toMatchObject({ won: 0, lost: 1 });
		expect(reachedPerStage(before)).toEqual(Object.fromEntries(open.map((id, i) => [id, i === 0 ? 3 : i <= 2 ? 2 : 1])));

		// Time in stage counts only ended stays: A's first two, B's first two (the one it was won and reopened in ended
		// when it moved back) and C's, ended by closing.
		const staysPerStage = async () =>
			Object.fromEntries(
				((await api('GET', `/api/pipelines/${owner.pipeline.id}/reports/time-in-stage?from=${today}&to=${today}`)).body.stages as Array<{ stageId: string; stays: number }>).map(
					(row) => [row.stageId, row.stays]
				)
			);
		const expected = Object.fromEntries(open.map((id, i) => [id, [3, 1, 1][i] ?? 0]));
		// C's stay ends when its closing is projected (the deals row's trigger), a moment after its history.
		await eventually(async () => JSON.stringify(await staysPerStage()) === JSON.stringify(expected), 'closing C ends its stay');
		expect(await staysPerStage()).toEqual(expected);
		// The stays histogram those figures come from equals what the stays themselves add up to, after every
		// move, close and reopen (the trigger took each stay out of its old bucket when it changed).
		const histogramDrift = async () =>
			((await db.execute(sql`
				select count(*)::int as drift from (
					select pipeline_id, to_stage_id as stage_id, (at at time zone 'UTC')::date as day, stay_bucket, count(*)::int as stays,
						round(sum(extract(epoch from left_at - at))::numeric, 3) as seconds
					from stage_events where left_at is not null and pipeline_id = ${owner.pipeline.id} group by 1, 2, 3, 4
				) x full join (
					select pipeline_id, stage_id, day, stay_bucket, stays, round(seconds::numeric, 3) as seconds
					from stage_stay_buckets where stays <> 0 and pipeline_id = ${owner.pipeline.id}
				) y using (pipeline_id, stage_id, day, stay_bucket)
				where x.stays is distinct from y.stays or x.seconds is distinct from y.seconds
			`)) as unknown as { rows: Array<{ drift: number }> }).rows[0]!.drift;
		expect(await histogramDrift()).toBe(0);

		// Move the third open stage to the end of the open ones: A's furthest stage is now the last open one.
		const board = connectBoard(server.url, owner.pipeline.id, owner.token);
		try {
			await board.synced();
			const stages = listStages(board.doc);
			const lastOpen = stages.filter((stage) => stage.kind === 'open').at(-1)!;
			const firstClosed = stages.find((stage) => stage.kind !== 'open')!;
			updateStage(board.doc, open[2]!, { rank: rankBetween(lastOpen.rank, firstClosed.rank) });
			const reordered = [...open.slice(0, 2), ...open.slice(3), open[2]!];
			await eventually(async () => (await funnel()).stages.map((stage: { stageId: string }) => stage.stageId).join() === reordered.join(), 'stage order projected');
			const after = await funnel();
			expect(reachedPerStage(after)).toEqual(Object.fromEntries(reordered.map((id, i) => [id, i === 0 ? 3 : 2])));
		} finally {
			board.destroy();
		}
		// A deal in the trash leaves everyone's figures (its stays stay in the histogram and are taken out).
		expect((await api('DELETE', `/api/deals/${c}`)).status).toBe(200);
		expect(await staysPerStage()).toEqual(Object.fromEntries(open.map((id, i) => [id, [2, 1, 1][i] ?? 0])));
		expect(await histogramDrift()).toBe(0);
	});
});
