import { createRouter } from '../../http/router.js';
import { requireAuth, requireWorkspace } from '../../http/auth.js';
import { forbidden, localeOfCaller, notFound } from '../../http/errors.js';
import { createWorkspace, getWorkspaceSettings, updateWorkspace } from '../../workspaces/workspace.js';
import { changeMemberRole, listMembers, removeMember } from '../../workspaces/member.js';
import { createInvite, listActiveInvites, revokeInvite } from '../../workspaces/invite.js';
import { assertCanResetPassword, createPasswordReset } from '../../workspaces/password-reset.js';
import { getUserById } from '../../auth/user.js';
import { canGrantRole, roleName } from '../../workspaces/roles.js';
import { toInviteJson, toMemberJson } from '../serialize.js';
import type { Context } from 'hono';
import type { AppEnv } from '../../http/context.js';
import { endMemberConnections } from '../../http/connections.js';
import { recordAuditEvent, recordAuditEvents, type AuditEvent } from '../../audit/audit-log.js';
import { auditActor } from '../audit-actor.js';
import * as routes from './workspaces.routes.js';
import { t } from '../../i18n/text.js';
import { m } from '../../../src/lib/paraglide/messages.js';

/** Live board connections carry the role they opened with: make them reconnect. */
function disconnectFromWorkspaceBoards(c: Context<AppEnv>, workspaceId: string, userId: string) {
	return endMemberConnections(c.var.deps, workspaceId, userId);
}

/** Where links the app hands out point: ORIGIN, or the host the request came to. */
function appOrigin(c: Context<AppEnv>): string {
	return c.var.deps.config.ORIGIN ?? new URL(c.req.url).origin;
}

const router = createRouter()
	.openapi(routes.createWorkspaceRoute, async (c) => {
		const { user } = requireAuth(c);
		const db = c.var.deps.db;
		const workspace = await db.transaction(async (tx) => {
			const created = await createWorkspace(tx, user.id, c.req.valid('json').name, localeOfCaller(c));
			await recordAuditEvent(tx, {
				...auditActor(c),
				workspaceId: created.id,
				action: 'workspace.created',
				target: { type: 'workspace', id: created.id, label: created.name },
				at: c.var.deps.now()
			});
			return created;
		});
		return c.json({ workspace }, 201);
	})
	.openapi(routes.getWorkspaceRoute, async (c) => {
		const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId);
		return c.json({ workspace, settings: await getWorkspaceSettings(c.var.deps.db, workspace.id) }, 200);
	})
	.openapi(routes.renameWorkspaceRoute, async (c) => {
		const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId, 'admin');
		const changes = c.req.valid('json');
		const { db, now } = c.var.deps;
		const name = changes.name?.trim() ?? workspace.name;
		await db.transaction(async (tx) => {
			const before = await getWorkspaceSettings(tx, workspace.id);
			await updateWorkspace(tx, workspace.id, changes);
			const event = { ...auditActor(c), workspaceId: workspace.id, at: now() };
			const target = { type: 'workspace', id: workspace.id, label: name } as const;
			const events: AuditEvent[] = [];
			if (name !== workspace.name) events.push({ ...event, action: 'workspace.renamed', target, detail: { from: workspace.name, to: name } });
			if (changes.closedDealDays !== undefined && changes.closedDealDays !== before.closedDealDays) {
				const detail = { setting: 'closedDealDays', from: before.closedDealDays, to: changes.closedDealDays };
				events.push({ ...event, action: 'workspace.settings_changed', target, detail });
			}
			for (const setting of ['timeZone', 'workingHours'] as const) {
				const to = changes[setting];
				if (to === undefined || JSON.stringify(to) === JSON.stringify(before[setting])) continue;
				events.push({ ...event, action: 'workspace.settings_changed', target, detail: { setting, from: before[setting], to } });
			}
			await recordAuditEvents(tx, events);
		});
		// Open boards compute stage rules' due times in the team's calendar: they take the new one at once, on every node.
		if (changes.timeZone !== undefined || changes.workingHours !== undefined) await c.var.deps.rooms.stageRulesChanged(workspace.id);
		return c.json({ workspace: { ...workspace, name }, settings: await getWorkspaceSettings(db, workspace.id) }, 200);
	})
	.openapi(routes.listMembersRoute, async (c) => {
		const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId);
		const members = await listMembers(c.var.deps.db, workspace.id);
		return c.json({ members: members.map(toMemberJson) }, 200);
	})
	.openapi(routes.changeMemberRoute, async (c) => {
		const { workspaceId, userId } = c.req.valid('param');
		const workspace = await requireWorkspace(c, workspaceId, 'admin');
		const { db, now } = c.var.deps;
		const member = await db.transaction(async (tx) => {
			const changed = await changeMemberRole(tx, workspace.id, workspace.role, userId, c.req.valid('json').role);
			if (changed.previousRole === changed.member.role) return changed.member;
			await recordAuditEvent(tx, {
				...auditActor(c),
				workspaceId: workspace.id,
				action: 'member.role_changed',
				target: { type: 'user', id: userId, label: changed.member.name },
				detail: { from: changed.previousRole, to: changed.member.role },
				at: now()
			});
			return changed.member;
		});
		await disconnectFromWorkspaceBoards(c, workspace.id, userId);
		return c.json({ member: toMemberJson(member) }, 200);
	})
	.openapi(routes.removeMemberRoute, async (c) => {
		const { workspaceId, userId } = c.req.valid('param');
		const auth = requireAuth(c);
		const leaving = auth.user.id === userId;
		// Anyone may leave; removing someone else takes an admin.
		const workspace = await requireWorkspace(c, workspaceId, leaving ? 'viewer' : 'admin');
		const { db, now } = c.var.deps;
		await db.transaction(async (tx) => {
			const removed = await removeMember(tx, workspace.id, { userId: auth.user.id, role: workspace.role }, userId);
			await recordAuditEvent(tx, {
				...auditActor(c),
				workspaceId: workspace.id,
				action: leaving ? 'member.left' : 'member.removed',
				target: { type: 'user', id: userId, label: removed.name },
				detail: { role: removed.role },
				at: now()
			});
		});
		await disconnectFromWorkspaceBoards(c, workspace.id, userId);
		return c.body(null, 204);
	})
	.openapi(routes.createPasswordResetRoute, async (c) => {
		const { workspaceId, userId } = c.req.valid('param');
		const workspace = await requireWorkspace(c, workspaceId, 'admin');
		const { user } = requireAuth(c);
		const { db, now } = c.var.deps;
		await assertCanResetPassword(db, workspace.id, { userId: user.id, role: workspace.role }, userId);
		const { token, expiresAt } = await db.transaction(async (tx) => {
			const created = await createPasswordReset(tx, { workspaceId: workspace.id, userId, createdBy: user.id, now: now() });
			const member = await getUserById(tx, userId);
			await recordAuditEvent(tx, {
				...auditActor(c),
				workspaceId: workspace.id,
				action: 'auth.password_reset_issued',
				target: { type: 'user', id: userId, label: member?.name ?? null },
				at: now()
			});
			return created;
		});
		return c.json({ url: `${appOrigin(c)}/reset/${token}`, expiresAt: expiresAt.toISOString() }, 201);
	})
	.openapi(routes.listInvitesRoute, async (c) => {
		const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId, 'admin');
		const invites = await listActiveInvites(c.var.deps.db, workspace.id, c.var.deps.now());
		return c.json({ invites: invites.map(toInviteJson) }, 200);
	})
	.openapi(routes.createInviteRoute, async (c) => {
		const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId, 'admin');
		const { user } = requireAuth(c);
		const body = c.req.valid('json');
		if (!canGrantRole(workspace.role, body.role)) throw forbidden(t(m.error_cannot_invite_role, { role: roleName(body.role) }));
		const { db, now } = c.var.deps;
		const { invite, token } = await db.transaction(async (tx) => {
			const created = await createInvite(tx, {
				workspaceId: workspace.id,
				createdBy: user.id,
				role: body.role,
				expiresInDays: body.expiresInDays,
				maxUses: body.maxUses,
				now: now()
			});
			const { id, role, maxUses, expiresAt } = created.invite;
			await recordAuditEvent(tx, {
				...auditActor(c),
				workspaceId: workspace.id,
				action: 'invite.created',
				target: { type: 'invite', id, label: role },
				detail: { role, maxUses, expiresAt: expiresAt.toISOString() },
				at: now()
			});
			return created;
		});
		return c.json({ invite: toInviteJson(invite), token, url: `${appOrigin(c)}/invite/${token}` }, 201);
	})
	.openapi(routes.revokeInviteRoute, async (c) => {
		const { workspaceId, inviteId } = c.req.valid('param');
		const workspace = await requireWorkspace(c, workspaceId, 'admin');
		const { db, now } = c.var.deps;
		await db.transaction(async (tx) => {
			const revoked = await revokeInvite(tx, workspace.id, inviteId, now());
			if (!revoked) throw notFound(t(m.error_invite_not_found));
			await recordAuditEvent(tx, {
				...auditActor(c),
				workspaceId: workspace.id,
				action: 'invite.revoked',
				target: { type: 'invite', id: revoked.id, label: revoked.role },
				detail: { role: revoked.role },
				at: now()
			});
		});
		return c.body(null, 204);
	});

export default router;
