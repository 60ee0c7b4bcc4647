import type { DocStore } from './persistence.js';

export interface CatchUpOptions {
	store: DocStore;
	docId: string;
	/** Every update id up to here is in the document (the state it was loaded with). */
	horizon: number;
	/** The document's epoch: rows and snapshots of another are never integrated. */
	epoch: number;
	/** The log shows a later epoch: another node rebuilt the board, and this room must retire. */
	superseded(): void;
	/** How often the update log is asked for rows this node has not seen. */
	everyMs: number;
	/**
	 * How long an insert may take to commit after a higher id was read. Ids
	 * are handed out when a row is inserted, not when it commits, so a lower
	 * id can appear later; the horizon only passes ids read this long ago.
	 */
	settleMs: number;
	/** Integrates bytes read from the log (an update, or a snapshot of the whole document). */
	apply(bytes: Uint8Array): void;
	/** A catch-up that fails is tried again at the next tick; this says why. */
	failed(error: unknown): void;
}

/**
 * Recovers what Redis pub/sub lost between nodes (DESIGN.md, "Scaling out").
 * Every update is on disk under an id before any node publishes it, and the
 * message carries the id, so a room knows which ids it has integrated. Each
 * tick it lists the ids in the log above its horizon (an index-only read)
 * and fetches the missing ones; a snapshot another node wrote over rows it
 * never saw is merged whole. Applying what is already there is a no-op in
 * Yjs, so a late original message does no harm.
 */
export class UpdateCatchUp {
	private readonly seen = new Set<number>();
	private horizon: number;
	private snapshotSeen: number;
	private readonly marks: Array<{ at: number; upTo: number }> = [];
	private timer: NodeJS.Timeout | null = null;
	private running: Promise<number> | null = null;
	private stopped = false;

	constructor(private readonly options: CatchUpOptions) {
		this.horizon = options.horizon;
		this.snapshotSeen = options.horizon;
	}

	start(): void {
		if (this.timer) return;
		this.timer = setInterval(() => void this.run().catch((error) => this.options.failed(error)), this.options.everyMs);
		this.timer.unref?.();
	}

	/**
	 * Ends the ticks and waits out a catch-up in flight, which applies nothing
	 * more: the room is about to free its document.
	 */
	async stop(): Promise<void> {
		this.stopped = true;
		if (this.timer) clearInterval(this.timer);
		this.timer = null;
		await this.running?.catch(() => undefined);
	}

	/** The room integrated this update (its own, or one another node published). */
	noteSeen(updateId: number): void {
		if (updateId > this.horizon) this.seen.add(updateId);
	}

	/** The room wrote a snapshot up to this id: it holds all of it already. */
	noteOwnSnapshot(lastUpdateId: number): void {
		this.snapshotSeen = Math.max(this.snapshotSeen, lastUpdateId);
	}

	/** One catch-up; resolves with how many rows (updates or a snapshot) it integrated. */
	run(): Promise<number> {
		if (this.stopped) return Promise.resolve(0);
		this.running ??= this.catchUp().finally(() => (this.running = null));
		return this.running;
	}

	private async catchUp(): Promise<number> {
		const { store, docId } = this.options;
		const { rows: listed, snapshotUpTo, snapshotEpoch } = await store.listUpdateIds(docId, this.horizon);
		if (this.stopped) return 0;
		if (snapshotEpoch > this.options.epoch || listed.some((row) => row.epoch > this.options.epoch)) return this.supersede();
		const ids = listed.filter((row) => row.epoch === this.options.epoch).map((row) => row.id);
		let integrated = 0;
		// Rows another node folded into its snapshot are gone from the log; some may never have reached this node.
		if (snapshotUpTo > this.snapshotSeen && snapshotUpTo > this.horizon) {
			const snapshot = await store.loadSnapshot(docId);
			if (this.stopped) return integrated;
			if (snapshot && snapshot.epoch !== this.options.epoch) return this.supersede();
			if (snapshot) {
				this.options.apply(snapshot.state);
				integrated += 1;
			}
		}
		this.snapshotSeen = Math.max(this.snapshotSeen, snapshotUpTo);
		const missing = ids.filter((id) => !this.seen.has(id));
		const rows = await store.loadUpdatesByIds(docId, missing);
		if (this.stopped) return integrated;
		if (rows.some((row) => row.epoch !== this.options.epoch)) return this.supersede();
		for (const { id, bytes } of rows) {
			this.options.apply(bytes);
			this.seen.add(id);
			integrated += 1;
		}
		this.advanceHorizon(Math.max(ids.at(-1) ?? 0, snapshotUpTo));
		return integrated;
	}

	private supersede(): number {
		this.stopped = true;
		if (this.timer) clearInterval(this.timer);
		this.timer = null;
		this.options.superseded();
		return 0;
	}

	private advanceHorizon(readUpTo: number): void {
		const now = Date.now();
		this.marks.push({ at: now, upTo: readUpTo });
		while (this.marks.length > 0 && now - this.marks[0]!.at >= this.options.settleMs) {
			this.horizon = Math.max(this.horizon, this.marks.shift()!.upTo);
		}
		for (const id of this.seen) if (id <= this.horizon) this.seen.delete(id);
	}
}
