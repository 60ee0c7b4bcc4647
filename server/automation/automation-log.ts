import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { automationLog, type AutomationKind, type AutomationOutcome } from '../db/schema.js';

/** How a finished step ended. Only intake has unfinished ('pending') entries: stage rules and jobs log a step once it is done. */
export type FinishedOutcome = Exclude<AutomationOutcome, 'pending'>;

export interface AutomationEntry {
	workspaceId: string;
	kind: AutomationKind;
	/** The form, stage or job that acted. */
	source: string;
	outcome: AutomationOutcome;
	dealId?: string | null;
	contactId?: string | null;
	taskId?: string | null;
	detail?: Record<string, unknown>;
	/** One step, once: a second entry with the same key in the workspace is not written. */
	key?: string;
	at?: Date;
}

/** Writes what an automation did; false when an entry with its key exists (the step was done before). */
export async function logAutomation(db: Database, entry: AutomationEntry): Promise<boolean> {
	const rows = await db
		.insert(automationLog)
		.values({
			workspaceId: entry.workspaceId,
			kind: entry.kind,
			source: entry.source,
			outcome: entry.outcome,
			dealId: entry.dealId ?? null,
			contactId: entry.contactId ?? null,
			taskId: entry.taskId ?? null,
			detail: entry.detail ?? {},
			key: entry.key ?? null,
			...(entry.at ? { at: entry.at } : {})
		})
		.onConflictDoNothing()
		.returning({ id: automationLog.id });
	return rows.length > 0;
}

export interface AutomationLogQuery {
	kind?: AutomationKind;
	source?: string;
	/** Entries older than this id (the next page). */
	before?: number;
	limit: number;
}

/** A workspace's automation log, newest first. */
export async function listAutomationLog(db: Database, workspaceId: string, query: AutomationLogQuery) {
	const where: SQL[] = [eq(automationLog.workspaceId, workspaceId)];
	if (query.kind) where.push(eq(automationLog.kind, query.kind));
	if (query.source) where.push(eq(automationLog.source, query.source));
	if (query.before !== undefined) where.push(lt(automationLog.id, query.before));
	return db
		.select()
		.from(automationLog)
		.where(and(...where))
		.orderBy(desc(automationLog.id))
		.limit(query.limit);
}
