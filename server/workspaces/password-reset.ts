import { and, eq, exists, gt, isNull } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Database } from '../db/client.js';
import { memberships, passwordResets, users, type PasswordReset } from '../db/schema.js';
import { ApiError, forbidden, notFound } from '../http/errors.js';
import { generateId, generateSecret, hashSecret } from '../auth/tokens.js';
import { publicUserColumns, type PublicUser } from '../auth/user.js';
import { canChangeMember, type Role } from './roles.js';
import { t, type Text } from '../i18n/text.js';
import { m } from '../../src/lib/paraglide/messages.js';

export const passwordResetLifetimeMs = 60 * 60 * 1000;

/**
 * Checks that the actor may issue a reset link for the member: an admin for
 * anyone but an owner, an owner for anyone. A link opens the whole account,
 * so the actor must have that authority in every workspace the member
 * belongs to, or an admin here could take over an owner elsewhere.
 */
export async function assertCanResetPassword(
	db: Database,
	workspaceId: string,
	actor: { userId: string; role: Role },
	targetUserId: string
): Promise<void> {
	const actorMembership = alias(memberships, 'actor_membership');
	const rows = await db
		.select({ workspaceId: memberships.workspaceId, targetRole: memberships.role, actorRole: actorMembership.role })
		.from(memberships)
		.leftJoin(actorMembership, and(eq(actorMembership.workspaceId, memberships.workspaceId), eq(actorMembership.userId, actor.userId)))
		.where(eq(memberships.userId, targetUserId));
	const here = rows.find((row) => row.workspaceId === workspaceId);
	if (!here) throw notFound(t(m.error_member_not_found));
	if (!canChangeMember(actor.role, here.targetRole)) throw forbidden(t(m.error_owner_resets_owner));
	const beyondReach = rows.some((row) => !row.actorRole || !canChangeMember(row.actorRole, row.targetRole));
	if (beyondReach) {
		throw forbidden(t(m.error_reset_opens_other_workspace));
	}
}

/**
 * Issues a one-time link for the member; earlier unused links of the member
 * stop working, so only the newest one handed out is live.
 */
export async function createPasswordReset(
	db: Database,
	input: { workspaceId: string; userId: string; createdBy: string; now: Date }
): Promise<{ token: string; expiresAt: Date }> {
	const token = generateSecret();
	const expiresAt = new Date(input.now.getTime() + passwordResetLifetimeMs);
	await db.transaction(async (tx) => {
		await tx.delete(passwordResets).where(and(eq(passwordResets.userId, input.userId), isNull(passwordResets.usedAt)));
		await tx.insert(passwordResets).values({
			id: generateId(),
			userId: input.userId,
			workspaceId: input.workspaceId,
			tokenHash: hashSecret(token),
			createdBy: input.createdBy,
			expiresAt
		});
	});
	return { token, expiresAt };
}

export interface PasswordResetPreview {
	user: PublicUser;
	expiresAt: Date;
}

/** Whose password a link resets; refuses links that no longer work. */
export async function previewPasswordReset(db: Database, token: string, now: Date): Promise<PasswordResetPreview> {
	const [row] = await db
		.select({ reset: passwordResets, user: publicUserColumns })
		.from(passwordResets)
		.innerJoin(users, eq(passwordResets.userId, users.id))
		.innerJoin(memberships, isStillMember())
		.where(eq(passwordResets.tokenHash, hashSecret(token)));
	if (!row) throw notFound(t(m.error_reset_link_not_found));
	assertUsable(row.reset, now);
	return { user: row.user, expiresAt: row.reset.expiresAt };
}

/**
 * Spends the link in the caller's transaction and returns whose it was. The
 * conditional update is what stops the same link from being used twice.
 */
export async function spendPasswordReset(tx: Database, token: string, now: Date): Promise<string> {
	const [spent] = await tx
		.update(passwordResets)
		.set({ usedAt: now })
		.where(
			and(
				eq(passwordResets.tokenHash, hashSecret(token)),
				isNull(passwordResets.usedAt),
				gt(passwordResets.expiresAt, now),
				exists(tx.select({ userId: memberships.userId }).from(memberships).where(isStillMember()))
			)
		)
		.returning({ userId: passwordResets.userId });
	if (!spent) throw gone('reset_used', t(m.error_reset_used));
	return spent.userId;
}

// A member who left the workspace is no longer the issuer's to reset.
function isStillMember() {
	return and(eq(memberships.workspaceId, passwordResets.workspaceId), eq(memberships.userId, passwordResets.userId));
}

function assertUsable(reset: PasswordReset, now: Date): void {
	if (reset.usedAt) throw gone('reset_used', t(m.error_reset_used));
	if (reset.expiresAt.getTime() <= now.getTime()) {
		throw gone('reset_expired', t(m.error_reset_expired));
	}
}

// 410 Gone: the link existed and will never work again.
function gone(code: string, message: Text): ApiError {
	return new ApiError(410, code, message);
}
