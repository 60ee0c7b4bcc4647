// Several nodes (REDIS_URL) on one PostgreSQL database: the latency of a
// move from a client on one node to a client on another, then three nodes
// behind a round-robin proxy with one killed mid-run.
import { boardClients, generatorFile, measureRate, type RateResult } from '../lib/board-runs.js';
import { runScenarioMain } from '../lib/cli.js';
import { createBenchDatabase } from '../lib/database.js';
import { spawnGenerator } from '../lib/generator.js';
import { freePort, pinSelf, startVoronka, type PinnedProcess } from '../lib/processes.js';
import { startRoundRobinProxy } from '../lib/proxy.js';
import { formatCloses, formatNumber, formatRuns } from '../lib/stats.js';
import { createBenchWorkspace, createFilledBoards } from '../lib/workspace.js';
import type { MoveStats } from '../load/board-load.js';
import { Redis } from 'ioredis';

async function forgetSignUps(redisUrl: string): Promise<void> {
	const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
	try {
		await redis.del('voronka:limit:signup-address::127.0.0.1');
	} finally {
		redis.disconnect();
	}
}

const redisUrl = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Run {
	crossNode: RateResult;
	crossMismatches: number;
	/** Node 2's link to Redis cut while moves ran on node 1. */
	cut: MoveStats;
	failover: {
		clients: number;
		onKilledNode: number;
		reconnectP50: number;
		reconnectMax: number;
		allSyncedMs: number;
		stats: MoveStats;
		mismatches: number;
		closes: Record<string, number>;
	};
}

interface Status {
	clients: number;
	synced: number;
	reconnects: number;
	reconnectP50: number;
	reconnectMax: number;
}

runScenarioMain(async (options) => {
	pinSelf();
	const method = [
		`Nodes are Voronka servers sharing one PostgreSQL database and Redis (\`REDIS_URL\`, ${redisUrl.replace(/\/\/.*@/, '//')}), all pinned to core 0 (the machine has two cores); the load generator and a tiny round-robin TCP proxy written in the bench run on core 1.`,
		'Cross-node latency: on each board the mover is connected to node 1 and a decoding observer (and passive sockets) to node 2; moves at a steady rate, timed from `moveDeal` on the mover to the observer\'s Y.Doc showing the deal in its new stage.',
		'Failover: three nodes behind the proxy, every client connected through it (so spread round-robin), moves running; node 3 is killed with SIGKILL. Its clients reconnect through the proxy (which skips the dead node) with their docs; the time runs from the kill until every client is synced again. Afterwards every observer, and a fresh client, must show each deal as its mover left it: a move the mover made while its node died is sent again from its doc, as a stock client does, and nothing the others had seen may be missing.',
		'Message lost between nodes: node 2 reaches Redis through a relay in the bench; with moves running on node 1 the relay cuts node 2\'s Redis connections and refuses new ones for a moment, so the messages published meanwhile never reach node 2 (no server code is changed for this). Moves then stop; the time runs until node 2\'s observer shows every move, or the table says the moves were still missing when the wait ran out.'
	].join('\n\n');
	if (options.db !== 'postgres') {
		console.log('nodes: PostgreSQL only (several nodes share one database); skipped on PGlite.');
		return { scenario: 'nodes', title: 'Several nodes (PostgreSQL only; not run on PGlite)', method: 'Runs on PostgreSQL only, where several nodes share one database.', tables: [] };
	}
	const config = options.quick
		? { boards: 3, clientsPerBoard: 6, deals: 30, rate: 30, warmupMs: 1000, durationMs: 4000, killAfterMs: 2000, afterMs: 2000, cutMs: 1000, recoverMs: 5000 }
		: { boards: 6, clientsPerBoard: 8, deals: 50, rate: 60, warmupMs: 2000, durationMs: 8000, killAfterMs: 3000, afterMs: 3000, cutMs: 1500, recoverMs: 15_000 };
	console.log(`nodes on PostgreSQL: seed ${options.seed}, ${options.runs} run(s), Redis ${redisUrl}`);
	const generator = spawnGenerator(generatorFile);
	const runs: Run[] = [];
	try {
		for (let run = 0; run < options.runs; run++) {
			const database = await createBenchDatabase('postgres');
			const nodes: PinnedProcess[] = [];
			const redisTarget = new URL(redisUrl);
			const redisRelay = await startRoundRobinProxy([Number(redisTarget.port || 6379)]);
			const relayedRedis = new URL(redisUrl);
			relayedRedis.host = `127.0.0.1:${new URL(redisRelay.url).port}`;
			try {
				const ports = [await freePort(), await freePort(), await freePort()];
				// Node 1 migrates the fresh database alone before the others start.
				nodes.push(await startVoronka({ database: database.server, port: ports[0], redisUrl }));
				nodes.push(
					...(await Promise.all([
						startVoronka({ database: database.server, port: ports[1], redisUrl: relayedRedis.toString() }),
						startVoronka({ database: database.server, port: ports[2], redisUrl })
					]))
				);
				// Nodes count sign-ups in Redis across runs (docs/SECURITY.md): the bench's one
				// sign-up per run must not be refused by the earlier runs' count on this machine.
				await forgetSignUps(redisUrl);
				const workspace = await createBenchWorkspace(nodes[0]!.url);
				const allBoards = (await createFilledBoards(workspace, config.boards * 2, config.deals)).map((board) => board.id);
				// The cut leaves node 2 with stale rooms: it gets boards of its own, apart from the failover's.
				const boards = allBoards.slice(0, config.boards);
				const cutBoards = allBoards.slice(config.boards);
				const target = (node: PinnedProcess) => ({ kind: 'voronka' as const, baseUrl: node.url, token: workspace.token });

				// Cross-node latency: mover on node 1, everyone else on node 2.
				const crossClients = boardClients(config.clientsPerBoard, 1, 1).map((client) => (client.role === 'mover' ? { ...client, target: 0 } : client));
				await generator.call('open', { targets: [target(nodes[0]!), target(nodes[1]!)], boards, clients: crossClients, seed: options.seed });
				const crossNode = await measureRate(generator, nodes[0]!.pid, config.rate, config.warmupMs, config.durationMs);
				const crossVerified = await generator.call<{ mismatchedDeals: number; freshMismatches: number }>('verify', { fresh: true, targets: [target(nodes[1]!)] });
				await generator.call('close');
				await generator.call('open', { targets: [target(nodes[0]!), target(nodes[1]!)], boards: cutBoards, clients: crossClients, seed: options.seed + 2 });
				await generator.call('start', { rate: config.rate });
				await sleep(500);
				await generator.call('measure');
				await sleep(500);
				redisRelay.cut(config.cutMs);
				await sleep(config.cutMs + 500);
				const cut = await generator.call<MoveStats>('stop', { drainMs: config.recoverMs });
				await generator.call('close');
				console.log(`  Redis cut: ${cut.unseen} moves missing on node 2 after ${formatNumber(cut.drainedMs)} ms`);
				console.log(`  cross-node: p50 ${formatNumber(crossNode.stats.p50)} p99 ${formatNumber(crossNode.stats.p99)} ms`);

				// Failover: three nodes behind the proxy, node 3 killed mid-run.
				const proxy = await startRoundRobinProxy(ports);
				try {
					const opened = await generator.call<{ clients: number }>('open', {
						targets: [{ kind: 'voronka', baseUrl: proxy.url, token: workspace.token }],
						boards,
						clients: boardClients(config.clientsPerBoard, 2),
						seed: options.seed + 1
					});
					await generator.call('start', { rate: config.rate });
					await sleep(config.warmupMs);
					await generator.call('measure');
					await sleep(config.killAfterMs);
					const killedAt = performance.now();
					await nodes[2]!.kill('SIGKILL');
					let status = await generator.call<Status>('status');
					// Sockets notice the death at once (the proxy closes them); wait until all are back.
					while ((status.synced < status.clients || status.reconnects === 0) && performance.now() - killedAt < 60_000) {
						await sleep(20);
						status = await generator.call<Status>('status');
					}
					const allSyncedMs = performance.now() - killedAt;
					await sleep(config.afterMs);
					const stats = await generator.call<MoveStats>('stop', { drainMs: 10_000 });
					status = await generator.call<Status>('status');
					const verified = await generator.call<{ mismatchedDeals: number; freshMismatches: number; closes: Record<string, number> }>('verify', {
						fresh: true,
						targets: [{ kind: 'voronka', baseUrl: proxy.url, token: workspace.token }]
					});
					await generator.call('close');
					runs.push({
						crossNode,
						crossMismatches: crossVerified.mismatchedDeals + crossVerified.freshMismatches,
						cut,
						failover: {
							clients: opened.clients,
							onKilledNode: status.reconnects,
							reconnectP50: status.reconnectP50,
							reconnectMax: status.reconnectMax,
							allSyncedMs,
							stats,
							mismatches: verified.mismatchedDeals + verified.freshMismatches + stats.unseen,
							closes: verified.closes
						}
					});
					console.log(`  failover: ${status.reconnects} of ${opened.clients} clients reconnected, all synced ${formatNumber(allSyncedMs)} ms after the kill, mismatches ${verified.mismatchedDeals + verified.freshMismatches}`);
				} finally {
					await proxy.close();
				}
			} finally {
				for (const node of nodes) await node.kill();
				await redisRelay.close();
				await database.drop();
			}
		}
	} finally {
		await generator.kill();
	}
	const read = (pick: (run: Run) => number) => formatRuns(runs.map(pick));
	return {
		scenario: 'nodes',
		title: 'Several nodes on PostgreSQL',
		method,
		tables: [
			{
				caption: `Cross-node move latency, ${config.boards} boards, ${config.rate} moves/s (mover on node 1, observer on node 2); ms, median (min–max) of ${options.runs} run(s)`,
				columns: ['p50', 'p95', 'p99', 'node 1 CPU', 'deals wrong afterwards'],
				rows: [[read((run) => run.crossNode.stats.p50), read((run) => run.crossNode.stats.p95), read((run) => run.crossNode.stats.p99), read((run) => run.crossNode.server.cpu), String(runs.reduce((sum, run) => sum + run.crossMismatches, 0))]]
			},
			{
				caption: `Message lost between nodes: node 2's Redis link cut for ${config.cutMs / 1000} s while ${config.rate} moves/s ran on node 1; per run`,
				columns: ['run', 'moves measured', 'moves node 2\'s observer still missed', 'all shown after moves stopped'],
				rows: runs.map((run, index) => [
					String(index + 1),
					String(run.cut.measured),
					String(run.cut.unseen),
					run.cut.unseen === 0 ? `${formatNumber(run.cut.drainedMs)} ms` : `not within ${config.recoverMs / 1000} s`
				])
			},
			{
				caption: `Failover: three nodes behind a round-robin proxy, ${config.boards} boards × ${config.clientsPerBoard} clients, ${config.rate} moves/s, node 3 killed (SIGKILL); median (min–max) of ${options.runs} run(s)`,
				columns: ['clients', 'on the killed node (reconnected)', 'reconnect to synced p50 (ms)', 'reconnect max (ms)', 'all synced after the kill (ms)', 'move p50 / p99 over the run (ms)', 'moves lost or deals wrong afterwards', 'sockets closed'],
				rows: [
					[
						read((run) => run.failover.clients),
						read((run) => run.failover.onKilledNode),
						read((run) => run.failover.reconnectP50),
						read((run) => run.failover.reconnectMax),
						read((run) => run.failover.allSyncedMs),
						`${read((run) => run.failover.stats.p50)} / ${read((run) => run.failover.stats.p99)}`,
						String(runs.reduce((sum, run) => sum + run.failover.mismatches, 0)),
						formatCloses(runs.map((run) => run.failover.closes))
					]
				]
			}
		]
	};
});
