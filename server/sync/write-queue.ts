import * as Y from 'yjs';
import { emptyChangeSet, mergeChanges, type ChangeSet } from '../board/change-set.js';
import type { Writer } from '../board/writer.js';
import type { Health } from '../health.js';
import { EpochMoved, isCompactionDue, type CompactionPolicy, type DocStore } from './persistence.js';

/** A persisted batch: the merged update, its log id, the changes it made and who made them. */
export interface PersistedBatch {
	update: Uint8Array;
	updateId: number;
	changes: ChangeSet;
	writers: Writer[];
	/** The origin when one author made the whole batch (its echo is not sent back to it). */
	soleAuthor: unknown;
	at: Date;
}

export interface WriteQueueOptions {
	store: DocStore;
	docId: string;
	compaction: CompactionPolicy;
	health: Health;
	now: () => Date;
	/** State to snapshot, and with several nodes the update rows it holds; runs right before each snapshot write. */
	snapshot: () => Promise<{ state: Uint8Array; lastUpdateId: number; coveredIds: number[] | null }>;
	/** After a batch is on disk: broadcast it. Synchronous, so the order of broadcasts is the order on disk. */
	persisted: (batch: PersistedBatch) => void;
	/** After a snapshot is on disk, with its size (the room may rebuild a large document, epochs.ts). */
	snapshotWritten?: (stateBytes: number) => void;
	lastUpdateId: number;
	since: { updates: number; bytes: number };
	/** The document's epoch: neither an update nor a snapshot lands on a later epoch's. */
	epoch: number;
	/** Another node rebuilt the board: an append was refused (nothing of it written), and the room must retire. */
	superseded?: () => void;
}

const firstRetryMs = 250;
const maxRetryMs = 30_000;

/**
 * Group commit for one room. Accepted updates queue here; one flush at a
 * time appends them as one merged row and only then hands them on for
 * broadcast. A failed append keeps the batch and retries with backoff; a
 * failed snapshot is retried later and never blocks appends. The chain of
 * flushes never rejects, so one fault cannot wedge the room.
 */
export class WriteQueue {
	private pending: Array<{ update: Uint8Array; origin: unknown }> = [];
	private pendingChanges = emptyChangeSet();
	private pendingWriters: Writer[] = [];
	private flushing: Promise<void> = Promise.resolve();
	private scheduled = false;
	private appendFailures = 0;
	private compactFailures = 0;
	private compactNotBefore = 0;
	private lastId: number;
	private readonly since: { updates: number; bytes: number };
	private closed = false;
	/** The snapshot being written; appends go on meanwhile. */
	private snapshotting: Promise<void> | null = null;
	/** Updates queued and updates on disk, counted since the room loaded (a change tells whether its own landed). */
	private enqueuedCount = 0;
	private persistedCount = 0;

	constructor(private readonly options: WriteQueueOptions) {
		this.lastId = options.lastUpdateId;
		this.since = { ...options.since };
	}

	get lastUpdateId(): number {
		return this.lastId;
	}

	/** True while appends fail: the room then takes no new changes. */
	get failing(): boolean {
		return this.appendFailures > 0;
	}

	/** Queues an update (already integrated in the document). */
	enqueue(update: Uint8Array, origin: unknown): void {
		this.pending.push({ update, origin });
		this.enqueuedCount += 1;
		this.schedule();
	}

	/** How many updates were queued so far: once flushed, `landed(mark)` tells whether they all reached the disk. */
	get mark(): number {
		return this.enqueuedCount;
	}

	landed(mark: number): boolean {
		return this.persistedCount >= mark;
	}

	/** Records what an accepted change did, for the projection of the batch that carries it. */
	noteAccepted(changes: ChangeSet, writer: Writer): void {
		mergeChanges(this.pendingChanges, changes);
		this.pendingWriters.push(writer);
	}

	/** Resolves when everything queued so far is on disk and handed on. */
	flushed(): Promise<void> {
		if (this.pending.length > 0) this.schedule();
		return this.flushing.then(() => (this.pending.length > 0 && !this.closed ? this.flushed() : undefined));
	}

	/** Notes updates persisted elsewhere (another node's, read back before a snapshot). */
	noteStored(updateId: number): void {
		this.lastId = Math.max(this.lastId, updateId);
	}

	/** Writes a snapshot now if anything happened since the last one. */
	async compact(): Promise<void> {
		await this.flushed();
		await this.snapshotting;
		if (this.since.updates === 0) return;
		await this.writeSnapshot();
	}

	/** Resolves once everything queued is on disk and no snapshot is being written. */
	async drained(): Promise<void> {
		await this.flushed();
		await this.snapshotting;
	}

	/** Stops retrying (the room unloads or the server stops). */
	close(): void {
		this.closed = true;
	}

	private schedule(): void {
		if (this.scheduled || this.closed) return;
		this.scheduled = true;
		this.flushing = this.flushing.then(async () => {
			this.scheduled = false;
			await this.flushBatch();
		});
	}

	private async flushBatch(): Promise<void> {
		if (this.pending.length === 0) return;
		const batch = this.pending;
		const changes = this.pendingChanges;
		const writers = this.pendingWriters;
		this.pending = [];
		this.pendingChanges = emptyChangeSet();
		this.pendingWriters = [];
		const update = batch.length === 1 ? batch[0]!.update : Y.mergeUpdates(batch.map((entry) => entry.update));
		let updateId: number;
		try {
			updateId = await this.options.store.appendUpdate(this.options.docId, update, this.options.epoch);
		} catch (error) {
			if (error instanceof EpochMoved) {
				// Never written, never broadcast: the peers that sent it hold it in their copies and are carried.
				this.closed = true;
				this.options.superseded?.();
				return;
			}
			// Not on disk, so not broadcast: put it back in front and try again.
			this.pending.unshift(...batch);
			mergeChanges(changes, this.pendingChanges);
			this.pendingChanges = changes;
			this.pendingWriters = [...writers, ...this.pendingWriters];
			this.appendFailures += 1;
			this.options.health.report(`room ${this.options.docId}: saving`, `cannot save board changes, retrying: ${message(error)}`);
			await sleep(backoff(this.appendFailures));
			this.schedule();
			return;
		}
		if (this.appendFailures > 0) this.options.health.clear(`room ${this.options.docId}: saving`);
		this.appendFailures = 0;
		this.lastId = Math.max(this.lastId, updateId);
		this.persistedCount += batch.length;
		const soleAuthor = batch.every((entry) => entry.origin === batch[0]!.origin) ? batch[0]!.origin : null;
		this.options.persisted({ update, updateId, changes, writers, soleAuthor, at: this.options.now() });
		this.since.updates += 1;
		this.since.bytes += update.byteLength;
		// Off the flush chain: the next batches are appended and broadcast while
		// a large board's snapshot is encoded and written.
		if (!this.snapshotting && isCompactionDue(this.options.compaction, this.since) && Date.now() >= this.compactNotBefore) {
			this.snapshotting = this.writeSnapshot().finally(() => (this.snapshotting = null));
		}
	}

	private async writeSnapshot(): Promise<void> {
		// What the snapshot covers: appends made while it is written count towards the next one.
		const covered = { ...this.since };
		try {
			const { state, lastUpdateId, coveredIds } = await this.options.snapshot();
			await this.options.store.writeSnapshot(this.options.docId, state, lastUpdateId, this.options.epoch, coveredIds);
			this.since.updates = Math.max(0, this.since.updates - covered.updates);
			this.since.bytes = Math.max(0, this.since.bytes - covered.bytes);
			if (this.compactFailures > 0) this.options.health.clear(`room ${this.options.docId}: snapshot`);
			this.compactFailures = 0;
			this.options.snapshotWritten?.(state.byteLength);
		} catch (error) {
			// The room retired meanwhile (another node rebuilt the board): nothing to report.
			if (this.closed) return;
			// The update log still holds everything: a late snapshot costs load time, not data.
			this.compactFailures += 1;
			this.compactNotBefore = Date.now() + backoff(this.compactFailures);
			this.options.health.report(`room ${this.options.docId}: snapshot`, `cannot write a snapshot, will retry: ${message(error)}`);
		}
	}
}

function backoff(failures: number): number {
	return Math.min(maxRetryMs, firstRetryMs * 2 ** Math.min(failures - 1, 10));
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms).unref?.());
}

function message(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
