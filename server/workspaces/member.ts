import { and, asc, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { memberships, users } from '../db/schema.js';
import { conflict, forbidden, notFound } from '../http/errors.js';
import { canChangeMember, canGrantRole, roleName, type Role } from './roles.js';
import { t } from '../i18n/text.js';
import { m } from '../../src/lib/paraglide/messages.js';

export interface Member {
	userId: string;
	name: string;
	email: string;
	role: Role;
	joinedAt: Date;
}

const memberColumns = {
	userId: users.id,
	name: users.name,
	email: users.email,
	role: memberships.role,
	joinedAt: memberships.joinedAt
};

export function listMembers(db: Database, workspaceId: string): Promise<Member[]> {
	return db
		.select(memberColumns)
		.from(memberships)
		.innerJoin(users, eq(memberships.userId, users.id))
		.where(eq(memberships.workspaceId, workspaceId))
		.orderBy(asc(users.name));
}

async function getMember(db: Database, workspaceId: string, userId: string): Promise<Member | null> {
	const [row] = await db
		.select(memberColumns)
		.from(memberships)
		.innerJoin(users, eq(memberships.userId, users.id))
		.where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
	return row ?? null;
}

async function countOwners(db: Database, workspaceId: string): Promise<number> {
	const [row] = await db
		.select({ count: sql<number>`count(*)::int` })
		.from(memberships)
		.where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.role, 'owner')));
	return row?.count ?? 0;
}

/** Changes a member's role within the rules of who may grant what. */
export async function changeMemberRole(
	db: Database,
	workspaceId: string,
	actorRole: Role,
	targetUserId: string,
	role: Role
): Promise<{ member: Member; previousRole: Role }> {
	return db.transaction(async (tx) => {
		const target = await getMember(tx, workspaceId, targetUserId);
		if (!target) throw notFound(t(m.error_member_not_found));
		if (!canChangeMember(actorRole, target.role)) throw forbidden(t(m.error_owner_changes_owner));
		if (!canGrantRole(actorRole, role)) throw forbidden(t(m.error_cannot_grant_role, { role: roleName(role) }));
		if (target.role === 'owner' && role !== 'owner' && (await countOwners(tx, workspaceId)) <= 1) {
			throw conflict('last_owner', t(m.error_last_owner));
		}
		await tx
			.update(memberships)
			.set({ role })
			.where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, targetUserId)));
		return { member: { ...target, role }, previousRole: target.role };
	});
}

/**
 * Removes a member and answers who it was. Access is checked against
 * memberships on every request, so the removed user's sessions lose the
 * workspace at once.
 */
export async function removeMember(
	db: Database,
	workspaceId: string,
	actor: { userId: string; role: Role },
	targetUserId: string
): Promise<Member> {
	return db.transaction(async (tx) => {
		const target = await getMember(tx, workspaceId, targetUserId);
		if (!target) throw notFound(t(m.error_member_not_found));
		const leaving = actor.userId === targetUserId;
		if (!leaving && !canChangeMember(actor.role, target.role)) {
			throw forbidden(t(m.error_owner_removes_owner));
		}
		if (target.role === 'owner' && (await countOwners(tx, workspaceId)) <= 1) {
			throw conflict('last_owner', t(m.error_last_owner));
		}
		await tx
			.delete(memberships)
			.where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, targetUserId)));
		return target;
	});
}

export async function isWorkspaceMember(db: Database, workspaceId: string, userId: string): Promise<boolean> {
	const [row] = await db
		.select({ userId: memberships.userId })
		.from(memberships)
		.where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
	return Boolean(row);
}

/** The ids of a workspace's members: who may own a deal or be assigned a task. */
export async function listMemberIds(db: Database, workspaceId: string): Promise<Set<string>> {
	const rows = await db.select({ userId: memberships.userId }).from(memberships).where(eq(memberships.workspaceId, workspaceId));
	return new Set(rows.map((row) => row.userId));
}
