import type { Database } from '../db/client.js';
import type { RoomManager } from '../sync/rooms.js';
import { archiveClosedDeals } from './archive-closed-deals.js';
import { purgeDealTrash } from '../deals/deal-trash.js';
import { purgeTrash } from '../contacts/party-store.js';
import { notifyDueTasks } from '../notifications/due-tasks.js';
import type { Notifier } from '../notifications/notifier.js';

const everyMs = 10 * 60_000;

/**
 * Runs the periodic jobs of this node. Each job is idempotent, so several
 * nodes running them at once do the work once in effect (see docs/DECISIONS.md).
 */
export function startJobs(deps: { db: Database; rooms: RoomManager; now: () => Date; notifier?: Notifier }): () => void {
	const run = async () => {
		await archiveClosedDeals(deps.db, deps.rooms, deps.now()).catch((error) => console.error('archiving closed deals failed', error));
		// The trash keeps deals, contacts and companies 30 days, then this removes them for good.
		await purgeDealTrash(deps.db, deps.now()).catch((error) => console.error('emptying the deal trash failed', error));
		await purgeTrash(deps.db, deps.now()).catch((error) => console.error('emptying the contact trash failed', error));
		if (deps.notifier) await notifyDueTasks(deps.db, deps.notifier, deps.now()).catch((error) => console.error('due-task notifications failed', error));
	};
	const first = setTimeout(() => void run(), 30_000);
	const timer = setInterval(() => void run(), everyMs);
	first.unref();
	timer.unref();
	return () => {
		clearTimeout(first);
		clearInterval(timer);
	};
}
