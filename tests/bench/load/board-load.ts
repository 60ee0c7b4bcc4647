// The load generator the board scenarios share (fanout, one-board,
// connections, nodes): a separate process on the load core, driven over IPC
// by its scenario (tests/bench/lib/generator.ts). It opens the clients of
// each board, moves deals at a target rate with a seeded PRNG, times each
// move until every observer's Y.Doc shows it, and checks final states.
import * as Y from 'yjs';
import { boardMaps, listDeals, listDealsInStage, listStages, moveDeal, rankBetween } from '../../../src/lib/model/index.js';
import { SyncClient, referenceTarget, voronkaTarget, type SyncTarget } from '../lib/clients.js';
import { serveGenerator } from '../lib/generator.js';
import { createRandom, type Random } from '../lib/random.js';
import { writeReferenceBoard } from '../lib/reference-board.js';
import { percentile } from '../lib/stats.js';

export interface TargetSpec {
	kind: 'voronka' | 'reference';
	baseUrl: string;
	token?: string;
}

export type ClientRole = 'mover' | 'observer' | 'passive';

export interface OpenRequest {
	targets: TargetSpec[];
	boards: string[];
	/** The clients of every board, in connection order; the first mover's doc is the board's truth. */
	clients: Array<{ role: ClientRole; target: number }>;
	/** For the reference server: write the board's deals into each room first. */
	referenceDeals?: number;
	seed: number;
	/** Handshakes in flight at once while opening. */
	inFlight?: number;
}

export interface MoveStats {
	sent: number;
	measured: number;
	seconds: number;
	p50: number;
	p95: number;
	p99: number;
	max: number;
	/** Measured moves some observer never showed within the drain time. */
	unseen: number;
	refusals: number;
	/** From the stop until every measured move was shown (or the drain time ran out). */
	drainedMs: number;
}

interface PendingMove {
	stageId: string;
	rank: string;
	sentAt: number;
	measured: boolean;
}

interface Board {
	id: string;
	mover: SyncClient;
	observers: SyncClient[];
	passive: SyncClient[];
	dealIds: string[];
	openStageIds: string[];
	/** Moves in order per deal; each observer keeps a cursor into each list. */
	pending: Map<string, PendingMove[]>;
	/**
	 * The top rank of each column as the mover last placed it. Only the mover
	 * moves deals, so a rank above it stays above the column's real top even
	 * after the top card left; it spares a scan of the board per move, which
	 * on 5,000 deals would make the generator the bottleneck.
	 */
	topRanks: Map<string, string | null>;
}

const clock = { now: () => new Date().toISOString() };
let boards: Board[] = [];
let everyClient: SyncClient[] = [];
let random: Random = createRandom(1);
let latencies: number[] = [];
let moving: { timer: NodeJS.Timeout; startedAt: number; issued: number; sent: number; measured: number; measureFrom: number | null; rate: number } | null = null;
let reconnecting = false;
const reconnectTimes: number[] = [];

function toTarget(spec: TargetSpec): SyncTarget {
	return spec.kind === 'voronka' ? voronkaTarget(spec.baseUrl, spec.token ?? '') : referenceTarget(spec.baseUrl);
}

/** Times moves as this observer's doc shows them: deal in the new stage at the new rank. */
function watchObserver(board: Board, observer: SyncClient): void {
	const cursors = new Map<string, number>();
	const deals = boardMaps(observer.doc!).deals;
	deals.observeDeep((events) => {
		const now = performance.now();
		for (const event of events) {
			if (event.path.length !== 1) continue;
			const dealId = String(event.path[0]);
			const moves = board.pending.get(dealId);
			if (!moves) continue;
			const map = event.target as Y.Map<unknown>;
			const stageId = map.get('stageId');
			const rank = map.get('rank');
			const from = cursors.get(dealId) ?? 0;
			// The latest move it shows; earlier ones count as shown now (a server may coalesce).
			let shown = -1;
			for (let i = moves.length - 1; i >= from; i--) {
				if (moves[i]!.stageId === stageId && moves[i]!.rank === rank) {
					shown = i;
					break;
				}
			}
			if (shown < 0) continue;
			for (let i = from; i <= shown; i++) if (moves[i]!.measured) latencies.push(now - moves[i]!.sentAt);
			cursors.set(dealId, shown + 1);
		}
	});
	(observer as SyncClient & { cursors?: Map<string, number> }).cursors = cursors;
}

function cursorsOf(observer: SyncClient): Map<string, number> {
	return (observer as SyncClient & { cursors?: Map<string, number> }).cursors ?? new Map();
}

async function connectWithRetry(client: SyncClient, deadline: number): Promise<void> {
	for (;;) {
		try {
			return await client.connect(Math.max(1000, deadline - Date.now()));
		} catch (error) {
			if (Date.now() > deadline) throw error;
			await new Promise((resolve) => setTimeout(resolve, 100 + random.below(200)));
		}
	}
}

/** Connects every client, `inFlight` handshakes at a time; returns how many never synced before the deadline. */
async function connectMany(clients: SyncClient[], inFlight: number, timeoutMs = 300_000): Promise<number> {
	const deadline = Date.now() + timeoutMs;
	let next = 0;
	let failed = 0;
	let lastError = '';
	const worker = async () => {
		while (next < clients.length) {
			await connectWithRetry(clients[next++]!, deadline).catch((error: Error) => {
				failed += 1;
				lastError = error.message;
			});
		}
	};
	await Promise.all(Array.from({ length: Math.min(inFlight, clients.length) }, worker));
	if (failed > 0) console.error(`board-load: ${failed} of ${clients.length} clients never synced (${lastError})`);
	return failed;
}

/**
 * A socket the server closed (back-pressure, a killed node) reconnects at
 * once with its doc, as a stock y-websocket client does; the time to sync
 * again is kept.
 */
function keepConnected(client: SyncClient): void {
	const watch = () =>
		client.socket?.once('close', () => {
			if (!reconnecting) return;
			const lostAt = performance.now();
			connectWithRetry(client, Date.now() + 60_000)
				.then(() => {
					reconnectTimes.push(performance.now() - lostAt);
					watch();
				})
				.catch(() => undefined);
		});
	watch();
}

async function open(request: OpenRequest) {
	const startedAt = performance.now();
	random = createRandom(request.seed);
	const targets = request.targets.map(toTarget);
	const inFlight = request.inFlight ?? 50;
	boards = [];
	everyClient = [];
	reconnecting = true;
	for (const [index, id] of request.boards.entries()) {
		const make = (role: ClientRole, target: number) => new SyncClient(targets[target]!.socketUrl(id), role === 'passive' ? null : new Y.Doc());
		const moverSpec = request.clients.find((client) => client.role === 'mover') ?? { role: 'mover' as const, target: 0 };
		const mover = make('mover', moverSpec.target);
		await connectWithRetry(mover, Date.now() + 180_000);
		if (request.referenceDeals && listDeals(mover.doc!).length === 0) writeReferenceBoard(mover.doc!, id, request.referenceDeals, request.seed + index);
		const board: Board = {
			id,
			mover,
			observers: [],
			passive: [],
			dealIds: [],
			openStageIds: [],
			pending: new Map(),
			topRanks: new Map()
		};
		let moverSeen = false;
		for (const spec of request.clients) {
			if (spec.role === 'mover' && !moverSeen) {
				moverSeen = true;
				continue;
			}
			const client = make(spec.role, spec.target);
			(spec.role === 'passive' ? board.passive : board.observers).push(client);
		}
		boards.push(board);
	}
	const rest = boards.flatMap((board) => [...board.observers, ...board.passive]);
	const failed = await connectMany(rest, inFlight);
	for (const board of boards) {
		const doc = board.mover.doc!;
		board.openStageIds = listStages(doc).filter((stage) => stage.kind === 'open').map((stage) => stage.id);
		board.dealIds = listDeals(doc).filter((deal) => deal.status === 'open').map((deal) => deal.id);
		for (const observer of board.observers) watchObserver(board, observer);
	}
	everyClient = boards.flatMap((board) => [board.mover, ...board.observers, ...board.passive]);
	for (const client of everyClient) keepConnected(client);
	return {
		clients: everyClient.length,
		deals: boards.reduce((sum, board) => sum + board.dealIds.length, 0),
		failed,
		openMs: performance.now() - startedAt
	};
}

function moveOne(): void {
	const board = random.pick(boards);
	if (board.dealIds.length === 0 || board.openStageIds.length < 2) return;
	const dealId = random.pick(board.dealIds);
	const deals = boardMaps(board.mover.doc!).deals;
	const current = (deals.get(dealId) as Y.Map<unknown> | undefined)?.get('stageId');
	const choices = board.openStageIds.filter((id) => id !== current);
	const stageId = random.pick(choices);
	if (!board.topRanks.has(stageId)) board.topRanks.set(stageId, listDealsInStage(board.mover.doc!, stageId)[0]?.rank ?? null);
	const rank = rankBetween(null, board.topRanks.get(stageId) ?? null);
	board.topRanks.set(stageId, rank);
	const sentAt = performance.now();
	moveDeal(board.mover.doc!, dealId, stageId, rank, clock);
	const measured = moving!.measureFrom !== null;
	let moves = board.pending.get(dealId);
	if (!moves) board.pending.set(dealId, (moves = []));
	moves.push({ stageId, rank, sentAt, measured });
	moving!.sent += 1;
	moving!.issued += 1;
	if (measured) moving!.measured += 1;
}

/** Starts moving at `rate` moves/s across all boards (not measured until `measure`). */
function start(request: { rate: number }) {
	if (moving) clearInterval(moving.timer);
	latencies = [];
	const state = { timer: null as unknown as NodeJS.Timeout, startedAt: performance.now(), issued: 0, sent: 0, measured: 0, measureFrom: null as number | null, rate: request.rate };
	// Catch up with the schedule every few milliseconds: the rate holds even when timers are late.
	state.timer = setInterval(() => {
		const due = Math.floor(((performance.now() - state.startedAt) / 1000) * state.rate);
		// A generator more than a second behind skips ahead rather than flood (it shows as a lower achieved rate).
		if (due - state.issued > state.rate) state.issued = due - state.rate;
		for (let budget = Math.min(due - state.issued, Math.max(5, state.rate / 20)); budget > 0; budget--) moveOne();
	}, 2);
	moving = state;
	return { ok: true };
}

function measure() {
	if (!moving) throw new Error('not moving');
	moving.measureFrom = performance.now();
	moving.measured = 0;
	latencies = [];
	return { ok: true };
}

function unseenMeasured(): number {
	let unseen = 0;
	for (const board of boards) {
		for (const observer of board.observers) {
			const cursors = cursorsOf(observer);
			for (const [dealId, moves] of board.pending) {
				const from = cursors.get(dealId) ?? 0;
				for (let i = from; i < moves.length; i++) if (moves[i]!.measured) unseen += 1;
			}
		}
	}
	return unseen;
}

/** Stops moving and waits (up to `drainMs`) for the observers to show every measured move. */
async function stop(request: { drainMs?: number }): Promise<MoveStats> {
	if (!moving) throw new Error('not moving');
	clearInterval(moving.timer);
	const seconds = moving.measureFrom === null ? 0 : (performance.now() - moving.measureFrom) / 1000;
	const { sent, measured } = moving;
	const stoppedAt = performance.now();
	const deadline = stoppedAt + (request.drainMs ?? 5000);
	while (unseenMeasured() > 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
	const drainedMs = performance.now() - stoppedAt;
	const unseen = unseenMeasured();
	const values = latencies;
	moving = null;
	// The next rate starts from clean lists: cursors and moves restart together.
	for (const board of boards) {
		board.pending.clear();
		for (const observer of board.observers) cursorsOf(observer).clear();
	}
	return {
		sent,
		measured,
		seconds,
		p50: percentile(values, 50),
		p95: percentile(values, 95),
		p99: percentile(values, 99),
		max: percentile(values, 100),
		unseen,
		drainedMs,
		refusals: everyClient.reduce((sum, client) => sum + client.refusals, 0)
	};
}

function describeDeals(doc: Y.Doc): Map<string, string> {
	return new Map(listDeals(doc).map((deal) => [deal.id, `${deal.stageId}@${deal.rank}`]));
}

function differences(expected: Map<string, string>, actual: Map<string, string>): number {
	let count = 0;
	for (const [id, state] of expected) if (actual.get(id) !== state) count += 1;
	return count;
}

/**
 * After a run: every doc client (and a fresh client, which reads what the
 * server kept) shows each deal exactly as its board's mover left it.
 */
async function verify(request: { waitMs?: number; fresh?: boolean; targets?: TargetSpec[] }) {
	const deadline = performance.now() + (request.waitMs ?? 10_000);
	const check = () => {
		let mismatchedClients = 0;
		let mismatchedDeals = 0;
		for (const board of boards) {
			const expected = describeDeals(board.mover.doc!);
			for (const observer of board.observers) {
				const diff = differences(expected, describeDeals(observer.doc!));
				if (diff > 0) mismatchedClients += 1;
				mismatchedDeals += diff;
			}
		}
		return { mismatchedClients, mismatchedDeals };
	};
	let result = check();
	while (result.mismatchedClients > 0 && performance.now() < deadline) {
		await new Promise((resolve) => setTimeout(resolve, 100));
		result = check();
	}
	let freshMismatches = 0;
	if (request.fresh && request.targets) {
		const target = toTarget(request.targets[0]!);
		for (const board of boards) {
			const fresh = new SyncClient(target.socketUrl(board.id), new Y.Doc());
			await connectWithRetry(fresh, Date.now() + 120_000);
			freshMismatches += differences(describeDeals(board.mover.doc!), describeDeals(fresh.doc!));
			fresh.close();
		}
	}
	return { ...result, freshMismatches, closes: closeReasons(), checkedClients: boards.reduce((sum, board) => sum + board.observers.length, 0) };
}

/** Why sockets were closed, over every client: "4429 too many updates waiting: 2". */
function closeReasons(): Record<string, number> {
	const reasons: Record<string, number> = {};
	for (const client of everyClient) for (const [why, count] of client.closeReasons) reasons[why] = (reasons[why] ?? 0) + count;
	return reasons;
}

/** The reconnect storm: every socket dropped at once, then all reconnect with their docs. */
async function storm(request: { inFlight?: number }) {
	reconnecting = false;
	for (const client of everyClient) client.drop();
	const startedAt = performance.now();
	const failed = await connectMany(everyClient, request.inFlight ?? everyClient.length, 300_000);
	const allSyncedMs = performance.now() - startedAt;
	reconnecting = true;
	for (const client of everyClient) keepConnected(client);
	return { clients: everyClient.length, failed, allSyncedMs };
}

/** How many clients are synced now, and the reconnect times of dropped ones so far. */
function status() {
	return {
		clients: everyClient.length,
		synced: everyClient.filter((client) => client.synced).length,
		reconnects: reconnectTimes.length,
		reconnectP50: percentile(reconnectTimes, 50),
		reconnectMax: percentile(reconnectTimes, 100)
	};
}

function close() {
	reconnecting = false;
	if (moving) clearInterval(moving.timer);
	moving = null;
	for (const client of everyClient) client.close();
	everyClient = [];
	boards = [];
	reconnectTimes.length = 0;
	return { ok: true };
}

serveGenerator({ open, start, measure, stop, verify, storm, status, close });
