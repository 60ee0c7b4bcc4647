// One big board: 5,000 deals, one mover, one observer and a few passive
// sockets; how long a move takes to reach the second client, beside the
// reference server.
import { boardClients, generatorFile, measureRate, type RateResult } from '../lib/board-runs.js';
import { runScenarioMain } from '../lib/cli.js';
import { createBenchDatabase } from '../lib/database.js';
import { spawnGenerator } from '../lib/generator.js';
import { pinSelf, startReference, startVoronka } from '../lib/processes.js';
import { formatCloses, formatNumber, formatRatio, formatRuns, median } from '../lib/stats.js';
import { createBenchWorkspace, fillBoard } from '../lib/workspace.js';
import type { TargetSpec } from '../load/board-load.js';

interface Run {
	result: RateResult;
	openMs: number;
	mismatches: number;
	closes: Record<string, number>;
}

runScenarioMain(async (options) => {
	pinSelf();
	const config = options.quick
		? { deals: 500, clients: 5, rate: 20, warmupMs: 1000, durationMs: 5000 }
		: { deals: 5000, clients: 5, rate: 20, warmupMs: 2000, durationMs: 12_000 };
	const dbName = options.db === 'pglite' ? 'PGlite' : 'PostgreSQL';
	console.log(`one-board on ${dbName}: seed ${options.seed}, ${options.runs} run(s), ${config.deals} deals`);
	const generator = spawnGenerator(generatorFile);
	const measure = async (target: TargetSpec, board: string, serverPid: number, referenceDeals?: number): Promise<Run> => {
		const opened = await generator.call<{ openMs: number }>('open', { targets: [target], boards: [board], clients: boardClients(config.clients, 1), referenceDeals, seed: options.seed });
		const result = await measureRate(generator, serverPid, config.rate, config.warmupMs, config.durationMs);
		const verified = await generator.call<{ mismatchedDeals: number; freshMismatches: number; closes: Record<string, number> }>('verify', { fresh: true, targets: [target] });
		await generator.call('close');
		console.log(`  ${target.kind}: p50 ${formatNumber(result.stats.p50)} p99 ${formatNumber(result.stats.p99)} ms, ${result.stats.measured} moves, unseen ${result.stats.unseen}`);
		return { result, openMs: opened.openMs, mismatches: verified.mismatchedDeals + verified.freshMismatches, closes: verified.closes };
	};

	const referenceRuns: Run[] = [];
	const voronkaRuns: Run[] = [];
	try {
		for (let run = 0; run < options.runs; run++) {
			const reference = await startReference();
			try {
				referenceRuns.push(await measure({ kind: 'reference', baseUrl: reference.url }, `big-${run}`, reference.pid, config.deals));
			} finally {
				await reference.kill();
			}
			const database = await createBenchDatabase(options.db);
			const server = await startVoronka({ database: database.server });
			try {
				const workspace = await createBenchWorkspace(server.url);
				await fillBoard(workspace, workspace.firstBoard.id, config.deals);
				voronkaRuns.push(await measure({ kind: 'voronka', baseUrl: server.url, token: workspace.token }, workspace.firstBoard.id, server.pid));
			} finally {
				await server.kill();
				await database.drop();
			}
		}
	} finally {
		await generator.kill();
	}

	const row = (name: string, runs: Run[], reference?: Run[]) => {
		const read = (list: Run[], pick: (run: Run) => number) => list.map(pick);
		const ratio = (pick: (run: Run) => number) => (reference ? formatRatio(median(read(runs, pick)), median(read(reference, pick))) : '');
		return [
			name,
			formatRuns(read(runs, (run) => run.result.stats.p50)),
			formatRuns(read(runs, (run) => run.result.stats.p95)),
			formatRuns(read(runs, (run) => run.result.stats.p99)),
			formatRuns(read(runs, (run) => run.result.stats.measured)),
			reference ? `${ratio((run) => run.result.stats.p50)} / ${ratio((run) => run.result.stats.p99)}` : '',
			formatRuns(read(runs, (run) => run.result.server.cpu)),
			formatRuns(read(runs, (run) => run.result.server.rssPeakMB)),
			formatRuns(read(runs, (run) => run.openMs)),
			String(runs.reduce((sum, run) => sum + run.result.stats.unseen + run.mismatches, 0)),
			formatCloses(runs.map((run) => run.closes))
		];
	};
	return {
		scenario: 'one-board',
		title: `One board of ${config.deals.toLocaleString('en-US')} deals on ${dbName}`,
		method: [
			`One board of ${config.deals.toLocaleString('en-US')} open deals (Voronka: \`POST …/sample-data\`; reference: the same kind of deals written by the generator with the model's functions). On it one mover, one decoding observer and ${config.clients - 2} passive sockets, in a load generator pinned to core 1.`,
			`The mover moves a random deal to another open stage (\`moveDeal\`, seeded PRNG, seed ${options.seed}) ${config.rate} times a second: ${config.warmupMs / 1000} s warm-up, then ${config.durationMs / 1000} s measured (${config.rate * (config.durationMs / 1000)} moves). Latency: from \`moveDeal\` on the mover to the observer's Y.Doc showing the deal in its new stage.`
		].join('\n\n'),
		tables: [
			{
				caption: `A move reaching a second client on a ${config.deals.toLocaleString('en-US')}-deal board, ${dbName}; ms, median (min–max) of ${options.runs} run(s)`,
				columns: ['server', 'p50', 'p95', 'p99', 'moves measured', 'Voronka ÷ reference (p50 / p99)', 'server CPU', 'server RSS MB', 'clients opened in (ms)', 'moves lost or deals wrong', 'sockets the server closed'],
				rows: [row('reference', referenceRuns), row(`Voronka on ${dbName}`, voronkaRuns, referenceRuns)]
			}
		]
	};
});
