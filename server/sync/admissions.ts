import type { Auth } from '../http/context.js';
import { matchesConnection, type ConnectionMatch } from './connections.js';
import type { SyncConnection } from './socket.js';

/** What a board's upgrade was admitted with, minus the request's own language. */
export interface Admission {
	user: Auth['user'];
	sync: Omit<SyncConnection, 'locale'>;
}

interface Entry extends Admission {
	validUntil: number;
}

/**
 * Recent answers to "may this credential open this board?", so that a
 * reconnect storm (thousands of sockets back at once after a network drop)
 * is admitted from memory instead of asking the database twice per socket:
 * on PGlite, one connection, those lookups were most of a storm's time.
 *
 * An answer is kept for the re-check interval of open connections
 * (SYNC_RECHECK_SECONDS), so no path is slower to lose its right than an open
 * socket already is. Every path that takes a right away calls
 * Connections.close, on every node; that forgets the matching answers at
 * once, and so does a periodic re-check that finds a connection invalid. A
 * lookup that was running while an answer was forgotten is not kept (the
 * generation count): it may have read the right before it was taken away.
 * Refusals are never kept.
 */
export class Admissions {
	private readonly entries = new Map<string, Entry>();
	private generation = 0;

	constructor(
		private readonly keepMs: number,
		private readonly maxEntries = 20_000
	) {}

	/** The admission of this credential to this board, while it holds. */
	find(credentialKey: string, pipelineId: string, nowMs: number): Admission | null {
		const key = entryKey(credentialKey, pipelineId);
		const entry = this.entries.get(key);
		if (!entry) return null;
		if (nowMs >= entry.validUntil) {
			this.entries.delete(key);
			return null;
		}
		return entry;
	}

	/** Call before the lookup starts; hand the answer to `remember`. */
	startLookup(): number {
		return this.generation;
	}

	/**
	 * Keeps an admission until `keepMs` from now, or until `expiresAtMs` (a
	 * session's end) when that is sooner, unless a right was taken away since
	 * `startedAt`.
	 */
	remember(credentialKey: string, admission: Admission, startedAt: number, nowMs: number, expiresAtMs = Infinity): void {
		if (startedAt !== this.generation) return;
		const key = entryKey(credentialKey, admission.sync.pipelineId);
		this.entries.delete(key);
		this.entries.set(key, { ...admission, validUntil: Math.min(nowMs + this.keepMs, expiresAtMs) });
		// Oldest first out: a Map iterates in insertion order.
		for (const oldest of this.entries.keys()) {
			if (this.entries.size <= this.maxEntries) break;
			this.entries.delete(oldest);
		}
	}

	/** Forgets every admission a taken-away right covers. */
	forget(match: ConnectionMatch): void {
		this.generation += 1;
		for (const [key, entry] of this.entries) {
			if (matchesConnection(entry.sync, match)) this.entries.delete(key);
		}
	}

	get size(): number {
		return this.entries.size;
	}
}

function entryKey(credentialKey: string, pipelineId: string): string {
	return `${credentialKey}\u0000${pipelineId}`;
}
