import { createRouter } from '../../http/router.js';
import { requireAuth, requireWorkspace } from '../../http/auth.js';
import { forbidden, notFound } from '../../http/errors.js';
import { createWorkspace, getWorkspaceSettings, updateWorkspace } from '../../workspaces/workspace.js';
import { changeMemberRole, listMembers, removeMember } from '../../workspaces/member.js';
import { createInvite, listActiveInvites, revokeInvite } from '../../workspaces/invite.js';
import { assertCanResetPassword, createPasswordReset } from '../../workspaces/password-reset.js';
import { canGrantRole } from '../../workspaces/roles.js';
import { toInviteJson, toMemberJson } from '../serialize.js';
import type { Context } from 'hono';
import type { AppEnv } from '../../http/context.js';
import * as routes from './workspaces.routes.js';

/** Live board connections carry the role they opened with: make them reconnect. */
function disconnectFromWorkspaceBoards(c: Context<AppEnv>, workspaceId: string, userId: string) {
	return c.var.deps.rooms.disconnectUser(userId, workspaceId);
}

/** Where links the app hands out point: ORIGIN, or the host the request came to. */
function appOrigin(c: Context<AppEnv>): string {
	return c.var.deps.config.ORIGIN ?? new URL(c.req.url).origin;
}

const router = createRouter()
	.openapi(routes.createWorkspaceRoute, async (c) => {
		const { user } = requireAuth(c);
		const db = c.var.deps.db;
		const workspace = await db.transaction((tx) => createWorkspace(tx, user.id, c.req.valid('json').name));
		return c.json({ workspace }, 201);
	})
	.openapi(routes.getWorkspaceRoute, async (c) => {
		const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId);
		return c.json({ workspace, settings: await getWorkspaceSettings(c.var.deps.db, workspace.id) }, 200);
	})
	.openapi(routes.renameWorkspaceRoute, async (c) => {
		const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId, 'admin');
		const changes = c.req.valid('json');
		const { db } = c.var.deps;
		await updateWorkspace(db, workspace.id, changes);
		return c.json({ workspace: { ...workspace, name: changes.name?.trim() ?? workspace.name }, settings: await getWorkspaceSettings(db, workspace.id) }, 200);
	})
	.openapi(routes.listMembersRoute, async (c) => {
		const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId);
		const members = await listMembers(c.var.deps.db, workspace.id);
		return c.json({ members: members.map(toMemberJson) }, 200);
	})
	.openapi(routes.changeMemberRoute, async (c) => {
		const { workspaceId, userId } = c.req.valid('param');
		const workspace = await requireWorkspace(c, workspaceId, 'admin');
		const member = await changeMemberRole(c.var.deps.db, workspace.id, workspace.role, userId, c.req.valid('json').role);
		await disconnectFromWorkspaceBoards(c, workspace.id, userId);
		return c.json({ member: toMemberJson(member) }, 200);
	})
	.openapi(routes.removeMemberRoute, async (c) => {
		const { workspaceId, userId } = c.req.valid('param');
		const auth = requireAuth(c);
		const leaving = auth.user.id === userId;
		// Anyone may leave; removing someone else takes an admin.
		const workspace = await requireWorkspace(c, workspaceId, leaving ? 'viewer' : 'admin');
		await removeMember(c.var.deps.db, workspace.id, { userId: auth.user.id, role: workspace.role }, userId);
		await disconnectFromWorkspaceBoards(c, workspace.id, userId);
		return c.body(null, 204);
	})
	.openapi(routes.createPasswordResetRoute, async (c) => {
		const { workspaceId, userId } = c.req.valid('param');
		const workspace = await requireWorkspace(c, workspaceId, 'admin');
		const { user } = requireAuth(c);
		const { db, now } = c.var.deps;
		await assertCanResetPassword(db, workspace.id, { userId: user.id, role: workspace.role }, userId);
		const { token, expiresAt } = await createPasswordReset(db, { workspaceId: workspace.id, userId, createdBy: user.id, now: now() });
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
		if (!canGrantRole(workspace.role, body.role)) throw forbidden(`Your role cannot invite as ${body.role}.`);
		const { invite, token } = await createInvite(c.var.deps.db, {
			workspaceId: workspace.id,
			createdBy: user.id,
			role: body.role,
			expiresInDays: body.expiresInDays,
			maxUses: body.maxUses,
			now: c.var.deps.now()
		});
		return c.json({ invite: toInviteJson(invite), token, url: `${appOrigin(c)}/invite/${token}` }, 201);
	})
	.openapi(routes.revokeInviteRoute, async (c) => {
		const { workspaceId, inviteId } = c.req.valid('param');
		const workspace = await requireWorkspace(c, workspaceId, 'admin');
		if (!(await revokeInvite(c.var.deps.db, workspace.id, inviteId, c.var.deps.now()))) throw notFound('Invite');
		return c.body(null, 204);
	});

export default router;
