import { requireWorkspace } from '../../http/auth.js';
import { createRouter } from '../../http/router.js';
import { findPartyNames } from '../../contacts/names.js';
import * as routes from './names.routes.js';

const router = createRouter().openapi(routes.namesRoute, async (c) => {
	// Reading names is open to every member, viewers included: they see the boards the names are on.
	const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId);
	const input = c.req.valid('json');
	const names = await findPartyNames(c.var.deps.db, workspace.id, { contactIds: input.contactIds ?? [], companyIds: input.companyIds ?? [] });
	return c.json(names, 200);
});

export default router;
