import { createRouter } from '../../http/router.js';
import { clientAddress } from '../../http/auth.js';
import { conflict, unauthorized, unprocessable } from '../../http/errors.js';
import { endUserConnections } from '../../http/connections.js';
import { clearSessionCookie, readDeviceCookie, setDeviceCookie, setSessionCookie } from '../../auth/cookie.js';
import { createLoginDevice, extendLoginDevice, findLoginDevice, forgetLoginDevices } from '../../auth/device.js';
import { findPasswordWeakness, hashPassword, spendPasswordCheckTime, verifyPasswordHash } from '../../auth/password.js';
import { createSession, invalidateSession, invalidateUserSessions } from '../../auth/session.js';
import { getUserByEmail, insertUser, normaliseEmail, toPublicUser, updateUserPasswordHash } from '../../auth/user.js';
import { createWorkspace, type WorkspaceOfUser } from '../../workspaces/workspace.js';
import { acceptInvite, previewInvite } from '../../workspaces/invite.js';
import { previewPasswordReset, spendPasswordReset } from '../../workspaces/password-reset.js';
import { isUniqueViolation } from '../../db/errors.js';
import { endSessionConnections, noteMemberJoined } from '../../http/connections.js';
import { recordAuditEvent, recordUserEvent } from '../../audit/audit-log.js';
import * as routes from './auth.routes.js';
import { atPath, t } from '../../i18n/text.js';
import { m } from '../../../src/lib/paraglide/messages.js';
import { findLocale } from '../../i18n/locale.js';

function refuseWeakPassword(password: string, email: string, field: string): void {
	const weakness = findPasswordWeakness(password, email);
	if (weakness) throw unprocessable('weak_password', atPath(field, weakness), [{ path: field, message: weakness }]);
}

const router = createRouter()
	.openapi(routes.signup, async (c) => {
		const body = c.req.valid('json');
		const { db, now, throttle } = c.var.deps;
		refuseWeakPassword(body.password, body.email, 'password');
		// An invite is its own limit (its uses and expiry, set by an admin), so a
		// team can join from one office; a dead link is refused before any hashing.
		if (body.inviteToken) await previewInvite(db, body.inviteToken, now());
		else await throttle.spendSignup(clientAddress(c));
		if (await getUserByEmail(db, body.email)) {
			throw conflict('email_taken', t(m.error_email_taken));
		}
		const passwordHash = await hashPassword(body.password);
		try {
			const result = await db.transaction(async (tx) => {
				const user = await insertUser(tx, { email: body.email, name: body.name, passwordHash });
				const joined = body.inviteToken ? await acceptInvite(tx, body.inviteToken, user.id, now()) : null;
				const workspace: WorkspaceOfUser = joined?.workspace ?? (await createWorkspace(tx, user.id, body.workspaceName!, findLocale(c)));
				const actor = { workspaceId: workspace.id, actorId: user.id, actorKind: 'member', address: clientAddress(c), at: now() } as const;
				await recordAuditEvent(
					tx,
					joined
						? { ...actor, action: 'member.joined', target: { type: 'user', id: user.id, label: user.name }, detail: { role: workspace.role, inviteId: joined.inviteId } }
						: { ...actor, action: 'workspace.created', target: { type: 'workspace', id: workspace.id, label: workspace.name } }
				);
				const { token, session } = await createSession(tx, user.id, now());
				return { user, workspace, token, session };
			});
			setSessionCookie(c, result.token, result.session.expiresAt);
			if (body.inviteToken) await noteMemberJoined(c.var.deps, result.workspace.id);
			return c.json({ user: result.user, workspace: result.workspace }, 201);
		} catch (error) {
			if (isUniqueViolation(error)) {
				throw conflict('email_taken', t(m.error_email_taken));
			}
			throw error;
		}
	})
	.openapi(routes.login, async (c) => {
		const { email, password } = c.req.valid('json');
		const { db, now, throttle } = c.var.deps;
		const user = await getUserByEmail(db, email);
		const deviceId = await findLoginDevice(db, readDeviceCookie(c), user?.id, now());
		const attempt = { email: normaliseEmail(email), address: clientAddress(c), deviceId };
		// Counted before the (slow) check, so concurrent guesses cannot outrun the count.
		await throttle.spendLoginAttempt(attempt);
		const valid = user ? await verifyPasswordHash(user.passwordHash, password) : await spendPasswordCheckTime(password).then(() => false);
		if (!user || !valid) {
			// A wrong password is shown to the admins of the account's workspaces; an
			// unknown email belongs to no workspace, so only the throttle counts it.
			if (user) {
				await recordUserEvent(db, user.id, {
					action: 'auth.login_failed',
					actorId: null,
					actorKind: 'anonymous',
					address: attempt.address,
					target: { type: 'user', id: user.id, label: user.name },
					at: now()
				});
			}
			// One answer for an unknown email and a wrong password: no account probing.
			throw unauthorized(t(m.error_login_wrong));
		}
		await throttle.forgiveLoginAttempt(attempt);
		const device = deviceId
			? { token: readDeviceCookie(c)!, expiresAt: await extendLoginDevice(db, deviceId, now()) }
			: await createLoginDevice(db, user.id, now());
		setDeviceCookie(c, device.token, device.expiresAt);
		const { token, session } = await db.transaction(async (tx) => {
			const created = await createSession(tx, user.id, now());
			await recordUserEvent(tx, user.id, {
				action: 'auth.login',
				actorId: user.id,
				actorKind: 'member',
				address: attempt.address,
				target: { type: 'user', id: user.id, label: user.name },
				at: now()
			});
			return created;
		});
		setSessionCookie(c, token, session.expiresAt);
		return c.json({ user: toPublicUser(user) }, 200);
	})
	.openapi(routes.logout, async (c) => {
		const sessionId = c.var.auth?.sessionId;
		if (sessionId) {
			await invalidateSession(c.var.deps.db, sessionId);
			await endSessionConnections(c.var.deps, sessionId);
		}
		clearSessionCookie(c);
		return c.body(null, 204);
	})
	.openapi(routes.previewPasswordResetRoute, async (c) => {
		const preview = await previewPasswordReset(c.var.deps.db, c.req.valid('param').token, c.var.deps.now());
		return c.json({ user: preview.user, expiresAt: preview.expiresAt.toISOString() }, 200);
	})
	.openapi(routes.usePasswordResetRoute, async (c) => {
		const { token } = c.req.valid('param');
		const { password } = c.req.valid('json');
		const { db, now, throttle } = c.var.deps;
		const { user } = await previewPasswordReset(db, token, now());
		refuseWeakPassword(password, user.email, 'password');
		const passwordHash = await hashPassword(password);
		// Spending the link, setting the password and ending the sessions stand or fall together.
		const userId = await db.transaction(async (tx) => {
			const owner = await spendPasswordReset(tx, token, now());
			await updateUserPasswordHash(tx, owner, passwordHash);
			await invalidateUserSessions(tx, owner);
			await forgetLoginDevices(tx, owner);
			await recordUserEvent(tx, owner, {
				action: 'auth.password_reset_used',
				actorId: owner,
				actorKind: 'member',
				address: clientAddress(c),
				target: { type: 'user', id: owner, label: user.name },
				at: now()
			});
			return owner;
		});
		await throttle.clearAccount(user.email);
		await endUserConnections(c.var.deps, userId);
		return c.body(null, 204);
	});

export default router;
