import { emptyChangeSet, mergeChanges, type ChangeSet } from '../board/change-set.js';
import type { Health } from '../health.js';
import type { ProjectionScope } from '../pipelines/projection.js';
import type { PersistedBatch } from './write-queue.js';

export type ProjectFn = (scope: ProjectionScope) => Promise<void>;

const firstRetryMs = 500;
const maxRetryMs = 60_000;

export interface ProjectionFollowerOptions {
	name: string;
	health: Health;
	project: ProjectFn;
	now: () => Date;
	/**
	 * The least time between two projections of the board (0: no gathering).
	 * A change after a quiet spell is projected at once; under load, lists and
	 * reports lag the live board by at most this. An API write does not wait
	 * for it (`idle` projects at once).
	 */
	delayMs?: number;
}

type Gathered = { changes: ChangeSet; at: Date; upToUpdateId: number };

/**
 * Keeps a board's relational projection following its persisted batches, in
 * its own queue. Batches that arrive while a projection runs, or within
 * `delayMs` of the last one, are gathered into the next: under load a board
 * is projected a few times a second, not once per move, and the update log's
 * appends do not queue behind projection transactions. Gathering keeps each
 * entity's final state and every stage a deal entered (mergeChanges).
 *
 * A batch that fails to project is not dropped: the board is marked behind
 * and projected whole, with backoff, until that succeeds. The database's
 * mark (projection_marks) says how far it got, so a restart catches up too
 * (Room.load).
 */
export class ProjectionFollower {
	private chain: Promise<void> = Promise.resolve();
	/** Persisted batches not projected yet, merged. */
	private gathered: Gathered | null = null;
	/** A run is queued on the chain; it takes whatever has gathered when it starts. */
	private queued = false;
	private gathering: NodeJS.Timeout | null = null;
	/** No projection starts before this (Date.now() ms), unless asked for. */
	private quietUntil = 0;
	/** Set while the projection misses something: the next run projects the whole board. */
	private behind = false;
	private knownUpTo = 0;
	private failures = 0;
	private retry: NodeJS.Timeout | null = null;
	private closed = false;

	constructor(private readonly options: ProjectionFollowerOptions) {}

	follow(batch: PersistedBatch): void {
		this.knownUpTo = Math.max(this.knownUpTo, batch.updateId);
		this.gathered ??= { changes: emptyChangeSet(), at: batch.at, upToUpdateId: 0 };
		mergeChanges(this.gathered.changes, batch.changes);
		// The moment of the latest change (each stage entry keeps its own time).
		this.gathered.at = batch.at;
		this.gathered.upToUpdateId = Math.max(this.gathered.upToUpdateId, batch.updateId);
		if (this.queued || this.gathering || this.closed) return;
		const wait = this.quietUntil - Date.now();
		if (wait <= 0) this.queueRun();
		else {
			this.gathering = setTimeout(() => this.queueRun(), wait);
			this.gathering.unref?.();
		}
	}

	/** Projects the whole board, up to the given update id. */
	catchUp(upToUpdateId: number): void {
		this.knownUpTo = Math.max(this.knownUpTo, upToUpdateId);
		this.behind = true;
		this.queueRun();
	}

	/** Projects what has gathered at once; resolves when the projection has caught up. */
	idle(): Promise<void> {
		if (this.gathered) this.queueRun();
		return this.chain;
	}

	close(): void {
		this.closed = true;
		if (this.retry) clearTimeout(this.retry);
		if (this.gathering) clearTimeout(this.gathering);
	}

	private queueRun(): void {
		if (this.gathering) clearTimeout(this.gathering);
		this.gathering = null;
		if (this.queued) return;
		this.queued = true;
		this.chain = this.chain.then(() => this.runOnce());
	}

	private async runOnce(): Promise<void> {
		this.queued = false;
		if (this.closed) return;
		const gathered = this.gathered;
		this.gathered = null;
		if (!gathered && !this.behind) return;
		this.quietUntil = Date.now() + (this.options.delayMs ?? 0);
		const scope: ProjectionScope =
			this.behind || !gathered ? { all: true, at: this.options.now(), upToUpdateId: this.knownUpTo } : { all: false, ...gathered };
		try {
			await this.options.project(scope);
			if (scope.all) this.behind = false;
			if (this.failures > 0) this.options.health.clear(`${this.options.name}: projection`);
			this.failures = 0;
		} catch (error) {
			this.behind = true;
			this.failures += 1;
			this.options.health.report(`${this.options.name}: projection`, `lists and reports lag behind the board, retrying: ${(error as Error).message}`);
			this.scheduleRetry();
		}
	}

	private scheduleRetry(): void {
		if (this.retry || this.closed) return;
		const delay = Math.min(maxRetryMs, firstRetryMs * 2 ** Math.min(this.failures - 1, 10));
		this.retry = setTimeout(() => {
			this.retry = null;
			this.queueRun();
		}, delay);
		this.retry.unref?.();
	}
}
