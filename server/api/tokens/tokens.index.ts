import { createRouter } from '../../http/router.js';
import { requireAuth } from '../../http/auth.js';
import { notFound } from '../../http/errors.js';
import { endTokenConnections } from '../../http/connections.js';
import { createApiToken, listApiTokens, revokeApiToken } from '../../auth/api-token.js';
import { recordUserEvent } from '../../audit/audit-log.js';
import { auditActor } from '../audit-actor.js';
import { toApiTokenJson } from '../serialize.js';
import * as routes from './tokens.routes.js';
import { t } from '../../i18n/text.js';
import { m } from '../../../src/lib/paraglide/messages.js';

const router = createRouter()
	.openapi(routes.listTokens, async (c) => {
		const { user } = requireAuth(c);
		const tokens = await listApiTokens(c.var.deps.db, user.id);
		return c.json({ tokens: tokens.map(toApiTokenJson) }, 200);
	})
	.openapi(routes.createToken, async (c) => {
		const { user } = requireAuth(c);
		const { db, now } = c.var.deps;
		// A token reaches every workspace of its user: each of them records it.
		const created = await db.transaction(async (tx) => {
			const token = await createApiToken(tx, user.id, c.req.valid('json').name);
			await recordUserEvent(tx, user.id, {
				...auditActor(c),
				action: 'token.created',
				target: { type: 'api-token', id: token.id, label: token.name },
				at: now()
			});
			return token;
		});
		return c.json({ id: created.id, name: created.name, token: created.token, createdAt: created.createdAt.toISOString() }, 201);
	})
	.openapi(routes.revokeToken, async (c) => {
		const { user } = requireAuth(c);
		const { db, now } = c.var.deps;
		const { tokenId } = c.req.valid('param');
		await db.transaction(async (tx) => {
			const revoked = await revokeApiToken(tx, user.id, tokenId);
			if (!revoked) throw notFound(t(m.error_api_token_not_found));
			await recordUserEvent(tx, user.id, {
				...auditActor(c),
				action: 'token.revoked',
				target: { type: 'api-token', id: revoked.id, label: revoked.name },
				at: now()
			});
		});
		await endTokenConnections(c.var.deps, tokenId);
		return c.body(null, 204);
	});

export default router;
