import type { Hono, MiddlewareHandler } from 'hono';
import type { UpgradeWebSocket } from 'hono/ws';
import type { WebSocket } from 'ws';
import { validateApiTokenById } from '../auth/api-token.js';
import { findSessionById } from '../auth/session.js';
import type { AppEnv } from '../http/context.js';
import { credentialKey, findAuth, readCredential } from '../http/auth.js';
import type { Admission } from './admissions.js';
import { errorBody } from '../http/errors.js';
import { assertSameOrigin } from '../http/security.js';
import { getPipelineAccess } from '../pipelines/pipeline.js';
import { getWorkspaceOfUser } from '../workspaces/workspace.js';
import type { Database } from '../db/client.js';
import type { OpenConnection } from './connections.js';
import { createSyncHandlers } from './socket.js';
import { findLocale } from '../i18n/locale.js';
import { m } from '../../src/lib/paraglide/messages.js';

/**
 * Mounts /sync/<pipelineId>. The upgrade is authenticated like any API call
 * (session cookie, or an API token in `token`) and authorised (member of the
 * workspace and of the pipeline) before the socket opens; a refusal is a
 * plain 401 or 403. The connection is then tracked with its credential, so
 * that taking the right away closes it (connections.ts). A credential
 * admitted to the board moments ago is admitted again from memory
 * (admissions.ts): after a network drop every socket comes back at once.
 */
export function mountSync(app: Hono<AppEnv>, upgradeWebSocket: UpgradeWebSocket<WebSocket>): void {
	const authorise: MiddlewareHandler<AppEnv, '/sync/:pipelineId'> = async (c, next) => {
		const { db, admissions, now } = c.var.deps;
		const byToken = c.req.query('token') !== undefined || c.req.header('authorization') !== undefined;
		// A cookie rides along on any site's websocket: insist on our origin.
		if (!byToken) assertSameOrigin(c);
		const pipelineId = c.req.param('pipelineId');
		const presented = readCredential(c, { tokenInQuery: true });
		const key = presented ? credentialKey(presented) : null;
		const admitted = key ? admissions.find(key, pipelineId, now().getTime()) : null;
		if (admitted) {
			c.set('sync', { ...admitted.sync, locale: findLocale(c, admitted.user.locale) });
			return next();
		}
		const startedAt = admissions.startLookup();
		const auth = await findAuth(c, { tokenInQuery: true });
		const locale = findLocale(c, auth?.user.locale);
		if (!auth) return c.json(errorBody('unauthorized', m.error_sync_log_in({}, { locale })), 401);
		const access = await getPipelineAccess(db, pipelineId, auth.user.id);
		if (!access) return c.json(errorBody('forbidden', m.error_no_pipeline_access({}, { locale })), 403);
		const sync: Admission['sync'] = {
			pipelineId: access.pipeline.id,
			workspaceId: access.pipeline.workspaceId,
			writer: { kind: 'member', userId: auth.user.id, role: access.role },
			credential: { userId: auth.user.id, sessionId: auth.sessionId, apiTokenId: auth.apiTokenId }
		};
		if (key) admissions.remember(key, { user: auth.user, sync }, startedAt, now().getTime(), auth.sessionExpiresAt?.getTime());
		c.set('sync', { ...sync, locale });
		await next();
	};
	app.get(
		'/sync/:pipelineId',
		authorise,
		upgradeWebSocket((c) => {
			const { deps } = c.var;
			return createSyncHandlers(deps.rooms, deps.connections, c.var.sync!, deps.syncHeartbeatMs);
		})
	);
}

/**
 * The periodic backstop: a connection stays open only while its session or
 * token is valid and its access to the pipeline (or, for a workspace's event
 * stream, its membership), with the same role, holds.
 */
export function recheckConnection(db: Database, now: () => Date) {
	return async (connection: OpenConnection): Promise<boolean> => {
		const { credential } = connection;
		const valid = credential.sessionId
			? await findSessionById(db, credential.sessionId, now())
			: credential.apiTokenId
				? await validateApiTokenById(db, credential.apiTokenId)
				: false;
		if (!valid) return false;
		if (connection.pipelineId === null) {
			const workspace = await getWorkspaceOfUser(db, connection.workspaceId, credential.userId);
			return workspace !== null && workspace.role === connection.role;
		}
		const access = await getPipelineAccess(db, connection.pipelineId, credential.userId);
		return access !== null && access.role === connection.role;
	};
}
