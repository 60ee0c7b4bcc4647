// Reports (issue 11): every report of `GET /api/pipelines/:id/reports/*` over
// one pipeline with 100,000 deals and 1,000,000 stage events, within 200 ms.
//
//   npx tsx tests/bench/scenarios/reports.ts [--db pglite|postgres] [--runs N] [--json OUT.json] [--quick] [--seed N]
//
// The server signs up the owner, then stops while the history is written
// straight into its database with `insert … select generate_series` (fixture
// setup, not what is measured): deals created every ten minutes over about
// two years, ten stage entries each, 9 to 87 hours apart (moves forward and
// back, a tenth won, a fifth lost with a reason), a quarter of them in RUB;
// the triggers of migrations 0014 and 0016 fill the reports' stored values
// (`left_at`, `reached_stage_ids`, `ever_won`, the stays histogram) as these
// rows go in, as for the projection's writes. It starts again and
// each report is asked over HTTP on loopback, for the last 90 days and for
// a whole year, several times; the first answer of each warms the caches.
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../../../server/db/client.js';
import { runScenarioMain } from '../lib/cli.js';
import { createBenchDatabase } from '../lib/database.js';
import { describeMachine, formatMachine } from '../lib/machine.js';
import { pinSelf, startVoronka, type PinnedProcess, type ServerDatabase } from '../lib/processes.js';
import { formatNumber, percentile } from '../lib/stats.js';
import type { Table } from '../lib/table.js';
import { createBenchWorkspace, type BenchWorkspace } from '../lib/workspace.js';

const targetMs = 200;

async function seedHistory(target: ServerDatabase, workspace: BenchWorkspace, deals: number): Promise<{ seconds: number; events: number }> {
	const db = openDatabase(target.kind === 'pglite' ? { kind: 'pglite', dataDir: target.dataDir } : { kind: 'postgres', url: target.url });
	const board = workspace.firstBoard;
	const open = board.stages.filter((stage) => stage.kind === 'open').map((stage) => stage.id);
	const won = board.stages.find((stage) => stage.kind === 'won')!.id;
	const lost = board.stages.find((stage) => stage.kind === 'lost')!.id;
	const openArray = sql.raw(`array[${open.map((id) => `'${id}'`).join(',')}]`);
	const started = performance.now();
	try {
		await db.db.execute(sql`
			insert into deals (id, pipeline_id, workspace_id, title, value_minor, currency, stage_id, rank, owner_id, source, status, lost_reason,
				expected_close_date, created_at, updated_at, closed_at, stage_entered_at)
			select 'bench-' || g, ${board.id}, ${workspace.workspaceId}, 'Bench deal ' || g, 10000 + (g % 500) * 1000,
				case when g % 4 = 0 then 'RUB' else 'EUR' end,
				case when g % 10 = 0 then ${won} when g % 10 in (1, 2) then ${lost} else (${openArray})[1 + g % 5] end,
				'a0', ${workspace.userId}, 'manual',
				(case when g % 10 = 0 then 'won' when g % 10 in (1, 2) then 'lost' else 'open' end)::deal_status,
				case when g % 10 in (1, 2) then (array['No budget', 'Chose a competitor', 'No response'])[1 + g % 3] end,
				(c.at + interval '60 days')::date, c.at, c.at + interval '20 days',
				case when g % 10 in (0, 1, 2) then c.at + interval '20 days' end, c.at + interval '20 days'
			from generate_series(1, ${deals}) g
			cross join lateral (select timestamptz '2024-12-01T00:00:00Z' + g * interval '10 minutes' as at) c
		`);
		// A million stays ending in one statement would leave the stays histogram (migration 0016) dozens of times
		// its size in dead row versions, which stays ending over months never do: it is filled afterwards the way
		// the migration fills it for an existing installation, from the stays, with its row trigger off meanwhile.
		await db.db.execute(sql`alter table stage_events disable trigger stage_events_stays_counted`);
		await db.db.execute(sql`
			insert into stage_events (pipeline_id, deal_id, from_stage_id, to_stage_id, user_id, at)
			select ${board.id}, 'bench-' || g,
				case when k = 0 then null else (${openArray})[1 + (k - 1 + g) % 5] end,
				case when k = 9 and g % 10 = 0 then ${won} when k = 9 and g % 10 in (1, 2) then ${lost} else (${openArray})[1 + (k + g) % 5] end,
				${workspace.userId},
				-- Two days apart plus 0-39 hours scattered by deal and entry: stays last 9 to 87 hours, spread out.
				timestamptz '2024-12-01T00:00:00Z' + g * interval '10 minutes' + k * interval '2 days' + (abs(hashtext(g || ':' || k)) % 2341) * interval '1 minute'
			from generate_series(1, ${deals}) g cross join generate_series(0, 9) k
		`);
		await db.db.execute(sql`alter table stage_events enable trigger stage_events_stays_counted`);
		await db.db.execute(sql`
			insert into stage_stay_buckets (pipeline_id, stage_id, day, stay_bucket, stays, seconds)
			select pipeline_id, to_stage_id, (at at time zone 'UTC')::date, stay_bucket, count(*)::int, sum(extract(epoch from (left_at - at)))
			from stage_events where pipeline_id = ${board.id} and left_at is not null group by 1, 2, 3, 4
		`);
		// As autovacuum would after a million inserts: statistics, and the visibility map that lets index-only scans skip the heap.
		await db.db.execute(sql`vacuum analyze deals, stage_events, stage_stay_buckets`);
	} finally {
		await db.close();
	}
	return { seconds: (performance.now() - started) / 1000, events: deals * 10 };
}

async function timeGet(workspace: BenchWorkspace, path: string): Promise<number> {
	const started = performance.now();
	const response = await fetch(workspace.baseUrl + path, { headers: { authorization: `Bearer ${workspace.token}` } });
	const text = await response.text();
	const ms = performance.now() - started;
	if (!response.ok) throw new Error(`GET ${path} answered ${response.status}: ${text.slice(0, 300)}`);
	return ms;
}

runScenarioMain(async (options) => {
	pinSelf();
	const deals = options.quick ? 10_000 : 100_000;
	const repeats = options.quick ? 3 : 10 * options.runs;
	const dbName = options.db === 'pglite' ? 'embedded PGlite' : 'PostgreSQL';
	console.log(`reports on ${dbName}: ${deals.toLocaleString('en')} deals, ${(deals * 10).toLocaleString('en')} stage events`);
	const database = await createBenchDatabase(options.db);
	let server: PinnedProcess | null = await startVoronka({ database: database.server });
	const rows: string[][] = [];
	let seeded = { seconds: 0, events: 0 };
	try {
		const workspace = await createBenchWorkspace(server.url);
		// PGlite is one process's: the server lets go of it while the rows are written.
		await server.kill('SIGTERM');
		server = null;
		seeded = await seedHistory(database.server, workspace, deals);
		console.log(`  history written in ${seeded.seconds.toFixed(1)} s`);
		server = await startVoronka({ database: database.server });
		const live = { ...workspace, baseUrl: server.url };
		const base = `/api/pipelines/${workspace.firstBoard.id}/reports`;
		// The data ends about 2026-10-25 at 100,000 deals; the periods are its last 90 days and its last year.
		const end = new Date(Date.parse('2024-12-01T00:00:00Z') + deals * 600_000).toISOString().slice(0, 10);
		const back = (days: number) => new Date(Date.parse(end) - days * 86_400_000).toISOString().slice(0, 10);
		const periods = [
			['90 days', `from=${back(89)}&to=${end}`],
			['1 year', `from=${back(364)}&to=${end}`]
		] as const;
		const reports = ['funnel', 'lost', 'time-in-stage', 'summary'];
		const cases: Array<[string, string, string]> = [];
		for (const [label, query] of periods) for (const name of reports) cases.push([name, label, `${base}/${name}?${query}`]);
		cases.push(['forecast', 'all open deals', `${base}/forecast`]);
		cases.push(['results', 'one month', `${base}/results?month=${end.slice(0, 7)}`]);
		for (const [name, period, path] of cases) {
			await timeGet(live, path);
			const ms: number[] = [];
			for (let i = 0; i < repeats; i++) ms.push(await timeGet(live, path));
			const p50 = percentile(ms, 50);
			const p95 = percentile(ms, 95);
			console.log(`  ${name} (${period}): p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`);
			rows.push([name, period, formatNumber(p50), formatNumber(p95), formatNumber(Math.max(...ms)), p95 <= targetMs ? 'yes' : 'no']);
		}
	} finally {
		await server?.kill('SIGTERM');
		await database.drop();
	}
	const table: Table = {
		caption: `Reports over one pipeline of ${deals.toLocaleString('en')} deals and ${seeded.events.toLocaleString('en')} stage events (${dbName}), ms over HTTP`,
		columns: ['Report', 'Period', 'p50 ms', 'p95 ms', 'max ms', `p95 ≤ ${targetMs} ms`],
		rows
	};
	return {
		scenario: 'reports',
		title: `Reports on ${dbName}`,
		method: `${formatMachine(describeMachine())}. History written with \`insert … select generate_series\` in ${seeded.seconds.toFixed(0)} s (setup, not measured); each report asked ${repeats} times after one warm-up request, one at a time, with an API token.`,
		tables: [table]
	};
});
