import { createRouter } from '../../http/router.js';
import { requireAuth, requirePipeline, requireWorkspace } from '../../http/auth.js';
import { forbidden, notFound } from '../../http/errors.js';
import { hasRoleAtLeast } from '../../workspaces/roles.js';
import { recordAuditEvent } from '../../audit/audit-log.js';
import { auditActor } from '../audit-actor.js';
import { findMemberAvailability, findNextInTurn, listRoutingMembers, setMemberAvailability } from '../../intake/routing.js';
import { t } from '../../i18n/text.js';
import { m } from '../../../src/lib/paraglide/messages.js';
import * as routes from './routing.routes.js';

const router = createRouter()
	.openapi(routes.getRoutingRoute, async (c) => {
		const { pipeline } = await requirePipeline(c, c.req.valid('param').pipelineId, 'manager');
		const members = await listRoutingMembers(c.var.deps.db, pipeline);
		const nextUserId = await findNextInTurn(c.var.deps.db, pipeline, members);
		return c.json({ members: members.map((member) => ({ ...member, takesLeads: member.role === 'rep' || member.role === 'manager' })), nextUserId }, 200);
	})
	.openapi(routes.getAvailabilityRoute, async (c) => {
		const { workspaceId, userId } = c.req.valid('param');
		const workspace = await requireWorkspace(c, workspaceId, 'rep');
		if (userId !== requireAuth(c).user.id && !hasRoleAtLeast(workspace.role, 'manager')) throw forbidden(t(m.routing_error_availability));
		const available = await findMemberAvailability(c.var.deps.db, workspace.id, userId);
		if (available === null) throw notFound(t(m.error_member_not_found));
		return c.json({ userId, available }, 200);
	})
	.openapi(routes.setAvailabilityRoute, async (c) => {
		const { workspaceId, userId } = c.req.valid('param');
		const workspace = await requireWorkspace(c, workspaceId, 'rep');
		const { user } = requireAuth(c);
		if (userId !== user.id && !hasRoleAtLeast(workspace.role, 'manager')) throw forbidden(t(m.routing_error_availability));
		const { available } = c.req.valid('json');
		const { db, now } = c.var.deps;
		await db.transaction(async (tx) => {
			const name = await setMemberAvailability(tx, workspace.id, userId, available);
			if (name === null) throw notFound(t(m.error_member_not_found));
			await recordAuditEvent(tx, {
				...auditActor(c),
				workspaceId: workspace.id,
				action: 'member.availability_changed',
				target: { type: 'user', id: userId, label: name },
				detail: { available },
				at: now()
			});
		});
		return c.json({ userId, available }, 200);
	});

export default router;
