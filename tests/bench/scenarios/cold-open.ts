// A cold board over the socket (issue 8, target 3): a board of 10,000 open
// deals is stored, the server restarted, and a client holding nothing
// connects. What it waits for: the first bytes of the board, the whole board
// in its own document, and the room's own handshake (sent once the room has
// integrated the board), all from one connection.
//
//   npx tsx tests/bench/scenarios/cold-open.ts [--db pglite|postgres] [--runs N] [--json OUT.json] [--quick]
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { runScenarioMain } from '../lib/cli.js';
import { createBenchDatabase } from '../lib/database.js';
import { pinSelf, startVoronka } from '../lib/processes.js';
import { formatRuns } from '../lib/stats.js';
import { createBenchWorkspace, fillBoard } from '../lib/workspace.js';

interface Run {
	cold: Opening;
	/** Two more devices holding nothing on the room now loaded: the first has it encode the board, the next gets that encoding again. */
	warmFirst: Opening;
	warmNext: Opening;
}

interface Opening {
	/** The first sync step 2 (the board's first bytes). */
	firstBytesMs: number;
	/** Every deal in the client's document. */
	wholeBoardMs: number;
	/** The room's sync step 1: it has integrated the board. */
	roomReadyMs: number;
	bytes: number;
}

/** One connection holding nothing, timed from before the socket opens; the harness's own Yjs applies what arrives. */
function openCold(baseUrl: string, token: string, board: string, deals: number): Promise<Opening> {
	const doc = new Y.Doc();
	const started = performance.now();
	const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/sync/${board}?token=${encodeURIComponent(token)}`, { perMessageDeflate: false });
	socket.binaryType = 'nodebuffer';
	const marks: Partial<Opening> = { bytes: 0 };
	return new Promise<Opening>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`the board did not arrive within 60 s: ${JSON.stringify(marks)}`)), 60_000);
		const check = () => {
			const at = performance.now() - started;
			if (marks.wholeBoardMs === undefined && doc.getMap('deals').size >= deals) marks.wholeBoardMs = at;
			if (marks.wholeBoardMs !== undefined && marks.roomReadyMs !== undefined && marks.firstBytesMs !== undefined) {
				clearTimeout(timer);
				socket.close();
				doc.destroy();
				resolve(marks as Opening);
			}
		};
		socket.on('open', () => {
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, 0);
			syncProtocol.writeSyncStep1(encoder, doc);
			socket.send(encoding.toUint8Array(encoder));
		});
		socket.on('error', reject);
		socket.on('message', (data: Buffer) => {
			marks.bytes! += data.byteLength;
			if (data[0] !== 0) return;
			const at = performance.now() - started;
			if (data[1] === syncProtocol.messageYjsSyncStep2) marks.firstBytesMs ??= at;
			if (data[1] === syncProtocol.messageYjsSyncStep1) marks.roomReadyMs ??= at;
			const decoder = decoding.createDecoder(data);
			decoding.readVarUint(decoder);
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, 0);
			syncProtocol.readSyncMessage(decoder, encoder, doc, 'server');
			if (encoding.length(encoder) > 1) socket.send(encoding.toUint8Array(encoder));
			check();
		});
	});
}

runScenarioMain(async (options) => {
	pinSelf();
	const deals = options.quick ? 1000 : 10_000;
	const dbName = options.db === 'pglite' ? 'PGlite' : 'PostgreSQL';
	console.log(`cold-open on ${dbName}: ${options.runs} run(s) after a warm-up, ${deals} deals`);
	const database = await createBenchDatabase(options.db);
	const runs: Run[] = [];
	try {
		let server = await startVoronka({ database: database.server });
		const workspace = await createBenchWorkspace(server.url);
		const board = workspace.firstBoard.id;
		for (let filled = 0; filled < deals; filled += 5000) await fillBoard(workspace, board, Math.min(5000, deals - filled));
		for (let run = 0; run <= options.runs; run++) {
			// A clean stop writes the board's snapshot; the next start has no room loaded.
			await server.kill('SIGTERM');
			server = await startVoronka({ database: database.server });
			const cold = await openCold(server.url, workspace.token, board, deals);
			const warmFirst = await openCold(server.url, workspace.token, board, deals);
			const warmNext = await openCold(server.url, workspace.token, board, deals);
			if (run > 0) runs.push({ cold, warmFirst, warmNext });
			console.log(
				`  run ${run}${run === 0 ? ' (warm-up)' : ''}: cold: first bytes ${cold.firstBytesMs.toFixed(0)} ms, whole board ${cold.wholeBoardMs.toFixed(0)} ms, room ready ${cold.roomReadyMs.toFixed(0)} ms; ` +
					`loaded room: whole board ${warmFirst.wholeBoardMs.toFixed(0)} ms, then ${warmNext.wholeBoardMs.toFixed(0)} ms`
			);
		}
		await server.kill('SIGTERM');
	} finally {
		await database.drop();
	}
	const column = (pick: (opening: Opening) => number, which: keyof Run = 'cold') => formatRuns(runs.map((run) => pick(run[which])));
	return {
		scenario: 'cold-open',
		title: `A cold board over the socket on ${dbName}`,
		method: [
			`One board of ${deals.toLocaleString('en-US')} open deals with their tasks (\`POST …/sample-data\`), on a server (pinned to core 0) that is stopped cleanly (it writes the board's snapshot) and started again before each run, so no room is loaded. Then one client in the harness (pinned to core 1) connects holding nothing, as a new device does, and applies what arrives with Yjs. The first run is a warm-up.`,
			`Times from before the socket opens: the first sync step 2 (the board's first bytes), every deal in the client's document, and the room's own sync step 1, which it sends once it has integrated the board. With the stored preview (server/sync/stored-preview.ts) the room sends the stored board before it integrates it.`,
			`Then two more clients holding nothing open the board one after the other, the room now loaded: the first has the room encode the whole board, the next is sent that encoding again with the changes since (server/sync/full-state.ts).`
		].join('\n\n'),
		tables: [
			{
				caption: `A client holding nothing opens a cold board of ${deals.toLocaleString('en-US')} deals, ${dbName}; ms, median (min–max) of ${options.runs} run(s)`,
				columns: ['first bytes of the board', 'whole board in the client', 'room ready (its handshake)', 'bytes received'],
				rows: [[column((o) => o.firstBytesMs), column((o) => o.wholeBoardMs), column((o) => o.roomReadyMs), column((o) => o.bytes)]]
			},
			{
				caption: `Then on the loaded room, two more clients holding nothing, one after the other, ${dbName}; ms, median (min–max) of ${options.runs} run(s)`,
				columns: ['client', 'first bytes of the board', 'whole board in the client'],
				rows: [
					['the first (the room encodes the board)', column((o) => o.firstBytesMs, 'warmFirst'), column((o) => o.wholeBoardMs, 'warmFirst')],
					['the next (the same encoding again)', column((o) => o.firstBytesMs, 'warmNext'), column((o) => o.wholeBoardMs, 'warmNext')]
				]
			}
		]
	};
});
