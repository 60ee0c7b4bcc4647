// Scenario "api" (issue 8, target 6): creating 5,000 deals with their first
// tasks in one API call, and listing 5,000 deals with their next tasks.
//
//   npx tsx tests/bench/scenarios/api.ts [--db pglite|postgres] [--runs N] [--json OUT.json] [--quick]
//
// Each run starts a fresh database and an in-process server (as the earlier
// tests/bench/run.ts did), signs up an owner with an API token and times the
// calls over real HTTP on loopback, the JSON parsed by the client included.
// Run 0 is a warm-up and is not reported. Small local helpers stand in for
// tests/bench/lib until that lands on main.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { openTestDatabase, type DatabaseKind } from '../../support/databases.js';
import { callApi, signUpOwner, startTestServer } from '../../support/sync-server.js';

interface Table {
	caption: string;
	columns: string[];
	rows: string[][];
}

const { values } = parseArgs({
	options: {
		db: { type: 'string', default: 'pglite' },
		runs: { type: 'string' },
		json: { type: 'string' },
		quick: { type: 'boolean', default: false },
		seed: { type: 'string' }
	},
	allowPositionals: true
});
if (values.db !== 'pglite' && values.db !== 'postgres') throw new Error(`--db must be pglite or postgres, not ${values.db}`);
const kind: DatabaseKind = values.db;
const quick = values.quick ?? false;
const runs = Number(values.runs ?? (quick ? 1 : 3));
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
const dealCount = quick ? 500 : 5000;
const listCalls = quick ? 3 : 7;
if (kind === 'postgres') {
	process.env.TEST_DATABASE_URL ??= process.env.BENCH_DATABASE_URL;
	if (!process.env.TEST_DATABASE_URL) throw new Error('--db postgres needs BENCH_DATABASE_URL or TEST_DATABASE_URL');
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function formatMs(value: number): string {
	return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(value < 10 ? 1 : 0)} ms`;
}

/** Median with min–max of the runs, the contract's way of showing a figure. */
function formatRuns(values: number[]): string {
	if (values.length === 1) return formatMs(values[0]!);
	return `${formatMs(median(values))} (${formatMs(Math.min(...values))}–${formatMs(Math.max(...values))})`;
}

/** Deterministic deals spread over the open stages, as an import from another CRM would send them. */
function batchOf(count: number, stageIds: string[], seed: number) {
	let state = seed >>> 0;
	const random = () => {
		state = (state * 1664525 + 1013904223) >>> 0;
		return state / 2 ** 32;
	};
	const types = ['call', 'meeting', 'email', 'todo'] as const;
	return Array.from({ length: count }, (_, i) => ({
		title: `Imported deal ${i + 1}: ${['annual licence', 'pilot project', 'renewal', '40 seats'][Math.floor(random() * 4)]}`,
		valueMinor: Math.round(random() * 10_000) * 100,
		currency: random() < 0.7 ? 'EUR' : 'USD',
		stageId: stageIds[Math.floor(random() * stageIds.length)],
		firstTask: {
			type: types[Math.floor(random() * types.length)]!,
			title: 'Call back',
			dueAt: new Date(Date.UTC(2030, 0, 1 + Math.floor(random() * 30), 9)).toISOString()
		}
	}));
}

async function measureRun(seed: number): Promise<{ createMs: number; listMs: number; bytes: number }> {
	const database = await openTestDatabase(kind);
	const server = await startTestServer(database, 60_000);
	try {
		const owner = await signUpOwner(server.url);
		const pipelineId = owner.pipeline.id;
		const open = owner.pipeline.stages.filter((stage) => stage.kind === 'open').map((stage) => stage.id);
		const deals = batchOf(dealCount, open, seed);

		let start = performance.now();
		const created = await callApi(server.url, 'POST', `/api/pipelines/${pipelineId}/deals/batch`, { token: owner.token, json: { deals } });
		const createMs = performance.now() - start;
		if (created.status !== 201) throw new Error(`batch create answered ${created.status}: ${JSON.stringify(created.body).slice(0, 300)}`);

		const times: number[] = [];
		let bytes = 0;
		for (let i = 0; i < listCalls; i++) {
			start = performance.now();
			const response = await fetch(`${server.url}/api/pipelines/${pipelineId}/deals?limit=${dealCount}`, { headers: { authorization: `Bearer ${owner.token}` } });
			const text = await response.text();
			const body = JSON.parse(text) as { deals: unknown[]; total: number };
			times.push(performance.now() - start);
			bytes = text.length;
			// The API answers after the projection: every deal is listed at once.
			if (body.deals.length !== dealCount || body.total !== dealCount) throw new Error(`listed ${body.deals.length} of ${body.total}, expected ${dealCount}`);
		}
		// The first call warms the route and the database's caches.
		return { createMs, listMs: median(times.slice(1)), bytes };
	} finally {
		await server.close();
		await database.close();
	}
}

const seed = Number(values.seed ?? 42);
const measured: Array<{ createMs: number; listMs: number; bytes: number }> = [];
for (let run = 0; run <= runs; run++) {
	const result = await measureRun(seed + run);
	if (run > 0) measured.push(result);
	console.error(`run ${run}${run === 0 ? ' (warm-up)' : ''}: create ${formatMs(result.createMs)}, list ${formatMs(result.listMs)}`);
}

const database = kind === 'pglite' ? 'embedded PGlite' : 'PostgreSQL';
const tables: Table[] = [
	{
		caption: `API on ${database}: ${dealCount.toLocaleString('en')} deals (median and min–max of ${runs} run${runs === 1 ? '' : 's'} after a warm-up)`,
		columns: ['Measure', 'Result', 'Target'],
		rows: [
			[
				`Create ${dealCount.toLocaleString('en')} deals + first tasks in one call (\`POST /api/pipelines/:id/deals/batch\`: checked, on disk, broadcast, projected)`,
				formatRuns(measured.map((run) => run.createMs)),
				'under 2 s'
			],
			[
				`List ${dealCount.toLocaleString('en')} deals with their next task (\`GET /api/pipelines/:id/deals?limit=${dealCount}\`, median of ${listCalls - 1} calls per run)`,
				formatRuns(measured.map((run) => run.listMs)),
				'under 100 ms'
			],
			['Size of the list answer', `${(median(measured.map((run) => run.bytes)) / 1024).toFixed(0)} KiB`, '']
		]
	}
];
const result = {
	scenario: 'api',
	title: `API: bulk create and list (${database})`,
	method:
		'A fresh database and an in-process server per run (run 0 is a warm-up); an owner signs up and gets an API token. ' +
		`One \`POST /api/pipelines/:id/deals/batch\` with ${dealCount.toLocaleString('en')} deals spread over the open stages, ` +
		'timed until the answer (the server answers once the change is checked, appended to the update log, broadcast and in the projection). ' +
		`Then ${listCalls} calls of \`GET /api/pipelines/:id/deals?limit=${dealCount}\`, the first not counted, ` +
		'each timed until the client has parsed the JSON. Client and server share the process and the machine: ' +
		`${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, Node ${process.version}.`,
	tables
};

console.log(`\n## ${result.title}\n`);
for (const table of tables) {
	console.log(`${table.caption}\n`);
	console.log(`| ${table.columns.join(' | ')} |\n| ${table.columns.map(() => '---').join(' | ')} |`);
	for (const row of table.rows) console.log(`| ${row.join(' | ')} |`);
	console.log('');
}
if (values.json) writeFileSync(values.json, JSON.stringify(result, null, 2));
process.exit(0);
