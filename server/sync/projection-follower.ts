import type { Health } from '../health.js';
import type { ProjectionScope } from '../pipelines/projection.js';
import type { PersistedBatch } from './write-queue.js';

export type ProjectFn = (scope: ProjectionScope) => Promise<void>;

const firstRetryMs = 500;
const maxRetryMs = 60_000;

/**
 * Keeps a board's relational projection following its persisted batches, in
 * its own queue. A batch that fails to project is not dropped: the board is
 * marked behind and projected whole, with backoff, until that succeeds. The
 * database's mark (projection_marks) says how far it got, so a restart
 * catches up too (Room.load).
 */
export class ProjectionFollower {
	private chain: Promise<void> = Promise.resolve();
	/** Set while the projection misses something: the next run projects the whole board. */
	private behind = false;
	private knownUpTo = 0;
	private failures = 0;
	private retry: NodeJS.Timeout | null = null;
	private closed = false;

	constructor(private readonly options: { name: string; health: Health; project: ProjectFn; now: () => Date }) {}

	follow(batch: PersistedBatch): void {
		this.knownUpTo = Math.max(this.knownUpTo, batch.updateId);
		this.run(() => ({ all: false, changes: batch.changes, at: batch.at, upToUpdateId: batch.updateId }));
	}

	/** Projects the whole board, up to the given update id. */
	catchUp(upToUpdateId: number): void {
		this.knownUpTo = Math.max(this.knownUpTo, upToUpdateId);
		this.behind = true;
		this.run(() => null);
	}

	idle(): Promise<void> {
		return this.chain;
	}

	close(): void {
		this.closed = true;
		if (this.retry) clearTimeout(this.retry);
	}

	private run(scopeOf: () => ProjectionScope | null): void {
		this.chain = this.chain.then(async () => {
			if (this.closed) return;
			const partial = scopeOf();
			const scope = this.behind || !partial ? { all: true, at: this.options.now(), upToUpdateId: this.knownUpTo } : partial;
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
		});
	}

	private scheduleRetry(): void {
		if (this.retry || this.closed) return;
		const delay = Math.min(maxRetryMs, firstRetryMs * 2 ** Math.min(this.failures - 1, 10));
		this.retry = setTimeout(() => {
			this.retry = null;
			this.run(() => null);
		}, delay);
		this.retry.unref?.();
	}
}
