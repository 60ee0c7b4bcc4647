import type { Database } from '../db/client.js';
import type { RoomManager } from '../sync/rooms.js';
import { archiveClosedDeals } from './archive-closed-deals.js';

const everyMs = 10 * 60_000;

/**
 * Runs the periodic jobs of this node. Each job is idempotent, so several
 * nodes running them at once do the work once in effect (see docs/DECISIONS.md).
 */
export function startJobs(deps: { db: Database; rooms: RoomManager; now: () => Date }): () => void {
	const run = () =>
		archiveClosedDeals(deps.db, deps.rooms, deps.now()).catch((error) => console.error('archiving closed deals failed', error));
	const first = setTimeout(run, 30_000);
	const timer = setInterval(run, everyMs);
	first.unref();
	timer.unref();
	return () => {
		clearTimeout(first);
		clearInterval(timer);
	};
}
