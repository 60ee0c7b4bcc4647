import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { memberships, salesTargets } from '../db/schema.js';

export interface SalesTarget {
	userId: string;
	month: string;
	wonDeals: number;
	revenueMinor: number;
	currency: string;
}

/** The targets of a month, of everyone or of one rep. */
export async function listTargets(db: Database, workspaceId: string, month: string, userId: string | null = null): Promise<SalesTarget[]> {
	const rows = await db
		.select({ userId: salesTargets.userId, month: salesTargets.month, wonDeals: salesTargets.wonDeals, revenueMinor: salesTargets.revenueMinor, currency: salesTargets.currency })
		.from(salesTargets)
		.where(and(eq(salesTargets.workspaceId, workspaceId), eq(salesTargets.month, month), userId === null ? undefined : eq(salesTargets.userId, userId)))
		.orderBy(salesTargets.userId);
	return rows;
}

/** The members among `userIds` (a target for someone else's member, or a stranger, is refused by the caller). */
export async function listMemberIdsOf(db: Database, workspaceId: string, userIds: string[]): Promise<Set<string>> {
	if (userIds.length === 0) return new Set();
	const rows = await db
		.select({ userId: memberships.userId })
		.from(memberships)
		.where(and(eq(memberships.workspaceId, workspaceId), inArray(memberships.userId, userIds)));
	return new Set(rows.map((row) => row.userId));
}

/**
 * Sets the targets of a month for the reps named: each given target replaces
 * that rep's; a rep given `null` has theirs removed. Others are untouched.
 */
export async function setTargets(
	db: Database,
	workspaceId: string,
	month: string,
	targets: { userId: string; target: Omit<SalesTarget, 'userId' | 'month'> | null }[],
	by: { userId: string; at: Date }
): Promise<void> {
	await db.transaction(async (tx) => {
		const removed = targets.filter((entry) => entry.target === null).map((entry) => entry.userId);
		if (removed.length > 0) {
			await tx.delete(salesTargets).where(and(eq(salesTargets.workspaceId, workspaceId), eq(salesTargets.month, month), inArray(salesTargets.userId, removed)));
		}
		const kept = targets.flatMap((entry) => (entry.target === null ? [] : [{ ...entry.target, userId: entry.userId }]));
		if (kept.length === 0) return;
		await tx
			.insert(salesTargets)
			.values(kept.map((target) => ({ workspaceId, month, ...target, updatedBy: by.userId, updatedAt: by.at })))
			.onConflictDoUpdate({
				target: [salesTargets.workspaceId, salesTargets.month, salesTargets.userId],
				set: {
					wonDeals: sql`excluded.won_deals`,
					revenueMinor: sql`excluded.revenue_minor`,
					currency: sql`excluded.currency`,
					updatedBy: sql`excluded.updated_by`,
					updatedAt: sql`excluded.updated_at`
				}
			});
	});
}
