import type { Context } from 'hono';
import { createRouter } from '../../http/router.js';
import { requireAuth } from '../../http/auth.js';
import type { AppEnv } from '../../http/context.js';
import { forbidden, notFound, unprocessable } from '../../http/errors.js';
import { hasRoleAtLeast } from '../../workspaces/roles.js';
import { updateBoardMeta } from '../../../src/lib/model/index.js';
import {
	getPipelineAccess,
	listPipelineMembers,
	listPipelineStages,
	setPipelineMembers,
	updatePipeline,
	type PipelineAccess
} from '../../pipelines/pipeline.js';
import { endPipelineConnections } from '../../http/connections.js';
import { recordAuditEvents } from '../../audit/audit-log.js';
import { pipelineChangeEvents, pipelineMembersEvents, type PipelineChanges } from '../../audit/pipeline-events.js';
import { auditActor } from '../audit-actor.js';
import * as routes from './settings.routes.js';
import { t } from '../../i18n/text.js';
import { m } from '../../../src/lib/paraglide/messages.js';

async function requireAccess(c: Context<AppEnv>, pipelineId: string, manage: boolean): Promise<PipelineAccess> {
	const { user } = requireAuth(c);
	// Managers reach archived pipelines too, to restore them.
	const access = await getPipelineAccess(c.var.deps.db, pipelineId, user.id, { includeArchived: manage });
	if (!access) throw notFound(t(m.error_pipeline_not_found));
	if (manage && !hasRoleAtLeast(access.role, 'manager')) throw forbidden(t(m.error_managers_change_pipelines));
	return access;
}

async function describePipeline(c: Context<AppEnv>, access: PipelineAccess) {
	const { pipeline, role } = access;
	const stages = await listPipelineStages(c.var.deps.db, pipeline.id);
	return {
		id: pipeline.id,
		workspaceId: pipeline.workspaceId,
		name: pipeline.name,
		mode: pipeline.mode,
		access: pipeline.access,
		archived: pipeline.archivedAt !== null,
		role,
		stages
	};
}

const router = createRouter()
	.openapi(routes.getPipelineRoute, async (c) => {
		const access = await requireAccess(c, c.req.valid('param').pipelineId, false);
		return c.json(await describePipeline(c, access), 200);
	})
	.openapi(routes.updatePipelineRoute, async (c) => {
		const access = await requireAccess(c, c.req.valid('param').pipelineId, true);
		const body = c.req.valid('json');
		const { db, rooms, now } = c.var.deps;
		const { user } = requireAuth(c);
		const changes: PipelineChanges = {
			name: body.name,
			mode: body.mode,
			access: body.access,
			archivedAt: body.archived === undefined ? undefined : body.archived ? now() : null
		};
		await db.transaction(async (tx) => {
			await updatePipeline(tx, access.pipeline, changes);
			await recordAuditEvents(tx, pipelineChangeEvents(access.pipeline, changes, auditActor(c), now()));
		});
		if (body.name !== undefined || body.mode !== undefined) {
			// The board shows name and mode live: write them into the document too.
			await rooms.withRoom(access.pipeline.id, (room) =>
				room.change({ kind: 'member', userId: user.id, role: access.role }, (doc) => updateBoardMeta(doc, { name: body.name, mode: body.mode }))
			);
		}
		// Who may be connected changed: everyone reconnects and is authorised afresh.
		if (body.access !== undefined || body.archived) await endPipelineConnections(c.var.deps, access.pipeline.id);
		const updated = await getPipelineAccess(db, access.pipeline.id, user.id, { includeArchived: true });
		return c.json(await describePipeline(c, updated!), 200);
	})
	.openapi(routes.listPipelineMembersRoute, async (c) => {
		const access = await requireAccess(c, c.req.valid('param').pipelineId, true);
		const members = await listPipelineMembers(c.var.deps.db, access.pipeline);
		return c.json({ access: access.pipeline.access, members }, 200);
	})
	.openapi(routes.setPipelineMembersRoute, async (c) => {
		const access = await requireAccess(c, c.req.valid('param').pipelineId, true);
		const { userIds } = c.req.valid('json');
		const { db, rooms, now } = c.var.deps;
		const unknown = await db.transaction(async (tx) => {
			const before = await listPipelineMembers(tx, access.pipeline);
			const refused = await setPipelineMembers(tx, access.pipeline, userIds);
			if (refused.length > 0) return refused;
			await recordAuditEvents(tx, pipelineMembersEvents(access.pipeline, before, userIds, auditActor(c), now()));
			return refused;
		});
		if (unknown.length > 0) {
			throw unprocessable('unknown_member', t(m.error_unknown_member, { ids: unknown.join(', ') }), [
				{ path: 'userIds', message: t(m.error_unknown_member_issue) }
			]);
		}
		await endPipelineConnections(c.var.deps, access.pipeline.id);
		const members = await listPipelineMembers(db, access.pipeline);
		return c.json({ access: access.pipeline.access, members }, 200);
	});

export default router;
