import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { automationLog, memberships, users } from '../db/schema.js';
import { baseLocale, isLocale, type Locale } from '../i18n/locale.js';

/**
 * Whether a step with this key is in the log. A process checks before
 * acting and logs after: a step is done once, and one cut short by a crash
 * is redone (with the same derived ids, so it still lands once).
 */
export async function isStepLogged(db: Database, workspaceId: string, key: string): Promise<boolean> {
	const [row] = await db
		.select({ id: automationLog.id })
		.from(automationLog)
		.where(and(eq(automationLog.workspaceId, workspaceId), eq(automationLog.key, key)));
	return row !== undefined;
}

/** The language a user reads the texts a process writes for them in (their task titles). */
export async function localeOf(db: Database, userId: string): Promise<Locale> {
	const [row] = await db.select({ locale: users.locale }).from(users).where(eq(users.id, userId));
	return row?.locale && isLocale(row.locale) ? row.locale : baseLocale;
}

/** The ids among these that are members of the workspace now (a responsible user who left gets nothing). */
export async function currentMembers(db: Database, workspaceId: string, userIds: string[]): Promise<Set<string>> {
	if (userIds.length === 0) return new Set();
	const rows = await db
		.select({ userId: memberships.userId })
		.from(memberships)
		.where(and(eq(memberships.workspaceId, workspaceId), inArray(memberships.userId, userIds)));
	return new Set(rows.map((row) => row.userId));
}
