import type { Database } from './client.js';

/**
 * Wraps a read so that identical calls running at the same moment share one
 * query: a reconnect storm of thousands of sockets with the same token asks
 * the database once, not thousands of times. Nothing is kept once the query
 * answers, so the next call reads afresh (a revoked token fails at once).
 * Calls are told apart by their database handle (a transaction is its own)
 * and a key made of their other arguments.
 */
export function singleFlight<A extends unknown[], T>(
	run: (db: Database, ...args: A) => Promise<T>,
	keyOf: (...args: A) => string
): (db: Database, ...args: A) => Promise<T> {
	const inFlight = new WeakMap<Database, Map<string, Promise<T>>>();
	return (db, ...args) => {
		let running = inFlight.get(db);
		if (!running) inFlight.set(db, (running = new Map()));
		const key = keyOf(...args);
		const shared = running.get(key);
		if (shared) return shared;
		const started = run(db, ...args).finally(() => running.delete(key));
		running.set(key, started);
		return started;
	};
}
