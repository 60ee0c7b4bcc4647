import { and, desc, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { invites, memberships, users, workspaces, type Invite } from '../db/schema.js';
import { ApiError, conflict, notFound } from '../http/errors.js';
import { generateId, generateSecret, hashSecret } from '../auth/tokens.js';
import { roleName, type Role } from './roles.js';
import { type Text, t } from '../i18n/text.js';
import { m } from '../../src/lib/paraglide/messages.js';

const day = 24 * 60 * 60 * 1000;

export interface InviteSummary {
	id: string;
	role: Role;
	expiresAt: Date;
	maxUses: number | null;
	useCount: number;
	createdAt: Date;
	createdBy: { id: string; name: string } | null;
}

export async function createInvite(
	db: Database,
	input: { workspaceId: string; createdBy: string; role: Role; expiresInDays: number; maxUses: number | null; now: Date }
): Promise<{ invite: InviteSummary; token: string }> {
	const token = generateSecret();
	const [row] = await db
		.insert(invites)
		.values({
			id: generateId(),
			workspaceId: input.workspaceId,
			tokenHash: hashSecret(token),
			role: input.role,
			createdBy: input.createdBy,
			expiresAt: new Date(input.now.getTime() + input.expiresInDays * day),
			maxUses: input.maxUses
		})
		.returning();
	const [creator] = await db.select({ id: users.id, name: users.name }).from(users).where(eq(users.id, input.createdBy));
	return { invite: toSummary(row!, creator ?? null), token };
}

/** Invites that can still be used: not revoked, not expired, not used up. */
export async function listActiveInvites(db: Database, workspaceId: string, now: Date): Promise<InviteSummary[]> {
	const rows = await db
		.select({ invite: invites, creator: { id: users.id, name: users.name } })
		.from(invites)
		.leftJoin(users, eq(invites.createdBy, users.id))
		.where(and(eq(invites.workspaceId, workspaceId), usableAt(now)))
		.orderBy(desc(invites.createdAt));
	return rows.map(({ invite, creator }) => toSummary(invite, creator));
}

/** Revokes a working invite; null when there is none by that id. */
export async function revokeInvite(
	db: Database,
	workspaceId: string,
	inviteId: string,
	now: Date
): Promise<{ id: string; role: Role } | null> {
	const [revoked] = await db
		.update(invites)
		.set({ revokedAt: now })
		.where(and(eq(invites.id, inviteId), eq(invites.workspaceId, workspaceId), isNull(invites.revokedAt)))
		.returning({ id: invites.id, role: invites.role });
	return revoked ?? null;
}

export interface InvitePreview {
	workspace: { id: string; name: string };
	role: Role;
	invitedBy: string | null;
	expiresAt: Date;
}

/** What the invite page shows before joining; refuses links that no longer work. */
export async function previewInvite(db: Database, token: string, now: Date): Promise<InvitePreview> {
	const [row] = await db
		.select({ invite: invites, workspace: { id: workspaces.id, name: workspaces.name }, invitedBy: users.name })
		.from(invites)
		.innerJoin(workspaces, eq(invites.workspaceId, workspaces.id))
		.leftJoin(users, eq(invites.createdBy, users.id))
		.where(eq(invites.tokenHash, hashSecret(token)));
	if (!row) throw notFound(t(m.error_invite_link_not_found));
	assertUsable(row.invite, now);
	return { workspace: row.workspace, role: row.invite.role, invitedBy: row.invitedBy, expiresAt: row.invite.expiresAt };
}

/**
 * Spends one use of the invite and makes the user a member, in one transaction
 * of the caller's: the conditional update is what stops two people from both
 * taking the last use of a single-use link.
 */
export async function acceptInvite(
	tx: Database,
	token: string,
	userId: string,
	now: Date
): Promise<{ workspace: { id: string; name: string; role: Role }; inviteId: string }> {
	const preview = await previewInvite(tx, token, now);
	const [existing] = await tx
		.select({ role: memberships.role })
		.from(memberships)
		.where(and(eq(memberships.workspaceId, preview.workspace.id), eq(memberships.userId, userId)));
	if (existing) {
		throw conflict('already_member', t(m.error_already_member, { workspace: preview.workspace.name, role: roleName(existing.role) }));
	}
	const [spent] = await tx
		.update(invites)
		.set({ useCount: sql`${invites.useCount} + 1` })
		.where(and(eq(invites.tokenHash, hashSecret(token)), usableAt(now)))
		.returning({ id: invites.id, role: invites.role, workspaceId: invites.workspaceId });
	if (!spent) throw gone('invite_used_up', t(m.error_invite_used));
	await tx.insert(memberships).values({ workspaceId: spent.workspaceId, userId, role: spent.role });
	return { workspace: { id: preview.workspace.id, name: preview.workspace.name, role: spent.role }, inviteId: spent.id };
}

function usableAt(now: Date) {
	return and(
		isNull(invites.revokedAt),
		gt(invites.expiresAt, now),
		or(isNull(invites.maxUses), lt(invites.useCount, invites.maxUses))
	);
}

function assertUsable(invite: Invite, now: Date): void {
	if (invite.revokedAt) throw gone('invite_revoked', t(m.error_invite_revoked));
	if (invite.expiresAt.getTime() <= now.getTime()) {
		throw gone('invite_expired', t(m.error_invite_expired));
	}
	if (invite.maxUses !== null && invite.useCount >= invite.maxUses) {
		throw gone('invite_used_up', t(m.error_invite_used_ask));
	}
}

// 410 Gone: the link existed and will never work again.
function gone(code: string, message: Text): ApiError {
	return new ApiError(410, code, message);
}

function toSummary(invite: Invite, creator: { id: string; name: string } | null): InviteSummary {
	return {
		id: invite.id,
		role: invite.role,
		expiresAt: invite.expiresAt,
		maxUses: invite.maxUses,
		useCount: invite.useCount,
		createdAt: invite.createdAt,
		createdBy: creator
	};
}
