// Many idle connections held by one node, then a reconnect storm: every
// socket dropped at once and all reconnecting with their existing docs.
import { generatorFile } from '../lib/board-runs.js';
import { runScenarioMain } from '../lib/cli.js';
import { createBenchDatabase } from '../lib/database.js';
import { spawnGenerator } from '../lib/generator.js';
import { pinSelf, startReference, startVoronka, type PinnedProcess } from '../lib/processes.js';
import { formatCloses, formatNumber, formatRatio, formatRuns, median } from '../lib/stats.js';
import { watchUsage } from '../lib/usage.js';
import { createBenchWorkspace, createFilledBoards } from '../lib/workspace.js';
import type { TargetSpec } from '../load/board-load.js';

interface Run {
	openMs: number;
	idleRssMB: number;
	idleCpu: number;
	stormMs: number;
	stormRssPeakMB: number;
	stormCpu: number;
	mismatches: number;
	/** Clients that never synced: when opening, and after the storm. */
	failed: number;
	closes: Record<string, number>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

runScenarioMain(async (options) => {
	pinSelf();
	const config = options.quick ? { boards: 10, perBoard: 50, deals: 20, idleMs: 2000 } : { boards: 50, perBoard: 100, deals: 20, idleMs: 3000 };
	const total = config.boards * config.perBoard;
	const dbName = options.db === 'pglite' ? 'PGlite' : 'PostgreSQL';
	console.log(`connections on ${dbName}: seed ${options.seed}, ${options.runs} run(s), ${total} clients on ${config.boards} boards`);
	const generator = spawnGenerator(generatorFile);
	// Every client keeps a Y.Doc, so that after the storm it syncs with the state it had.
	const clients = Array.from({ length: config.perBoard }, (_, index) => ({ role: index === 0 ? ('mover' as const) : ('observer' as const), target: 0 }));

	const measure = async (target: TargetSpec, boards: string[], server: PinnedProcess, referenceDeals?: number): Promise<Run> => {
		console.log(`  ${target.kind}: opening ${total} clients`);
		const opened = await generator.call<{ openMs: number; clients: number; failed: number }>('open', { targets: [target], boards, clients, referenceDeals, seed: options.seed, inFlight: 200 });
		if (opened.clients !== total) throw new Error(`opened ${opened.clients} clients, expected ${total}`);
		const idle = watchUsage(server.pid);
		await sleep(config.idleMs);
		const idleUsage = idle.end();
		console.log(`  ${target.kind}: idle measured, storm`);
		const storm = watchUsage(server.pid, 50);
		const stormed = await generator.call<{ allSyncedMs: number; failed: number }>('storm', {});
		const stormUsage = storm.end();
		console.log(`  ${target.kind}: storm settled in ${formatNumber(stormed.allSyncedMs)} ms, verifying`);
		const verified = await generator.call<{ mismatchedDeals: number; freshMismatches: number; closes: Record<string, number> }>('verify', { fresh: true, targets: [target] });
		await generator.call('close');
		const run: Run = {
			openMs: opened.openMs,
			idleRssMB: idleUsage.rssEndMB,
			idleCpu: idleUsage.cpu,
			stormMs: stormed.allSyncedMs,
			stormRssPeakMB: stormUsage.rssPeakMB,
			stormCpu: stormUsage.cpu,
			mismatches: verified.mismatchedDeals + verified.freshMismatches,
			failed: opened.failed + stormed.failed,
			closes: verified.closes
		};
		console.log(`  ${target.kind}: opened in ${formatNumber(run.openMs)} ms, idle RSS ${formatNumber(run.idleRssMB)} MB, storm settled in ${formatNumber(run.stormMs)} ms`);
		return run;
	};

	const referenceRuns: Run[] = [];
	const voronkaRuns: Run[] = [];
	try {
		for (let run = 0; run < options.runs; run++) {
			const reference = await startReference();
			try {
				const rooms = Array.from({ length: config.boards }, (_, index) => `idle-${run}-${index}`);
				referenceRuns.push(await measure({ kind: 'reference', baseUrl: reference.url }, rooms, reference, config.deals));
			} finally {
				await reference.kill();
			}
			const database = await createBenchDatabase(options.db);
			const server = await startVoronka({ database: database.server });
			try {
				const workspace = await createBenchWorkspace(server.url);
				const boards = await createFilledBoards(workspace, config.boards, config.deals);
				voronkaRuns.push(await measure({ kind: 'voronka', baseUrl: server.url, token: workspace.token }, boards.map((board) => board.id), server));
			} catch (error) {
				console.error(`Voronka wrote:\n${server.output().slice(-3000)}`);
				throw error;
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
			formatRuns(read(runs, (run) => run.openMs / 1000)),
			formatRuns(read(runs, (run) => run.idleRssMB)),
			formatRuns(read(runs, (run) => run.idleCpu)),
			formatRuns(read(runs, (run) => run.stormMs / 1000)),
			formatRuns(read(runs, (run) => run.stormRssPeakMB)),
			formatRuns(read(runs, (run) => run.stormCpu)),
			reference ? `${ratio((run) => run.idleRssMB)} / ${ratio((run) => run.stormMs)}` : '',
			String(runs.reduce((sum, run) => sum + run.mismatches, 0)),
			String(runs.reduce((sum, run) => sum + run.failed, 0)),
			formatCloses(runs.map((run) => run.closes))
		];
	};
	return {
		scenario: 'connections',
		title: `${total.toLocaleString('en-US')} connections and a reconnect storm on ${dbName}`,
		method: [
			`${total.toLocaleString('en-US')} clients on ${config.boards} boards of ${config.deals} deals (${config.perBoard} per board), each a full Y.Doc client that completes the y-websocket handshake and then stays idle, all in one load-generator process pinned to core 1 (at most 200 handshakes in flight while opening). Idle: server RSS and CPU after ${config.idleMs / 1000} s with every client connected.`,
			`Reconnect storm: the generator terminates every socket at once (no close handshake, as a network drop) and reconnects all of them at once with their existing docs (sync step 1 with their state vector); the time runs until the last one has the server's sync step 2. Afterwards every client and a fresh one must show each deal as before. The generator's own work (a core for ${total.toLocaleString('en-US')} handshakes) is part of the time.`
		].join('\n\n'),
		tables: [
			{
				caption: `${total.toLocaleString('en-US')} idle clients on ${config.boards} boards, then all reconnecting at once, ${dbName}; median (min–max) of ${options.runs} run(s)`,
				columns: ['server', 'all connected in (s)', 'idle RSS MB', 'idle CPU', 'storm: all synced in (s)', 'storm: peak RSS MB', 'storm: CPU', 'Voronka ÷ reference (idle RSS / storm time)', 'deals wrong afterwards', 'clients that never synced (opening + storm)', 'sockets the server closed'],
				rows: [row('reference', referenceRuns), row(`Voronka on ${dbName}`, voronkaRuns, referenceRuns)]
			}
		]
	};
});
