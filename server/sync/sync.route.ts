import type { Hono, MiddlewareHandler } from 'hono';
import type { UpgradeWebSocket } from 'hono/ws';
import type { WebSocket } from 'ws';
import { validateApiToken } from '../auth/api-token.js';
import { readSessionCookie } from '../auth/cookie.js';
import { validateSessionToken } from '../auth/session.js';
import type { AppEnv } from '../http/context.js';
import { errorBody } from '../http/errors.js';
import { getPipelineAccess } from '../pipelines/pipeline.js';
import { createSyncHandlers } from './socket.js';

/**
 * Mounts /sync/<pipelineId>. The upgrade is authenticated (session cookie, or
 * an API token in `token`) and authorised (member of the workspace and of the
 * pipeline) before the socket opens; a refusal is a plain 401 or 403.
 */
export function mountSync(app: Hono<AppEnv>, upgradeWebSocket: UpgradeWebSocket<WebSocket>): void {
	const authorise: MiddlewareHandler<AppEnv, '/sync/:pipelineId'> = async (c, next) => {
		const { db, now, config } = c.var.deps;
		const token = c.req.query('token');
		let userId: string | null = null;
		if (token) {
			userId = (await validateApiToken(db, token, now()))?.user.id ?? null;
		} else {
			const cookie = readSessionCookie(c);
			// A cookie rides along on any site's websocket: insist on our origin.
			const origin = c.req.header('origin');
			const expected = config.ORIGIN ?? `${new URL(c.req.url).protocol}//${c.req.header('host')}`;
			if (cookie && origin && origin.replace(/^http/, 'ws') !== expected.replace(/^http/, 'ws')) {
				return c.json(errorBody('forbidden', `Cross-site websocket refused (origin ${origin}).`), 403);
			}
			userId = cookie ? ((await validateSessionToken(db, cookie, now()))?.user.id ?? null) : null;
		}
		if (!userId) return c.json(errorBody('unauthorized', 'Log in, or pass an API token as ?token=.'), 401);
		const access = await getPipelineAccess(db, c.req.param('pipelineId'), userId);
		if (!access) return c.json(errorBody('forbidden', 'You do not have access to this pipeline.'), 403);
		c.set('sync', { pipelineId: access.pipeline.id, writer: { kind: 'member', userId, role: access.role } });
		await next();
	};
	app.get(
		'/sync/:pipelineId',
		authorise,
		upgradeWebSocket((c) => {
			const { pipelineId, writer } = c.var.sync!;
			return createSyncHandlers(c.var.deps.rooms, pipelineId, writer, c.var.deps.syncHeartbeatMs);
		})
	);
}
