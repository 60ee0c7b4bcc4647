import { and, eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { memberships } from '../db/schema.js';

/** Whom each member of the workspace reports to (escalation), null for no one named. */
export function listReportsTo(db: Database, workspaceId: string): Promise<Array<{ userId: string; reportsTo: string | null }>> {
	return db
		.select({ userId: memberships.userId, reportsTo: memberships.reportsTo })
		.from(memberships)
		.where(eq(memberships.workspaceId, workspaceId))
		.orderBy(memberships.joinedAt);
}

/** Sets whom a member reports to; the previous value, or undefined when the user is no member. */
export async function setReportsTo(db: Database, workspaceId: string, userId: string, reportsTo: string | null): Promise<{ previous: string | null } | undefined> {
	const [before] = await db
		.select({ reportsTo: memberships.reportsTo })
		.from(memberships)
		.where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
	if (!before) return undefined;
	await db.update(memberships).set({ reportsTo }).where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
	return { previous: before.reportsTo };
}
