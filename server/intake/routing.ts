import { and, asc, count, eq, inArray, isNull, or } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { dealsProjection, memberships, pipelineMembers, routingTurns, users, type OwnerRule, type Pipeline } from '../db/schema.js';
import type { Role } from '../workspaces/roles.js';

/**
 * Lead routing: who gets a new request. Leads go to the pipeline's reps and
 * managers who are marked available, in turn (round robin) or to the one
 * with the fewest open deals (ties in turn). The turn is kept in the
 * database, one row per pipeline locked while it moves, so every node
 * shares it and two leads at once never take the same turn.
 */

/** The roles that work leads. Owners and admins get them only when none of these is there. */
const leadRoles: Role[] = ['rep', 'manager'];
const fallbackRoles: Role[] = ['owner', 'admin'];

export interface RoutingMember {
	userId: string;
	name: string;
	role: Role;
	available: boolean;
	/** Open deals owned, in the whole workspace: the load "fewest open" evens out. */
	openDeals: number;
}

/** Why the owner is who they are, for the automation log. */
export type RoutingReason = 'fixed' | 'round_robin' | 'fewest_open' | 'nobody_available' | 'nobody_in_pipeline' | 'fixed_owner_gone';

export interface RoutingChoice {
	userId: string;
	reason: RoutingReason;
}

/**
 * The members who may work the pipeline's deals (everyone in a workspace-wide
 * pipeline, else the listed ones; owners and admins see every pipeline), in
 * the round robin's fixed order (by user id: stable while names change).
 */
export async function listRoutingMembers(db: Database, pipeline: Pick<Pipeline, 'id' | 'workspaceId' | 'access'>): Promise<RoutingMember[]> {
	const open = db
		.select({ ownerId: dealsProjection.ownerId, open: count().as('open') })
		.from(dealsProjection)
		.where(and(eq(dealsProjection.workspaceId, pipeline.workspaceId), eq(dealsProjection.status, 'open'), isNull(dealsProjection.deletedAt)))
		.groupBy(dealsProjection.ownerId)
		.as('open_deals');
	const listed = db.select({ userId: pipelineMembers.userId }).from(pipelineMembers).where(eq(pipelineMembers.pipelineId, pipeline.id));
	const rows = await db
		.select({ userId: memberships.userId, name: users.name, role: memberships.role, available: memberships.available, openDeals: open.open })
		.from(memberships)
		.innerJoin(users, eq(users.id, memberships.userId))
		.leftJoin(open, eq(open.ownerId, memberships.userId))
		.where(
			and(
				eq(memberships.workspaceId, pipeline.workspaceId),
				inArray(memberships.role, [...leadRoles, ...fallbackRoles]),
				pipeline.access === 'workspace' ? undefined : or(inArray(memberships.role, fallbackRoles), inArray(memberships.userId, listed))
			)
		)
		.orderBy(asc(memberships.userId));
	return rows.map((row) => ({ ...row, openDeals: Number(row.openDeals ?? 0) }));
}

/** Whose turn it is next: the first candidate after the last one served, in the fixed order, wrapping round. */
function nextInTurn(candidates: RoutingMember[], lastUserId: string | null): RoutingMember {
	return candidates.find((member) => lastUserId !== null && member.userId > lastUserId) ?? candidates[0]!;
}

/** The members a lead may go to, and why when it is not the usual set. */
function pickCandidates(members: RoutingMember[]): { candidates: RoutingMember[]; reason: RoutingReason | null } {
	const leadWorkers = members.filter((member) => leadRoles.includes(member.role));
	const available = leadWorkers.filter((member) => member.available);
	if (available.length > 0) return { candidates: available, reason: null };
	// Nobody on duty: the request must still be someone's. Owners and admins
	// take it (the available ones first), else the reps and managers away.
	const bosses = members.filter((member) => fallbackRoles.includes(member.role));
	const pool = [bosses.filter((member) => member.available), bosses, leadWorkers].find((list) => list.length > 0) ?? [];
	return { candidates: pool, reason: leadWorkers.length > 0 ? 'nobody_available' : 'nobody_in_pipeline' };
}

/**
 * Chooses the owner of a new lead and takes the turn, in one transaction
 * holding the pipeline's turn row locked. Throws when the workspace has no
 * member who could own a deal (it always has an owner, so only by a bug).
 */
export async function chooseOwner(db: Database, pipeline: Pick<Pipeline, 'id' | 'workspaceId' | 'access'>, rule: OwnerRule, fixedOwnerId: string | null, at: Date): Promise<RoutingChoice> {
	const members = await listRoutingMembers(db, pipeline);
	if (rule === 'fixed' && fixedOwnerId && members.some((member) => member.userId === fixedOwnerId)) return { userId: fixedOwnerId, reason: 'fixed' };
	const { candidates, reason } = pickCandidates(members);
	if (candidates.length === 0) throw new Error(`pipeline ${pipeline.id} has nobody to own a lead`);
	return db.transaction(async (tx) => {
		await tx.insert(routingTurns).values({ pipelineId: pipeline.id, lastUserId: null, updatedAt: at }).onConflictDoNothing();
		const [turn] = await tx.select().from(routingTurns).where(eq(routingTurns.pipelineId, pipeline.id)).for('update');
		let pool = candidates;
		if (rule === 'fewest_open') {
			// Counted from the projection just before: leads that arrive at the very same moment may tie, and the turn splits them.
			const fewest = Math.min(...candidates.map((member) => member.openDeals));
			pool = candidates.filter((member) => member.openDeals === fewest);
		}
		const chosen = nextInTurn(pool, turn?.lastUserId ?? null);
		await tx.update(routingTurns).set({ lastUserId: chosen.userId, updatedAt: at }).where(eq(routingTurns.pipelineId, pipeline.id));
		const ruleReason: RoutingReason = rule === 'fixed' ? 'fixed_owner_gone' : rule;
		return { userId: chosen.userId, reason: reason ?? ruleReason };
	});
}

/** Who gets the next lead in turn, for the Routing page. */
export async function findNextInTurn(db: Database, pipeline: Pick<Pipeline, 'id' | 'workspaceId' | 'access'>, members: RoutingMember[]): Promise<string | null> {
	const { candidates } = pickCandidates(members);
	if (candidates.length === 0) return null;
	const [turn] = await db.select().from(routingTurns).where(eq(routingTurns.pipelineId, pipeline.id));
	return nextInTurn(candidates, turn?.lastUserId ?? null).userId;
}

/** Marks a member available for leads or away; answers their name, or null when they are not a member. */
export async function setMemberAvailability(db: Database, workspaceId: string, userId: string, available: boolean): Promise<string | null> {
	const rows = await db
		.update(memberships)
		.set({ available })
		.where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)))
		.returning({ userId: memberships.userId });
	if (rows.length === 0) return null;
	const [user] = await db.select({ name: users.name }).from(users).where(eq(users.id, userId));
	return user?.name ?? '';
}

/** Whether a member takes new leads; null when they are not a member. */
export async function findMemberAvailability(db: Database, workspaceId: string, userId: string): Promise<boolean | null> {
	const [row] = await db
		.select({ available: memberships.available })
		.from(memberships)
		.where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
	return row?.available ?? null;
}
