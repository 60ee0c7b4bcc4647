import { createRouter } from '../../http/router.js';
import { requireAuth } from '../../http/auth.js';
import { noteMemberJoined } from '../../http/connections.js';
import { acceptInvite, previewInvite } from '../../workspaces/invite.js';
import { recordAuditEvent } from '../../audit/audit-log.js';
import { auditActor } from '../audit-actor.js';
import * as routes from './invites.routes.js';

const router = createRouter()
	.openapi(routes.previewInviteRoute, async (c) => {
		const preview = await previewInvite(c.var.deps.db, c.req.valid('param').token, c.var.deps.now());
		return c.json({ ...preview, expiresAt: preview.expiresAt.toISOString() }, 200);
	})
	.openapi(routes.acceptInviteRoute, async (c) => {
		const { user } = requireAuth(c);
		const { db, now } = c.var.deps;
		const workspace = await db.transaction(async (tx) => {
			const joined = await acceptInvite(tx, c.req.valid('param').token, user.id, now());
			await recordAuditEvent(tx, {
				...auditActor(c),
				workspaceId: joined.workspace.id,
				action: 'member.joined',
				target: { type: 'user', id: user.id, label: user.name },
				detail: { role: joined.workspace.role, inviteId: joined.inviteId },
				at: now()
			});
			return joined.workspace;
		});
		await noteMemberJoined(c.var.deps, workspace.id);
		return c.json({ workspace }, 200);
	});

export default router;
