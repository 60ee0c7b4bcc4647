import { and, eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { jobRuns } from '../db/schema.js';

/** The last period the job finished for the scope (a workspace id), or null before its first run. */
export async function lastPeriodDone(db: Database, job: string, scope: string): Promise<string | null> {
	const [row] = await db
		.select({ lastPeriod: jobRuns.lastPeriod })
		.from(jobRuns)
		.where(and(eq(jobRuns.job, job), eq(jobRuns.scope, scope)));
	return row?.lastPeriod ?? null;
}

/** Records a period as done, once every step of it is; a later period never goes back to an earlier one. */
export async function markPeriodDone(db: Database, job: string, scope: string, period: string, at: Date): Promise<void> {
	await db
		.insert(jobRuns)
		.values({ job, scope, lastPeriod: period, ranAt: at })
		.onConflictDoUpdate({ target: [jobRuns.job, jobRuns.scope], set: { lastPeriod: period, ranAt: at } });
}
