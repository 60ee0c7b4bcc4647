import { sql } from 'drizzle-orm';
import type { Database, DatabaseHandle } from '../db/client.js';
import type { RoomManager } from '../sync/rooms.js';
import type { Notifier } from '../notifications/notifier.js';
import { archiveClosedDeals } from './archive-closed-deals.js';
import { purgeDealTrash } from '../deals/deal-trash.js';
import { purgeTrash } from '../contacts/party-store.js';
import { processJobs } from '../processes/run-processes.js';
import { notifyDueTasks } from '../notifications/due-tasks.js';
import { recoverPendingIntakes } from '../intake/intake-recovery.js';
import { dropExpiredEpochStates } from '../sync/persistence.js';

const everyMs = 10 * 60_000;

/** What a job gets: the database, the boards (every deal and task write goes through a room), the notifier, and the run's clock. */
export interface JobContext {
	db: Database;
	rooms: RoomManager;
	notifier: Notifier;
	/** One instant for the whole run, so that a run's jobs agree on "today". */
	now: Date;
}

export interface ScheduledJob {
	name: string;
	run(context: JobContext): Promise<unknown>;
}

/**
 * Every periodic job, in the order a run does them. Add a job with one line.
 * A job must be idempotent: a run may stop half way (crash, deploy) and the
 * next run does the rest without doing anything twice.
 */
export const scheduledJobs: ScheduledJob[] = [
	// First: a request a crash left half done is a customer waiting for a call.
	{ name: 'recover-intake', run: (c) => recoverPendingIntakes(c) },
	{ name: 'archive-closed-deals', run: (c) => archiveClosedDeals(c.db, c.rooms, c.now) },
	// The trash keeps deals, contacts and companies 30 days, then these remove them for good.
	{ name: 'purge-deal-trash', run: (c) => purgeDealTrash(c.db, c.now) },
	{ name: 'purge-contact-trash', run: (c) => purgeTrash(c.db, c.now) },
	{ name: 'notify-due-tasks', run: (c) => notifyDueTasks(c.db, c.notifier, c.now) },
	// A board's earlier epochs are kept 180 days for copies that were offline through a rebuild (docs/BOARD-DOCUMENT.md).
	{ name: 'drop-old-epochs', run: (c) => dropExpiredEpochStates(c.db, c.now) },
	...processJobs
];

export interface SchedulerDeps {
	database: Pick<DatabaseHandle, 'db' | 'kind'>;
	rooms: RoomManager;
	notifier: Notifier;
	now: () => Date;
	/** Tests run their own list; the default is every scheduled job. */
	jobs?: ScheduledJob[];
	/** How often the timer runs the jobs (10 minutes), and the first time after start (30 s); the e2e server runs them often. */
	everyMs?: number;
	firstAfterMs?: number;
}

// Any constant both nodes agree on: the advisory lock the job runs take ("voronka" in ASCII).
const jobLockKey = '33328009487830625';
// One PGlite database is one process's: an in-process flag is its lock. Per database, since tests open several.
const runningHere = new WeakSet<object>();

/**
 * Runs every job once, on this node only if no other node (or run of this
 * node) is running them: 'busy' otherwise. On PostgreSQL the lock is
 * `pg_try_advisory_xact_lock` taken in a transaction held open for the whole
 * run: a transaction keeps its pooled connection, so the lock cannot leak to
 * another query of the pool, and it is released when the transaction ends,
 * even if this process dies (the server drops the session).
 */
export async function runJobsOnce(deps: SchedulerDeps): Promise<'ran' | 'busy'> {
	const { database } = deps;
	if (runningHere.has(database.db)) return 'busy';
	runningHere.add(database.db);
	try {
		if (database.kind === 'pglite') {
			await runJobs(deps);
			return 'ran';
		}
		// The jobs themselves use the pool's other connections: the transaction only holds the lock.
		return await database.db.transaction(async (tx) => {
			const result = (await tx.execute(sql`select pg_try_advisory_xact_lock(${jobLockKey}::bigint) as locked`)) as unknown as { rows: Array<{ locked: boolean }> };
			if (!result.rows[0]?.locked) return 'busy';
			await runJobs(deps);
			return 'ran';
		});
	} finally {
		runningHere.delete(database.db);
	}
}

async function runJobs(deps: SchedulerDeps): Promise<void> {
	const context: JobContext = { db: deps.database.db, rooms: deps.rooms, notifier: deps.notifier, now: deps.now() };
	for (const job of deps.jobs ?? scheduledJobs) {
		// One failing job must not starve the others; the next run retries it.
		await job.run(context).catch((error: unknown) => console.error(`scheduled job ${job.name} failed`, error));
	}
}

/**
 * Runs the periodic jobs every 10 minutes, and 30 s after start (which is
 * when jobs missed during downtime catch up). Every node runs this timer;
 * the lock lets one of them do the work at a time.
 */
export function startJobs(deps: SchedulerDeps): () => void {
	const run = () => void runJobsOnce(deps).catch((error: unknown) => console.error('scheduled jobs failed', error));
	const first = setTimeout(run, deps.firstAfterMs ?? 30_000);
	const timer = setInterval(run, deps.everyMs ?? everyMs);
	first.unref();
	timer.unref();
	return () => {
		clearTimeout(first);
		clearInterval(timer);
	};
}
