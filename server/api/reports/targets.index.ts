import { requireAuth, requireWorkspace } from '../../http/auth.js';
import { unprocessable } from '../../http/errors.js';
import { createRouter } from '../../http/router.js';
import { hasRoleAtLeast } from '../../workspaces/roles.js';
import { listMemberIdsOf, listTargets, setTargets } from '../../reports/targets.js';
import { t } from '../../i18n/text.js';
import { m } from '../../../src/lib/paraglide/messages.js';
import * as routes from './targets.routes.js';

const router = createRouter()
	.openapi(routes.listTargetsRoute, async (c) => {
		const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId);
		const { user } = requireAuth(c);
		const { month } = c.req.valid('query');
		// Below manager a member sees their own target only, as with the figures.
		const only = hasRoleAtLeast(workspace.role, 'manager') ? null : user.id;
		return c.json({ month, targets: await listTargets(c.var.deps.db, workspace.id, month, only) }, 200);
	})
	.openapi(routes.setTargetsRoute, async (c) => {
		const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId, 'manager');
		const { user } = requireAuth(c);
		const body = c.req.valid('json');
		const members = await listMemberIdsOf(c.var.deps.db, workspace.id, body.targets.map((entry) => entry.userId));
		const strangers = body.targets.flatMap((entry, index) => (members.has(entry.userId) ? [] : [{ path: `targets.${index}.userId`, message: t(m.error_targets_member_unknown) }]));
		if (strangers.length > 0) throw unprocessable('unknown_member', t(m.error_targets_member_unknown), strangers);
		await setTargets(c.var.deps.db, workspace.id, body.month, body.targets, { userId: user.id, at: c.var.deps.now() });
		return c.json({ month: body.month, targets: await listTargets(c.var.deps.db, workspace.id, body.month) }, 200);
	});

export default router;
