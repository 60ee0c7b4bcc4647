// Fan-out (issue 8's table): 20 boards × 25 clients, moves at rising rates,
// Voronka side by side with the reference @y/websocket-server.
import { boardClients, generatorFile, measureRate, type RateResult } from '../lib/board-runs.js';
import { runScenarioMain } from '../lib/cli.js';
import { createBenchDatabase } from '../lib/database.js';
import { spawnGenerator, type Generator } from '../lib/generator.js';
import { pinSelf, startReference, startVoronka } from '../lib/processes.js';
import { formatCloses, formatNumber, formatRatio, formatRuns, median } from '../lib/stats.js';
import type { Table } from '../lib/table.js';
import { createBenchWorkspace, createFilledBoards } from '../lib/workspace.js';
import type { TargetSpec } from '../load/board-load.js';

const kneeMs = 50;

interface Sweep {
	rates: RateResult[];
	knee: number | null;
	checks: { sent: number; unseen: number; refusals: number; mismatchedClients: number; freshMismatches: number; closes: Record<string, number> };
}

runScenarioMain(async (options) => {
	pinSelf();
	const config = options.quick
		? { boards: 4, clientsPerBoard: 10, observers: 2, deals: 50, rates: [100, 300], warmupMs: 1000, durationMs: 3000 }
		: { boards: 20, clientsPerBoard: 25, observers: 2, deals: 50, rates: [200, 500, 1000, 1500, 2000], warmupMs: 2000, durationMs: 4000 };
	if (options.rates) config.rates = options.rates;
	if (options.seconds) config.durationMs = options.seconds * 1000;
	const dbName = options.db === 'pglite' ? 'PGlite' : 'PostgreSQL';
	console.log(`fanout on ${dbName}: seed ${options.seed}, ${options.runs} run(s), ${config.boards} boards × ${config.clientsPerBoard} clients`);
	const generator = spawnGenerator(generatorFile);
	const clients = boardClients(config.clientsPerBoard, config.observers);

	/** Rising rates until p99 passed the knee twice. */
	const sweep = async (target: TargetSpec, boards: string[], serverPid: number, referenceDeals?: number): Promise<Sweep> => {
		await generator.call('open', { targets: [target], boards, clients, referenceDeals, seed: options.seed });
		const rates: RateResult[] = [];
		let over = 0;
		for (const rate of config.rates) {
			const result = await measureRate(generator, serverPid, rate, config.warmupMs, config.durationMs);
			rates.push(result);
			console.log(
				`  ${target.kind} ${rate}/s: p50 ${formatNumber(result.stats.p50)} p99 ${formatNumber(result.stats.p99)} ms, achieved ${formatNumber(result.achieved)}/s, server CPU ${formatNumber(result.server.cpu)} RSS ${formatNumber(result.server.rssPeakMB)} MB, unseen ${result.stats.unseen}`
			);
			if (result.stats.p99 > kneeMs) over += 1;
			if (over >= 2) break;
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
		const verified = await generator.call<{ mismatchedClients: number; freshMismatches: number; closes: Record<string, number> }>('verify', { fresh: true, targets: [target] });
		if (verified.mismatchedClients + verified.freshMismatches > 0) console.log(`  ${target.kind}: check failed`, verified);
		await generator.call('close');
		return {
			rates,
			knee: rates.find((result) => result.stats.p99 > kneeMs)?.rate ?? null,
			checks: {
				sent: rates.reduce((sum, result) => sum + result.stats.sent, 0),
				unseen: rates.reduce((sum, result) => sum + result.stats.unseen, 0),
				refusals: rates.at(-1)?.stats.refusals ?? 0,
				mismatchedClients: verified.mismatchedClients,
				freshMismatches: verified.freshMismatches,
				closes: verified.closes
			}
		};
	};

	const referenceRuns: Sweep[] = [];
	const voronkaRuns: Sweep[] = [];
	try {
		for (let run = 0; run < options.runs; run++) {
			if (!options.voronkaOnly) {
				const reference = await startReference();
				try {
					const rooms = Array.from({ length: config.boards }, (_, index) => `bench-${run}-${index}`);
					referenceRuns.push(await sweep({ kind: 'reference', baseUrl: reference.url }, rooms, reference.pid, config.deals));
				} finally {
					await reference.kill();
				}
			}
			const database = await createBenchDatabase(options.db);
			const server = await startVoronka({ database: database.server });
			try {
				const workspace = await createBenchWorkspace(server.url);
				const boards = await createFilledBoards(workspace, config.boards, config.deals);
				voronkaRuns.push(await sweep({ kind: 'voronka', baseUrl: server.url, token: workspace.token }, boards.map((board) => board.id), server.pid));
				if (process.env.BENCH_SERVER_OUTPUT) console.log(server.output());
			} finally {
				await server.kill();
				await database.drop();
			}
		}
	} finally {
		await generator.kill();
	}

	const at = (sweeps: Sweep[], rate: number) => sweeps.map((sweep) => sweep.rates.find((result) => result.rate === rate)).filter((result): result is RateResult => Boolean(result));
	const pick = (results: RateResult[], read: (result: RateResult) => number) => results.map(read);
	const rows = config.rates
		.filter((rate) => at(referenceRuns, rate).length > 0 || at(voronkaRuns, rate).length > 0)
		.map((rate) => {
			const reference = at(referenceRuns, rate);
			const voronka = at(voronkaRuns, rate);
			return [
				rate.toLocaleString('en-US'),
				formatRuns(pick(reference, (r) => r.stats.p50)),
				formatRuns(pick(reference, (r) => r.stats.p99)),
				formatRuns(pick(voronka, (r) => r.stats.p50)),
				formatRuns(pick(voronka, (r) => r.stats.p99)),
				`${formatRatio(median(pick(voronka, (r) => r.stats.p50)), median(pick(reference, (r) => r.stats.p50)))} / ${formatRatio(median(pick(voronka, (r) => r.stats.p99)), median(pick(reference, (r) => r.stats.p99)))}`,
				formatRuns(pick(voronka, (r) => r.server.cpu)),
				formatRuns(pick(voronka, (r) => r.server.rssPeakMB)),
				formatRuns(pick(reference, (r) => r.server.cpu)),
				formatRuns(pick(reference, (r) => r.server.rssPeakMB)),
				`${formatRuns(pick(voronka, (r) => r.achieved))} / ${formatRuns(pick(voronka, (r) => r.generator.cpu))}`
			];
		});
	const knee = (sweeps: Sweep[]) => {
		const knees = sweeps.map((sweep) => sweep.knee);
		const text = knees.map((value) => (value === null ? `none up to ${config.rates.at(-1)}` : value.toLocaleString('en-US'))).join(', ');
		return text || '–';
	};
	const checkRow = (name: string, sweeps: Sweep[]) => {
		const sum = (read: (checks: Sweep['checks']) => number) => String(sweeps.reduce((total, sweep) => total + read(sweep.checks), 0));
		return [name, sum((c) => c.sent), sum((c) => c.unseen), sum((c) => c.refusals), sum((c) => c.mismatchedClients), sum((c) => c.freshMismatches), formatCloses(sweeps.map((sweep) => sweep.checks.closes))];
	};
	const tables: Table[] = [
		{
			caption: `Fan-out on ${dbName}: ${config.boards} boards × ${config.clientsPerBoard} clients (${config.observers} decoding observers each), ${config.deals} deals per board; latency in ms, median (min–max) of ${options.runs} run(s)`,
			columns: [
				'moves/s',
				'reference p50',
				'reference p99',
				'Voronka p50',
				'Voronka p99',
				'Voronka ÷ reference (p50 / p99)',
				'Voronka CPU (of a core)',
				'Voronka RSS MB',
				'reference CPU',
				'reference RSS MB',
				'Voronka run: achieved moves/s / load generator CPU'
			],
			rows
		},
		{
			caption: `Fan-out on ${dbName}: knee (first rate with p99 over ${kneeMs} ms), per run`,
			columns: ['server', 'knee (moves/s)'],
			rows: [
				['reference', knee(referenceRuns)],
				[`Voronka on ${dbName}`, knee(voronkaRuns)]
			]
		},
		{
			caption: `Fan-out on ${dbName}: checks after each run (all must be 0 but moves sent)`,
			columns: ['server', 'moves sent', 'measured moves an observer never showed', 'updates refused', 'observers with a deal not in its final state', 'deals a fresh client reads differently', 'sockets the server closed (code reason: count)'],
			rows: [checkRow('reference', referenceRuns), checkRow(`Voronka on ${dbName}`, voronkaRuns)]
		}
	];
	return {
		scenario: 'fanout',
		title: `Fan-out on ${dbName}`,
		method: [
			`${config.boards} boards; on each, one mover, ${config.observers} decoding observers (full Y.Doc clients) and ${config.clientsPerBoard - 1 - config.observers} passive sockets (y-websocket handshake, then bytes only), all in one load-generator process pinned to core 1; the server alone on core 0.`,
			`Voronka's boards are made over the HTTP API (one sign-up, an API token, \`POST /api/workspaces/:id/pipelines\`, \`POST …/sample-data\` with ${config.deals} deals each); the reference rooms get the same kind of ${config.deals} deals written by the generator with the model's functions.`,
			`Moves (the model's \`moveDeal\`, a random open deal to another open stage, seeded PRNG, seed ${options.seed}) at each rate across all boards: ${config.warmupMs / 1000} s warm-up, then ${config.durationMs / 1000} s measured. Latency: from the mover's \`moveDeal\` to each observer's Y.Doc showing the deal in that stage at that rank (same process, same clock; a move overtaken by a later one of the same deal counts as shown when the later one is).`,
			`Rates rise until p99 passed ${kneeMs} ms twice. Server CPU and peak RSS from /proc over the measured window. After the sweep every observer, and a fresh client, must show each deal as the mover left it.`
		].join('\n\n'),
		tables
	};
});
