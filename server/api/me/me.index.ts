import { createRouter } from '../../http/router.js';
import { requireAuth } from '../../http/auth.js';
import { notFound, unprocessable } from '../../http/errors.js';
import { setSessionCookie } from '../../auth/cookie.js';
import { forgetLoginDevices } from '../../auth/device.js';
import { findPasswordWeakness, hashPassword, verifyPasswordHash } from '../../auth/password.js';
import { createSession, invalidateUserSessions } from '../../auth/session.js';
import { getUserById, updateUserProfile, updateUserPasswordHash } from '../../auth/user.js';
import { listWorkspacesOfUser } from '../../workspaces/workspace.js';
import { endUserConnections } from '../../http/connections.js';
import { recordUserEvent } from '../../audit/audit-log.js';
import { auditActor } from '../audit-actor.js';
import * as routes from './me.routes.js';
import { atPath, t } from '../../i18n/text.js';
import { m } from '../../../src/lib/paraglide/messages.js';

const router = createRouter()
	.openapi(routes.getMe, async (c) => {
		const { user } = requireAuth(c);
		const workspaces = await listWorkspacesOfUser(c.var.deps.db, user.id);
		return c.json({ user, workspaces }, 200);
	})
	.openapi(routes.updateMe, async (c) => {
		const { user } = requireAuth(c);
		const updated = await updateUserProfile(c.var.deps.db, user.id, c.req.valid('json'));
		if (!updated) throw notFound(t(m.error_user_not_found));
		return c.json({ user: updated }, 200);
	})
	.openapi(routes.changePassword, async (c) => {
		const auth = requireAuth(c);
		const { currentPassword, newPassword } = c.req.valid('json');
		const { db, now } = c.var.deps;
		const user = await getUserById(db, auth.user.id);
		if (!user || !(await verifyPasswordHash(user.passwordHash, currentPassword))) {
			throw unprocessable('wrong_password', atPath('currentPassword', t(m.error_current_password_wrong)), [
				{ path: 'currentPassword', message: t(m.error_current_password_wrong) }
			]);
		}
		const weakness = findPasswordWeakness(newPassword, user.email);
		if (weakness) {
			throw unprocessable('weak_password', atPath('newPassword', weakness), [{ path: 'newPassword', message: weakness }]);
		}
		const passwordHash = await hashPassword(newPassword);
		const fresh = await db.transaction(async (tx) => {
			await updateUserPasswordHash(tx, user.id, passwordHash);
			// A changed password ends every session, then this browser gets a fresh one.
			await invalidateUserSessions(tx, user.id);
			await forgetLoginDevices(tx, user.id);
			await recordUserEvent(tx, user.id, {
				...auditActor(c),
				action: 'auth.password_changed',
				target: { type: 'user', id: user.id, label: user.name },
				at: now()
			});
			return auth.sessionId ? createSession(tx, user.id, now()) : null;
		});
		await endUserConnections(c.var.deps, user.id);
		if (fresh) setSessionCookie(c, fresh.token, fresh.session.expiresAt);
		return c.body(null, 204);
	});

export default router;
