import { requireAuth, requireWorkspace } from '../../http/auth.js';
import { notFound, unprocessable } from '../../http/errors.js';
import { createRouter } from '../../http/router.js';
import { canSeePipeline } from '../../pipelines/pipeline.js';
import { searchWorkspace } from '../../contacts/search.js';
import { createPartyLink, deletePartyLink } from '../../contacts/links.js';
import * as routes from './directory.routes.js';
import { t } from '../../i18n/text.js';
import { m } from '../../../src/lib/paraglide/messages.js';

const router = createRouter()
	.openapi(routes.searchRoute, async (c) => {
		const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId);
		const { user } = requireAuth(c);
		const { db } = c.var.deps;
		const found = await searchWorkspace(db, workspace.id, c.req.valid('query').q, canSeePipeline(db, user.id, workspace.role));
		return c.json(found, 200);
	})
	.openapi(routes.createLinkRoute, async (c) => {
		const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId, 'rep');
		const { user } = requireAuth(c);
		const input = c.req.valid('json');
		// A link to itself says nothing; ids of another workspace are not found.
		if (input.fromId === input.toId) throw unprocessable('link_self', t(m.error_link_self));
		const created = await createPartyLink(c.var.deps.db, workspace.id, input, user.id);
		if (!created) throw notFound(input.toKind === 'contact' ? t(m.error_contact_not_found) : t(m.error_company_not_found));
		const { row, toName } = created;
		const link = { id: row.id, relation: row.relation, kind: row.toKind, otherId: row.toId, otherName: toName };
		return c.json({ link }, 201);
	})
	.openapi(routes.deleteLinkRoute, async (c) => {
		const { workspaceId, linkId } = c.req.valid('param');
		const workspace = await requireWorkspace(c, workspaceId, 'rep');
		if (!(await deletePartyLink(c.var.deps.db, workspace.id, linkId))) throw notFound(t(m.error_link_not_found));
		return c.json({ deleted: true as const }, 200);
	});

export default router;
