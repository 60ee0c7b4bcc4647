import { createRouter } from '../../http/router.js';
import { clientAddress } from '../../http/auth.js';
import { ApiError, conflict, unauthorized, unprocessable } from '../../http/errors.js';
import { clearSessionCookie, setSessionCookie } from '../../auth/cookie.js';
import { findPasswordWeakness, hashPassword, spendPasswordCheckTime, verifyPasswordHash } from '../../auth/password.js';
import { createSession, invalidateSession } from '../../auth/session.js';
import { getUserByEmail, insertUser, toPublicUser } from '../../auth/user.js';
import { createWorkspace, type WorkspaceOfUser } from '../../workspaces/workspace.js';
import { acceptInvite } from '../../workspaces/invite.js';
import { isUniqueViolation } from '../../db/errors.js';
import { endSessionConnections, noteMemberJoined } from '../../http/connections.js';
import { recordAuditEvent, recordUserEvent } from '../../audit/audit-log.js';
import * as routes from './auth.routes.js';

const router = createRouter()
	.openapi(routes.signup, async (c) => {
		const body = c.req.valid('json');
		const { db, now } = c.var.deps;
		const weakness = findPasswordWeakness(body.password, body.email);
		if (weakness) {
			throw unprocessable('weak_password', `password: ${weakness}`, [{ path: 'password', message: weakness }]);
		}
		if (await getUserByEmail(db, body.email)) {
			throw conflict('email_taken', 'An account with this email already exists. Log in instead.');
		}
		const passwordHash = await hashPassword(body.password);
		try {
			const result = await db.transaction(async (tx) => {
				const user = await insertUser(tx, { email: body.email, name: body.name, passwordHash });
				const joined = body.inviteToken ? await acceptInvite(tx, body.inviteToken, user.id, now()) : null;
				const workspace: WorkspaceOfUser = joined?.workspace ?? (await createWorkspace(tx, user.id, body.workspaceName!));
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
				throw conflict('email_taken', 'An account with this email already exists. Log in instead.');
			}
			throw error;
		}
	})
	.openapi(routes.login, async (c) => {
		const { email, password } = c.req.valid('json');
		const { db, now, loginThrottle } = c.var.deps;
		const address = clientAddress(c);
		const wait = await loginThrottle.retryAfter(email, address, now().getTime());
		if (wait > 0) {
			throw new ApiError(429, 'too_many_attempts', `Too many failed logins. Try again in ${wait} seconds.`, undefined, {
				'Retry-After': String(wait)
			});
		}
		const user = await getUserByEmail(db, email);
		const valid = user ? await verifyPasswordHash(user.passwordHash, password) : await spendPasswordCheckTime(password).then(() => false);
		if (!user || !valid) {
			await loginThrottle.recordFailure(email, address, now().getTime());
			// A wrong password is shown to the admins of the account's workspaces; an
			// unknown email belongs to no workspace, so only the throttle counts it.
			if (user) {
				await recordUserEvent(db, user.id, {
					action: 'auth.login_failed',
					actorId: null,
					actorKind: 'anonymous',
					address,
					target: { type: 'user', id: user.id, label: user.name },
					at: now()
				});
			}
			// One answer for an unknown email and a wrong password: no account probing.
			throw unauthorized('The email or password is wrong.');
		}
		await loginThrottle.recordSuccess(email);
		const { token, session } = await db.transaction(async (tx) => {
			const created = await createSession(tx, user.id, now());
			await recordUserEvent(tx, user.id, {
				action: 'auth.login',
				actorId: user.id,
				actorKind: 'member',
				address,
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
	});

export default router;
