import * as Y from 'yjs';
import { boardMaps, listDealsInStage, listStages, listTasksOfDeal, moveDeal, rankForDrop, setTaskDone, updateDeal } from '../../src/lib/model/index.js';
import type { BoardClient } from './sync-server.js';

/** A small seeded generator (mulberry32): the same seed replays the same run. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export function pick<T>(random: () => number, items: readonly T[]): T {
	return items[Math.floor(random() * items.length)]!;
}

const clock = { now: () => new Date().toISOString() };

export interface MoverOptions {
	/** Pause between two steps, drawn between the bounds. */
	everyMs?: [number, number];
	/**
	 * Share of steps that retitle every open deal in one transaction (long
	 * titles): a bulk edit that fills the update log by bytes, so the server
	 * compacts (past 1 MiB) even when group commit keeps the count of updates low.
	 */
	retitleShare?: number;
}

/**
 * A person working a board: every few milliseconds a random open deal moves to
 * a random place of a random open stage (stageId and rank in one
 * transaction); every tenth step completes one of the deal's active tasks
 * with its next step, in the same transaction. It keeps working while its
 * connection is down, as a browser does, and stops only when paused.
 */
export class Mover {
	moves = 0;
	completions = 0;
	retitles = 0;
	private timer: NodeJS.Timeout | null = null;
	private nextId = 0;
	private readonly everyMs: [number, number];
	private readonly retitleShare: number;

	constructor(
		readonly name: string,
		readonly client: BoardClient,
		private readonly random: () => number,
		options: MoverOptions = {}
	) {
		this.everyMs = options.everyMs ?? [20, 60];
		this.retitleShare = options.retitleShare ?? 0;
	}

	resume(): void {
		if (this.timer) return;
		const tick = () => {
			this.step();
			const [min, max] = this.everyMs;
			this.timer = setTimeout(tick, min + this.random() * (max - min));
		};
		this.timer = setTimeout(tick, 0);
	}

	pause(): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
	}

	step(): void {
		const doc = this.client.doc;
		const stages = listStages(doc).filter((stage) => stage.kind === 'open');
		const deals = [...boardMaps(doc).deals.entries()].filter(([, deal]) => deal.get('status') === 'open').map(([id]) => id);
		if (stages.length === 0 || deals.length === 0) return;
		if (this.random() < this.retitleShare) {
			const word = Math.floor(this.random() * 36 ** 6).toString(36);
			doc.transact(() => {
				for (const id of deals) updateDeal(doc, id, { title: `${word} `.repeat(40).slice(0, 200).trim() }, clock);
			});
			this.retitles += 1;
			return;
		}
		const dealId = pick(this.random, deals);
		if (this.random() < 0.1) {
			const active = listTasksOfDeal(doc, dealId).filter((task) => !task.done);
			if (active.length > 0) {
				const id = `${this.name}-t${(this.nextId += 1)}`;
				setTaskDone(doc, pick(this.random, active).id, true, clock, { id, type: 'call', title: 'Follow up', dueAt: '2030-01-01T09:00:00.000Z' });
				this.completions += 1;
				return;
			}
		}
		const stageId = pick(this.random, stages).id;
		const column = listDealsInStage(doc, stageId).filter((deal) => deal.id !== dealId);
		const at = Math.floor(this.random() * (column.length + 1));
		const rank = rankForDrop(doc, stageId, column[at - 1]?.id ?? null, column[at]?.id ?? null);
		moveDeal(doc, dealId, stageId, rank, clock);
		this.moves += 1;
	}
}

/**
 * A read-only client that records what the server sent it: every update it
 * received and every deal state those updates produced. Whatever it received
 * the server had broadcast, so it must be on disk.
 */
export class Observer {
	updates = 0;
	dealStates = 0;

	constructor(readonly client: BoardClient) {
		client.doc.on('update', (_update: Uint8Array, origin: unknown) => {
			if (origin === client.provider) this.updates += 1;
		});
		boardMaps(client.doc).deals.observeDeep((events, transaction) => {
			if (transaction.origin !== client.provider) return;
			const deals = boardMaps(client.doc).deals;
			const touched = new Set(events.flatMap((event) => (event.target === deals ? [...event.changes.keys.keys()] : [event.path[0]])));
			this.dealStates += touched.size;
		});
	}

	/** Everything received so far, as one update. */
	received(): Uint8Array {
		return Y.encodeStateAsUpdate(this.client.doc);
	}
}

/** What `seen` holds that `holder` lacks: operations (Yjs clock ticks) and whether its content differs. */
export function missingFrom(holder: Y.Doc, seen: Uint8Array): { operations: number; contentDiffers: boolean } {
	const have = Y.decodeStateVector(Y.encodeStateVector(holder));
	let operations = 0;
	for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVectorFromUpdate(seen))) {
		operations += Math.max(0, clock - (have.get(client) ?? 0));
	}
	// Deletions carry no clock: apply what was seen to a copy and look for any change.
	const copy = new Y.Doc();
	Y.applyUpdate(copy, Y.encodeStateAsUpdate(holder));
	const before = contentOf(copy);
	Y.applyUpdate(copy, seen);
	const contentDiffers = contentOf(copy) !== before;
	copy.destroy();
	return { operations, contentDiffers };
}

/** True when every document has the same history and the same content. */
export function converged(docs: Y.Doc[]): boolean {
	const [first, ...rest] = docs;
	if (!first) return true;
	// State vectors first: they are cheap, and while they differ the content is not worth reading.
	const vector = vectorOf(first);
	if (!rest.every((doc) => vectorOf(doc) === vector)) return false;
	const content = contentOf(first);
	return rest.every((doc) => contentOf(doc) === content);
}

/** True when the client has no socket any more (after its server died, or once disconnected). */
export function isDisconnected(client: BoardClient): boolean {
	return client.provider.ws === null && !client.provider.wsconnected;
}

/** True when both documents hold the same updates (content may still be applying). */
export function sameHistory(a: Y.Doc, b: Y.Doc): boolean {
	return vectorOf(a) === vectorOf(b);
}

function vectorOf(doc: Y.Doc): string {
	return JSON.stringify([...Y.decodeStateVector(Y.encodeStateVector(doc))].sort(([a], [b]) => a - b));
}

/**
 * The board's four maps as JSON with sorted keys: two replicas may hold a
 * map's keys in different orders, and a document only lists the root types
 * that were asked for.
 */
export function contentOf(doc: Y.Doc): string {
	const { meta, stages, deals, tasks } = boardMaps(doc);
	const board = { meta: meta.toJSON(), stages: stages.toJSON(), deals: deals.toJSON(), tasks: tasks.toJSON() };
	return JSON.stringify(board, (_key, value: unknown) =>
		value && typeof value === 'object' && !Array.isArray(value)
			? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
			: value
	);
}
