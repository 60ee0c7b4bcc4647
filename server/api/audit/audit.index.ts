import { listAuditEvents, type AuditEntry } from '../../audit/audit-log.js';
import { requireWorkspace } from '../../http/auth.js';
import { createRouter } from '../../http/router.js';
import * as routes from './audit.routes.js';

function toAuditEventJson(event: AuditEntry) {
	return {
		id: String(event.id),
		at: event.at.toISOString(),
		action: event.action,
		actor: { id: event.actorId, name: event.actorName, kind: event.actorKind, tokenId: event.actorTokenId },
		target: { type: event.targetType, id: event.targetId, label: event.targetLabel },
		detail: event.detail,
		address: event.address
	};
}

// Only a read: the log is written by the changes it records, never through the API.
const router = createRouter().openapi(routes.listAuditEventsRoute, async (c) => {
	const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId, 'admin');
	const query = c.req.valid('query');
	const page = await listAuditEvents(c.var.deps.db, workspace.id, {
		before: query.before,
		limit: query.limit,
		actions: query.action,
		actorId: query.actorId
	});
	return c.json({ events: page.events.map(toAuditEventJson), nextCursor: page.nextCursor === null ? null : String(page.nextCursor) }, 200);
});

export default router;
