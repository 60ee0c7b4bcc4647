import { createRouter } from '../../http/router.js';
import { requireAuth } from '../../http/auth.js';
import { notFound } from '../../http/errors.js';
import { endTokenConnections } from '../../http/connections.js';
import { createApiToken, listApiTokens, revokeApiToken } from '../../auth/api-token.js';
import { toApiTokenJson } from '../serialize.js';
import * as routes from './tokens.routes.js';

const router = createRouter()
	.openapi(routes.listTokens, async (c) => {
		const { user } = requireAuth(c);
		const tokens = await listApiTokens(c.var.deps.db, user.id);
		return c.json({ tokens: tokens.map(toApiTokenJson) }, 200);
	})
	.openapi(routes.createToken, async (c) => {
		const { user } = requireAuth(c);
		const created = await createApiToken(c.var.deps.db, user.id, c.req.valid('json').name);
		return c.json({ id: created.id, name: created.name, token: created.token, createdAt: created.createdAt.toISOString() }, 201);
	})
	.openapi(routes.revokeToken, async (c) => {
		const { user } = requireAuth(c);
		const { tokenId } = c.req.valid('param');
		if (!(await revokeApiToken(c.var.deps.db, user.id, tokenId))) throw notFound('API token');
		await endTokenConnections(c.var.deps, tokenId);
		return c.body(null, 204);
	});

export default router;
