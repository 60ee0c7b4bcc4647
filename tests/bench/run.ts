// `npm run bench`: measures the live board at the size the issue names
// (5,000 open deals) on embedded PGlite and, when BENCH_DATABASE_URL or
// TEST_DATABASE_URL is set, on PostgreSQL. Results go to stdout as a
// Markdown table; docs/BENCHMARKS.md records a run with the machine.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';
import { listStages, moveDeal, readDeal, listDealsInStage } from '../../src/lib/model/index.js';
import { openTestDatabase, type DatabaseKind } from '../support/databases.js';
import { callApi, connectBoard, signUpOwner, startTestServer } from '../support/sync-server.js';
import { loadTestRoom } from '../support/test-room.js';
import { ensureAppBuilt } from '../../server/build-app.js';
import { fileURLToPath } from 'node:url';

const dealCount = Number(process.env.BENCH_DEALS ?? 5000);
const moves = Number(process.env.BENCH_MOVES ?? 200);

function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

async function benchDatabase(kind: DatabaseKind): Promise<Array<[string, string]>> {
	const database = await openTestDatabase(kind);
	const root = fileURLToPath(new URL('../..', import.meta.url));
	ensureAppBuilt(root, `${root}/build`, console.log);
	const server = await startTestServer(database, 60_000, undefined, `${root}/build`);
	const rows: Array<[string, string]> = [];
	try {
		const owner = await signUpOwner(server.url);
		const pipelineId = owner.pipeline.id;

		let start = performance.now();
		const seeded = await callApi(server.url, 'POST', `/api/workspaces/${owner.workspaceId}/sample-data`, {
			token: owner.token,
			json: { count: dealCount }
		});
		if (seeded.status !== 201) throw new Error(`seeding failed: ${JSON.stringify(seeded.body)}`);
		rows.push([`Create ${dealCount} deals + tasks in one API call (checked, persisted, broadcast)`, ms(performance.now() - start)]);

		// API writes wait for the projection, so the list is complete at once.
		const check = await callApi(server.url, 'GET', `/api/pipelines/${pipelineId}/deals?limit=1`, { token: owner.token });
		if (check.body.total !== dealCount) throw new Error(`projection has ${check.body.total} deals, expected ${dealCount}`);

		start = performance.now();
		const list = await callApi(server.url, 'GET', `/api/pipelines/${pipelineId}/deals?limit=5000`, { token: owner.token });
		rows.push([`GET /api/pipelines/:id/deals, ${list.body.deals.length} deals with next task`, ms(performance.now() - start)]);

		start = performance.now();
		const first = connectBoard(server.url, pipelineId, owner.token);
		await first.synced();
		rows.push([`Fresh stock y-websocket client syncs the ${dealCount}-deal board (room warm)`, ms(performance.now() - start)]);
		const size = Y.encodeStateAsUpdate(first.doc).byteLength;
		rows.push(['Board document size (encoded state)', `${(size / 1024).toFixed(0)} KiB`]);

		const second = connectBoard(server.url, pipelineId, owner.token);
		await second.synced();
		const stages = listStages(first.doc).filter((stage) => stage.kind === 'open');
		const latencies: number[] = [];
		const clock = { now: () => new Date().toISOString() };
		for (let i = 0; i < moves; i++) {
			const from = stages[i % stages.length]!;
			const to = stages[(i + 1) % stages.length]!;
			const deal = listDealsInStage(first.doc, from.id)[0] ?? listDealsInStage(first.doc, to.id)[0]!;
			const target = deal.stageId === to.id ? from : to;
			// Resolved from the second client's own update event: no polling in the measure.
			const seen = new Promise<void>((resolve) => {
				const check = () => {
					if (readDeal(second.doc, deal.id)?.stageId !== target.id) return;
					second.doc.off('update', check);
					resolve();
				};
				second.doc.on('update', check);
			});
			const sent = performance.now();
			moveDeal(first.doc, deal.id, target.id, undefined, clock);
			await seen;
			latencies.push(performance.now() - sent);
		}
		rows.push([
			`Move seen by a second client (${moves} moves: p50 / p95 / p99)`,
			`${ms(percentile(latencies, 50))} / ${ms(percentile(latencies, 95))} / ${ms(percentile(latencies, 99))}`
		]);
		first.destroy();
		second.destroy();

		// Cold load: the room is unloaded (snapshot written), then loaded again.
		await server.rooms.closeAll();
		start = performance.now();
		const room = await loadTestRoom(database.db, pipelineId, { members: [owner.userId] });
		rows.push([`Cold room load of the ${dealCount}-deal board from the database`, ms(performance.now() - start)]);

		// The server's check of one peer update on the big board, in process.
		const peer = { writer: { kind: 'member' as const, userId: owner.userId, role: 'owner' as const }, send: () => {}, close: () => {} };
		room.join(peer);
		const client = new Y.Doc();
		Y.applyUpdate(client, Y.encodeStateAsUpdate(room.doc));
		const checks: number[] = [];
		for (let i = 0; i < 500; i++) {
			const deal = listDealsInStage(client, stages[i % stages.length]!.id)[0];
			if (!deal) continue;
			const before = Y.encodeStateVector(client);
			moveDeal(client, deal.id, stages[(i + 1) % stages.length]!.id, undefined, clock);
			const update = Y.encodeStateAsUpdate(client, before);
			const t = performance.now();
			await room.receiveUpdate(peer, update);
			checks.push(performance.now() - t);
		}
		rows.push([`Server apply + rule check of one move (p50 / p99 of ${checks.length})`, `${ms(percentile(checks, 50))} / ${ms(percentile(checks, 99))}`]);
		await room.unload();

		// The browser's figures: tests/bench/scenarios/browser.ts.
	} finally {
		await server.close();
		await database.close();
	}
	return rows;
}

const kinds: DatabaseKind[] = ['pglite'];
if (process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL) {
	process.env.TEST_DATABASE_URL ??= process.env.BENCH_DATABASE_URL;
	kinds.push('postgres');
}
console.log(`Machine: ${os.cpus()[0]?.model} × ${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`);
for (const kind of kinds) {
	const rows = await benchDatabase(kind);
	console.log(`\n### ${kind === 'pglite' ? 'Embedded PGlite' : 'PostgreSQL'} — ${dealCount} open deals\n`);
	console.log('| Measure | Result |\n| --- | --- |');
	for (const [label, value] of rows) console.log(`| ${label} | ${value} |`);
}
process.exit(0);
