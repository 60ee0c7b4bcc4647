// Cold board (issue 8, target 3): a board of 10,000 open deals with 100,000
// moves of history is stored as the server would store it, then loaded into a
// fresh room from the database, several times, on PGlite and PostgreSQL.
//
//   npx tsx tests/bench/scenarios/cold-load.ts [--db pglite|postgres] [--runs N] [--json OUT.json] [--quick] [--moves N] [--long [--long-moves N]] [--growth-only] [--form FILE] [--no-epochs]
//
// --long also builds 1,000,000 moves in memory and reports the document size.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';
import { createDeal, initialiseBoard, validateBoard } from '../../../src/lib/model/index.js';
import { boardMaps } from '../../../src/lib/model/board.js';
import { TaskDealIndex } from '../../../server/board/task-index.js';
import { docEpochs, docSnapshots, docUpdates } from '../../../server/db/schema.js';
import type { Database } from '../../../server/db/client.js';
import { applyStoredDoc, loadDoc } from '../../../server/sync/persistence.js';
import { defaultEpochPolicy, isRebuildDue, measureHistory, rebuildDocument } from '../../../server/sync/epochs.js';
import { openTestDatabase, type DatabaseKind } from '../../support/databases.js';
import { seededRandom } from '../../support/board-load.js';
import { loadTestRoom } from '../../support/test-room.js';

interface Table {
	caption: string;
	columns: string[];
	rows: string[][];
}

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string) => {
	const at = args.indexOf(`--${name}`);
	return at >= 0 ? args[at + 1] : undefined;
};
const quick = flag('quick');
const growthOnly = flag('growth-only');
const long = flag('long') || growthOnly;
const runs = Number(option('runs') ?? 3);
const jsonOut = option('json');
const dbOption = option('db');
const kinds: DatabaseKind[] = dbOption
	? [dbOption as DatabaseKind]
	: ['pglite', ...(process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL ? (['postgres'] as const) : [])];
if (process.env.BENCH_DATABASE_URL && !process.env.TEST_DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;

const dealCount = quick ? 1_000 : 10_000;
// --moves N: another history length (0 gives the floor: the deals and tasks alone).
const moveCount = option('moves') !== undefined ? Number(option('moves')) : quick ? 10_000 : 100_000;
/** The server's compaction policy (persistence.ts defaultCompaction): a snapshot every 500 updates. */
const snapshotEvery = 500;
/** Deals created per update, as the sample-data API does in batches. */
const dealsPerCreate = 100;
const clientCount = 4;
/** The clients' ids: the history's writers take turns among them. */
const clientIds = Array.from({ length: clientCount }, (_, index) => 1000 + index);
const growthMoves = Number(option('long-moves') ?? 1_000_000);
const stageIds = ['s1', 's2', 's3', 's4', 's5'];
const clock = { now: () => '2026-01-01T00:00:00.000Z' };

/**
 * The board's history, as the server receives it: one update per creation
 * batch and per move, made by a few clients that see each other's changes at
 * once. The clients share one document and take turns by client id (Yjs
 * reads doc.clientID for every new item): the updates are what separate
 * documents kept in sync would send, at a fraction of the cost of applying
 * each to every other client.
 */
function* boardHistory(deals: number, moves: number, seed: number): Generator<Uint8Array | { rebuilt: Uint8Array; baseClient: number }> {
	const random = seededRandom(seed);
	let doc = new Y.Doc();
	doc.clientID = clientIds[0]!;
	const updates: Uint8Array[] = [];
	doc.on('update', (update: Uint8Array) => updates.push(update));
	initialiseBoard(doc, { pipelineId: 'bench', workspaceId: 'w', name: 'Cold board', mode: 'free' }, [
		...stageIds.map((id, index) => ({ id, name: `Stage ${index + 1}`, kind: 'open' as const, probability: 10 * (index + 1) })),
		{ id: 'won', name: 'Won', kind: 'won' as const, probability: 100 },
		{ id: 'lost', name: 'Lost', kind: 'lost' as const, probability: 0 }
	]);
	yield* updates.splice(0);
	for (let start = 0; start < deals; start += dealsPerCreate) {
		doc.transact(() => {
			for (let n = start; n < Math.min(deals, start + dealsPerCreate); n += 1) {
				createDeal(
					doc,
					{ id: `d${n}`, title: `Deal ${n}`, valueMinor: 1000 * n, currency: 'EUR', stageId: stageIds[n % stageIds.length]!, ownerId: 'u', rank: rankOf(random) },
					{ id: `t${n}`, type: 'call', title: 'First call', dueAt: '2030-01-01T09:00:00.000Z' },
					clock
				);
			}
		});
		yield* updates.splice(0);
	}
	let sinceCheck = 0;
	for (let move = 0; move < moves; move += 1) {
		// The server checks after each snapshot (every 500 updates) whether the board is due a rebuild
		// (epochs.ts); its clients then load the new epoch and move on from there.
		if (epochsOn && ++sinceCheck >= snapshotEvery) {
			sinceCheck = 0;
			if (isRebuildDue(defaultEpochPolicy, doc, defaultEpochPolicy.afterBytes)) {
				const next = rebuildDocument(doc)!;
				doc.destroy();
				doc = next;
				doc.on('update', (update: Uint8Array) => updates.push(update));
				yield { rebuilt: Y.encodeStateAsUpdate(doc), baseClient: doc.clientID };
			}
		}
		makeRandomMove(doc, random, move, deals);
		yield* updates.splice(0);
	}
	doc.destroy();
}

function rankOf(random: () => number): string {
	return Math.floor(random() * 36 ** 8)
		.toString(36)
		.padStart(8, '0');
}

interface StoredForm {
	updates: number;
	snapshot: Uint8Array | null;
	tail: Uint8Array[];
	/** Built with epochs on (a saved --form is used only in the mode it was built in). */
	epochsOn: boolean;
	/** The current epoch's base client (null in epoch 0). */
	baseClient: number | null;
	/** The earlier epochs the server froze along the way, oldest first (none with --no-epochs). */
	frozen: Array<{ baseClient: number | null; finalState: Uint8Array }>;
}

/** --no-epochs stores the history as a server that never rebuilds would (the figures before epochs). */
const epochsOn = !flag('no-epochs');

/**
 * The history as the server leaves it: the server's own document (gc on)
 * takes every update, compaction writes a snapshot every 500 updates and
 * drops the rows it covers, so the database ends with the last snapshot and
 * the updates after it. Built once; every run writes that end state (the
 * snapshots in between would be replaced anyway).
 */
function buildStoredForm(): StoredForm {
	let server = new Y.Doc({ gc: true });
	let updates = 0;
	let baseClient: number | null = null;
	const frozen: StoredForm['frozen'] = [];
	let tail: Uint8Array[] = [];
	let snapshot: Uint8Array | null = null;
	for (const step of boardHistory(dealCount, moveCount, 7)) {
		if (step instanceof Uint8Array) {
			Y.applyUpdate(server, step);
			tail.push(step);
			updates += 1;
		} else {
			// The server rebuilt the board: the old epoch's final state is kept, the new one's is the snapshot, the rows it covers go.
			frozen.push({ baseClient, finalState: Y.encodeStateAsUpdate(server) });
			baseClient = step.baseClient;
			server.destroy();
			server = new Y.Doc({ gc: true });
			Y.applyUpdate(server, step.rebuilt);
			snapshot = step.rebuilt;
			tail = [];
		}
		if (tail.length >= snapshotEvery) {
			snapshot = Y.encodeStateAsUpdate(server);
			tail = [];
		}
	}
	server.destroy();
	return { updates, snapshot, tail, epochsOn, baseClient, frozen };
}

/** A saved form, or null when it was built in the other mode (with or without epochs) or by an older scenario. */
function readForm(file: string): StoredForm | null {
	const saved = JSON.parse(readFileSync(file, 'utf8')) as Omit<StoredForm, 'snapshot' | 'tail' | 'frozen'> & {
		snapshot: string | null;
		tail: string[];
		frozen?: Array<{ baseClient: number | null; finalState: string }>;
	};
	if (saved.epochsOn !== epochsOn || !saved.frozen) return null;
	const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));
	return {
		...saved,
		snapshot: saved.snapshot ? bytes(saved.snapshot) : null,
		tail: saved.tail.map(bytes),
		frozen: saved.frozen.map((epoch) => ({ baseClient: epoch.baseClient, finalState: bytes(epoch.finalState) }))
	};
}

function writeForm(file: string, form: StoredForm): void {
	const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
	writeFileSync(
		file,
		JSON.stringify({
			...form,
			snapshot: form.snapshot ? text(form.snapshot) : null,
			tail: form.tail.map(text),
			frozen: form.frozen.map((epoch) => ({ baseClient: epoch.baseClient, finalState: text(epoch.finalState) }))
		})
	);
}

/** Writes the stored form into a database (the frozen epochs, the snapshot in its epoch, the rows in multi-row inserts for speed). */
async function storeBoard(db: Database, docId: string, form: StoredForm): Promise<void> {
	if (form.frozen.length > 0) await db.insert(docEpochs).values(form.frozen.map((epoch, index) => ({ docId, epoch: index, ...epoch })));
	let lastId = 0;
	for (let at = 0; at < form.tail.length; at += 200) {
		const rows = await db
			.insert(docUpdates)
			.values(form.tail.slice(at, at + 200).map((bytes) => ({ docId, bytes, epoch: form.frozen.length })))
			.returning({ id: docUpdates.id });
		lastId = Math.max(lastId, ...rows.map((row) => row.id));
	}
	if (form.snapshot) {
		await db.insert(docSnapshots).values({ docId, bytes: form.snapshot, lastUpdateId: lastId - form.tail.length, epoch: form.frozen.length, baseClient: form.baseClient });
	}
}

/** CPU time of this process (user + system), ms: less distorted than wall time on a shared machine. */
function cpuMs(): number {
	const { user, system } = process.cpuUsage();
	return (user + system) / 1000;
}

async function timed<T>(run: () => T | Promise<T>): Promise<{ value: T; wall: number; cpu: number }> {
	const wallStart = performance.now();
	const cpuStart = cpuMs();
	const value = await run();
	return { value, wall: performance.now() - wallStart, cpu: cpuMs() - cpuStart };
}

/** One cold load, whole (Room.load), then its parts one by one on a fresh document. */
async function measureLoad(db: Database, docId: string): Promise<Record<string, number>> {
	const load = await timed(() => loadTestRoom(db, docId));
	const room = load.value;
	const stateBytes = Y.encodeStateAsUpdate(room.doc).byteLength;
	if (boardMaps(room.doc).deals.size !== dealCount) throw new Error(`loaded ${boardMaps(room.doc).deals.size} deals, expected ${dealCount}`);
	await room.contentCheck;
	room.doc.destroy();

	const read = await timed(() => loadDoc(db, docId));
	const stored = read.value;
	// The path before this scenario's changes: merge everything, apply once.
	const merge = await timed(() => stored.state!);
	let doc = new Y.Doc({ gc: true });
	const applyMerged = await timed(() => Y.applyUpdate(doc, merge.value));
	doc.destroy();
	// Room.load's path: the snapshot, then the rows, in one transaction.
	doc = new Y.Doc({ gc: true });
	const apply = await timed(() => applyStoredDoc(doc, stored, 'load'));
	const index = await timed(() => TaskDealIndex.of(doc));
	const validate = await timed(() => validateBoard(doc));
	doc.destroy();
	return {
		whole: load.wall,
		wholeCpu: load.cpu,
		read: read.cpu,
		merge: merge.cpu,
		applyMerged: applyMerged.cpu,
		apply: apply.cpu,
		index: index.cpu,
		validate: validate.cpu,
		stateBytes
	};
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function spread(values: number[], digits = 0): string {
	return `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;
}

async function benchKind(kind: DatabaseKind, stored: StoredForm): Promise<{ load: string[][]; stored: string[] }> {
	const samples: Array<Record<string, number>> = [];
	// A fresh database per run: nothing cached from the last one but what the process keeps.
	for (let run = 0; run <= runs; run += 1) {
		const database = await openTestDatabase(kind);
		try {
			await storeBoard(database.db, 'bench', stored);
			const sample = await measureLoad(database.db, 'bench');
			if (run > 0) samples.push(sample); // the first is the warm-up
			console.error(`${kind} run ${run}${run === 0 ? ' (warm-up)' : ''}: ${sample.whole!.toFixed(0)} ms`);
		} finally {
			await database.close();
		}
	}
	const col = (key: string) => spread(samples.map((s) => s[key]!), 1);
	return {
		load: [
			[kind, col('whole'), col('wholeCpu'), col('read'), col('merge'), col('applyMerged'), col('apply'), col('index'), col('validate')]
		],
		stored: [
			kind,
			`${stored.updates}${stored.frozen.length ? `, ${stored.frozen.length} rebuild${stored.frozen.length > 1 ? 's' : ''} into a new epoch (the frozen state${stored.frozen.length > 1 ? 's' : ''} kept, ${stored.frozen.map((epoch) => (epoch.finalState.byteLength / 1024).toFixed(0)).join(', ')} KiB)` : ''}`,
			`${((stored.snapshot?.byteLength ?? 0) / 1024).toFixed(0)} KiB`,
			`${stored.tail.length} (${(stored.tail.reduce((sum, u) => sum + u.byteLength, 0) / 1024).toFixed(0)} KiB)`,
			`${(samples[0]!.stateBytes! / 1024).toFixed(0)} KiB`
		]
	};
}


/** The growth measures' board: the deals and their tasks, written by the first client, in the server's own document (gc on). */
function createGrowthBoard(random: () => number): Y.Doc {
	const doc = new Y.Doc({ gc: true });
	doc.clientID = clientIds[0]!;
	initialiseBoard(doc, { pipelineId: 'bench', workspaceId: 'w', name: 'Cold board', mode: 'free' }, stageIds.map((id, index) => ({ id, name: `Stage ${index + 1}`, kind: 'open' as const, probability: 10 * (index + 1) })));
	for (let start = 0; start < dealCount; start += dealsPerCreate) {
		doc.transact(() => {
			for (let n = start; n < Math.min(dealCount, start + dealsPerCreate); n += 1) {
				createDeal(
					doc,
					{ id: `d${n}`, title: `Deal ${n}`, valueMinor: 1000 * n, currency: 'EUR', stageId: stageIds[n % stageIds.length]!, ownerId: 'u', rank: rankOf(random) },
					{ id: `t${n}`, type: 'call', title: 'First call', dueAt: '2030-01-01T09:00:00.000Z' },
					clock
				);
			}
		});
	}
	return doc;
}

/**
 * One move by a random client: what moveDeal writes (stageId, rank, updatedAt)
 * of a random deal, without its column scan (finding neighbours in a
 * 10,000-deal board would dominate building the history).
 */
function makeRandomMove(doc: Y.Doc, random: () => number, move: number, deals = dealCount): void {
	doc.clientID = clientIds[Math.floor(random() * clientIds.length)]!;
	const deal = boardMaps(doc).deals.get(`d${Math.floor(random() * deals)}`)!;
	doc.transact(() => {
		const stageId = stageIds[Math.floor(random() * stageIds.length)]!;
		if (deal.get('stageId') !== stageId) deal.set('stageId', stageId);
		deal.set('rank', rankOf(random));
		deal.set('updatedAt', new Date(Date.UTC(2026, 0, 1) + move * 1000).toISOString());
	});
}

/**
 * The encoded state after many moves, sampled along the way: it grows with
 * every overwritten field. The moves are made in the server's own document
 * (gc on): the same state as receiving them as updates, at half the cost.
 */
function measureGrowth(totalMoves: number): string[][] {
	const checkpoints = new Set([100_000, 250_000, 500_000, 750_000, totalMoves].filter((n) => n <= totalMoves));
	const random = seededRandom(11);
	const doc = createGrowthBoard(random);
	const rows: string[][] = [['0', ...sizes(doc)]];
	const began = performance.now();
	for (let move = 1; move <= totalMoves; move += 1) {
		makeRandomMove(doc, random, move);
		if (checkpoints.has(move)) {
			rows.push([move.toLocaleString('en'), ...sizes(doc)]);
			console.error(`growth: ${move} moves: ${rows.at(-1)!.join(', ')} (${((performance.now() - began) / 1000).toFixed(0)} s)`);
		}
	}
	doc.destroy();
	return rows;
}

/**
 * The same moves with epochs on, as the server makes them: after each
 * snapshot (every 500 updates) it rebuilds a board due one (epochs.ts: past
 * 1 MiB with at least two structs per live field).
 */
function measureEpochGrowth(totalMoves: number): { rows: string[][]; rebuilds: string[][] } {
	const checkpoints = new Set([100_000, 250_000, 500_000, 750_000, totalMoves].filter((n) => n <= totalMoves));
	const random = seededRandom(11);
	let doc = createGrowthBoard(random);
	const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
	const rows: string[][] = [];
	const rebuilds: string[][] = [];
	let largest = 0;
	for (let move = 1; move <= totalMoves; move += 1) {
		makeRandomMove(doc, random, move);
		// The struct count is cheap; the state is encoded only when the count says a rebuild may be due.
		if (move % snapshotEvery === 0) {
			const { structs, live } = measureHistory(doc);
			if (structs >= defaultEpochPolicy.minGain * live) {
				const state = Y.encodeStateAsUpdate(doc);
				largest = Math.max(largest, state.byteLength);
				if (isRebuildDue(defaultEpochPolicy, doc, state.byteLength)) {
					const began = performance.now();
					const next = rebuildDocument(doc)!;
					const nextState = Y.encodeStateAsUpdate(next);
					const rebuildMs = performance.now() - began;
					const fresh = new Y.Doc({ gc: true });
					const load = performance.now();
					Y.applyUpdate(fresh, nextState);
					const loadMs = performance.now() - load;
					fresh.destroy();
					rebuilds.push([move.toLocaleString('en'), mib(state.byteLength), structs.toLocaleString('en'), mib(nextState.byteLength), rebuildMs.toFixed(0), loadMs.toFixed(0)]);
					console.error(`epochs: rebuilt at ${move} moves: ${rebuilds.at(-1)!.join(', ')}`);
					doc.destroy();
					doc = next;
				}
			}
		}
		if (checkpoints.has(move)) {
			const state = Y.encodeStateAsUpdate(doc).byteLength;
			largest = Math.max(largest, state);
			rows.push([move.toLocaleString('en'), mib(state), measureHistory(doc).structs.toLocaleString('en'), mib(largest), String(rebuilds.length)]);
		}
	}
	doc.destroy();
	return { rows, rebuilds };
}

function sizes(doc: Y.Doc): string[] {
	const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
	let structs = 0;
	doc.store.clients.forEach((list) => (structs += list.length));
	return [mib(Y.encodeStateAsUpdate(doc).byteLength), mib(Y.encodeStateAsUpdateV2(doc).byteLength), structs.toLocaleString('en'), `${(process.memoryUsage().heapUsed / 1024 / 1024).toFixed(0)} MiB`];
}

const tables: Table[] = [];
const loadRows: string[][] = [];
const storedRows: string[][] = [];
const buildStart = performance.now();
// --form FILE keeps the built history between runs (building it takes minutes).
const formFile = option('form');
const saved = formFile && existsSync(formFile) ? readForm(formFile) : null;
if (formFile && existsSync(formFile) && !saved) console.error(`${formFile} was built ${epochsOn ? 'without' : 'with'} epochs or by an older scenario: building the history again`);
const form: StoredForm = growthOnly ? { updates: 0, snapshot: null, tail: [], epochsOn, baseClient: null, frozen: [] } : (saved ?? buildStoredForm());
if (formFile && !growthOnly && !saved) writeForm(formFile, form);
console.error(`history built in ${((performance.now() - buildStart) / 1000).toFixed(0)} s`);
for (const kind of growthOnly ? [] : kinds) {
	const result = await benchKind(kind, form);
	loadRows.push(...result.load);
	storedRows.push(result.stored);
}
if (!growthOnly) tables.push({
	caption: `Cold load of ${dealCount.toLocaleString('en')} open deals after ${moveCount.toLocaleString('en')} moves, ms, median (min–max) of ${runs} runs; parts in CPU ms of this process`,
	columns: ['Database', 'Room.load wall', 'Room.load CPU', 'DB read CPU', 'old: mergeUpdates', 'old: apply merged', 'apply snapshot + rows', 'task index', 'validateBoard'],
	rows: loadRows
});
if (!growthOnly) tables.push({
	caption: 'What was stored and loaded',
	columns: ['Database', 'Updates written', 'Snapshot', 'Update rows after it', 'Loaded state (v1)'],
	rows: storedRows
});
if (long) {
	tables.push({
		caption: `Document growth with moves (${dealCount.toLocaleString('en')} deals, gc on, encoded state)`,
		columns: ['Moves', 'State (v1)', 'State (v2)', 'Structs (tombstones included)', 'Heap used'],
		rows: measureGrowth(growthMoves)
	});
	const epochs = measureEpochGrowth(growthMoves);
	tables.push({
		caption: `The same moves with epochs on (rebuilt after a snapshot when past ${defaultEpochPolicy.afterBytes / 1024 / 1024} MiB with at least ${defaultEpochPolicy.minGain} structs per live field)`,
		columns: ['Moves', 'State (v1) now', 'Structs now', 'Largest state so far', 'Rebuilds so far'],
		rows: epochs.rows
	});
	tables.push({
		caption: 'Each rebuild: the state and structs before, the state after, the rebuild (write the content once and encode it) and a cold apply of the new state into an empty document, ms',
		columns: ['At move', 'State before', 'Structs before', 'State after', 'Rebuild ms', 'Apply new state ms'],
		rows: epochs.rebuilds
	});
}

const method = [
	`The board is built with the model functions by ${clientCount} clients that see each other's changes at once (one document, the clients taking turns by client id): one update per 100 created deals (each with its open task), then one update per move (stageId, rank, updatedAt of a random deal, by a random client, seeded).`,
	`It is stored as the server leaves it: the server's document (gc on) takes every update, a snapshot every ${snapshotEvery} updates (the default compaction) replaces the rows it covers, so the database holds the last snapshot and the rows after it. ${epochsOn ? `After each snapshot the server rebuilds a board due one in a new epoch (server/sync/epochs.ts: past ${defaultEpochPolicy.afterBytes / 1024 / 1024} MiB with at least ${defaultEpochPolicy.minGain} structs per live field); its clients load the new epoch and the history goes on there, so the stored form is the last epoch's snapshot and the rows after it, with each earlier epoch's final state kept in doc_epochs as the server keeps it for carrying old copies (--no-epochs stores the history of a server that never rebuilds).` : 'Run with --no-epochs: the server never rebuilds the board.'}`,
	`Each run uses a fresh database; the first run is a warm-up. "Room.load" is tests/support/test-room.ts loadTestRoom (members given, no projection); the parts are then timed one by one on the same rows: the two reads (loadDoc), the old path (Y.mergeUpdates of snapshot and rows, then one Y.applyUpdate into a fresh document), the path Room.load takes now (applyStoredDoc: the snapshot, then the rows, in one transaction), TaskDealIndex.of, validateBoard. Wall time and CPU time (process.cpuUsage, user + system) are both given: on a busy machine CPU time shows the work, wall time the wait. On PostgreSQL the database's own CPU is not in the figure; on PGlite it is (it runs in this process).`,
	`Machine: ${os.cpus()[0]?.model ?? 'unknown'} x ${os.cpus().length}, Node ${process.version}; figures taken on a shared machine compare runs, not absolute speed.`
].join('\n\n');

for (const table of tables) {
	console.log(`\n**${table.caption}**\n`);
	console.log(`| ${table.columns.join(' | ')} |`);
	console.log(`|${table.columns.map(() => '---').join('|')}|`);
	for (const row of table.rows) console.log(`| ${row.join(' | ')} |`);
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ scenario: 'cold-load', title: 'Cold board load and document growth', method, tables }, null, 2));
