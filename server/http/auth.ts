import type { Context, MiddlewareHandler } from 'hono';
import { validateApiToken } from '../auth/api-token.js';
import { clearSessionCookie, readSessionCookie, setSessionCookie } from '../auth/cookie.js';
import { validateSessionToken } from '../auth/session.js';
import { hashSecret } from '../auth/tokens.js';
import { getWorkspaceOfUser, listWorkspacesOfUser, type WorkspaceOfUser } from '../workspaces/workspace.js';
import { hasRoleAtLeast, roleName, type Role } from '../workspaces/roles.js';
import { getPipelineAccess, type PipelineAccess } from '../pipelines/pipeline.js';
import type { AppEnv, Auth } from './context.js';
import { forbidden, notFound, unauthorized } from './errors.js';
import { findClientAddress } from './client-address.js';
import { t } from '../i18n/text.js';
import { m } from '../../src/lib/paraglide/messages.js';

/**
 * Resolves who is calling, from `Authorization: Bearer <api token>` or the
 * session cookie, and slides the session's expiry forward when it is due.
 */
export const resolveAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
	c.set('auth', await findAuth(c));
	await next();
};

/** The credential a request presents, not yet checked. */
export type PresentedCredential = { kind: 'token'; token: string } | { kind: 'session'; token: string };

/**
 * What a request presents: `Authorization: Bearer <api token>` (or, with
 * `tokenInQuery`, `?token=`), else the session cookie. A malformed
 * Authorization header is refused, never a silent fall-back to the cookie.
 */
export function readCredential(c: Context<AppEnv>, options: { tokenInQuery?: boolean } = {}): PresentedCredential | null {
	const queryToken = options.tokenInQuery ? c.req.query('token') : undefined;
	const header = c.req.header('authorization') ?? (queryToken !== undefined ? `Bearer ${queryToken}` : undefined);
	if (header !== undefined) {
		const match = /^Bearer\s+(\S+)$/i.exec(header);
		if (!match) throw unauthorized(t(m.error_api_token_invalid));
		return { kind: 'token', token: match[1]! };
	}
	const token = readSessionCookie(c);
	return token ? { kind: 'session', token } : null;
}

/** A name for a credential that holds no secret (the hash the database keeps). */
export function credentialKey(credential: PresentedCredential): string {
	return `${credential.kind}:${hashSecret(credential.token)}`;
}

/**
 * Who is calling. `tokenInQuery` is for the websocket upgrade, where a
 * browser-less client cannot set a header: `?token=` then counts as the
 * Bearer token.
 */
export async function findAuth(c: Context<AppEnv>, options: { tokenInQuery?: boolean } = {}): Promise<Auth | null> {
	const { db, now } = c.var.deps;
	const credential = readCredential(c, options);
	if (!credential) return null;
	if (credential.kind === 'token') {
		const found = await validateApiToken(db, credential.token, now());
		if (!found) throw unauthorized(t(m.error_api_token_invalid));
		return { user: found.user, sessionId: null, apiTokenId: found.tokenId };
	}
	const validation = await validateSessionToken(db, credential.token, now());
	if (!validation) {
		clearSessionCookie(c);
		return null;
	}
	if (validation.renewed) setSessionCookie(c, credential.token, validation.session.expiresAt);
	return { user: validation.user, sessionId: validation.session.id, apiTokenId: null, sessionExpiresAt: validation.session.expiresAt };
}

export function requireAuth(c: Context<AppEnv>): Auth {
	const auth = c.var.auth;
	if (!auth) throw unauthorized();
	return auth;
}

/**
 * The caller's membership of a workspace. A workspace the caller does not
 * belong to answers 404, as if it did not exist: ids reveal nothing.
 */
export async function requireWorkspace(
	c: Context<AppEnv>,
	workspaceId: string,
	minimumRole: Role = 'viewer'
): Promise<WorkspaceOfUser> {
	const auth = requireAuth(c);
	const workspace = await getWorkspaceOfUser(c.var.deps.db, workspaceId, auth.user.id);
	if (!workspace) throw notFound(t(m.error_workspace_not_found));
	if (!hasRoleAtLeast(workspace.role, minimumRole)) {
		throw forbidden(t(m.error_role_needed, { minimum: roleName(minimumRole), role: roleName(workspace.role) }));
	}
	return workspace;
}

/**
 * The address login and sign-up limits count by: the socket's, or with
 * TRUST_PROXY the one the trusted reverse proxies saw (X-Forwarded-For).
 */
export function clientAddress(c: Context<AppEnv>): string {
	const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
	const socketAddress = incoming?.socket?.remoteAddress ?? 'unknown';
	return findClientAddress(socketAddress, c.req.header('x-forwarded-for'), c.var.deps.config.TRUST_PROXY);
}

/** The caller's access to a pipeline; 404 when they may not see it at all. */
export async function requirePipeline(c: Context<AppEnv>, pipelineId: string, minimumRole: Role = 'viewer'): Promise<PipelineAccess> {
	const auth = requireAuth(c);
	const access = await getPipelineAccess(c.var.deps.db, pipelineId, auth.user.id);
	if (!access) throw notFound(t(m.error_pipeline_not_found));
	if (!hasRoleAtLeast(access.role, minimumRole)) {
		throw forbidden(t(m.error_role_needed, { minimum: roleName(minimumRole), role: roleName(access.role) }));
	}
	return access;
}

/**
 * A lookup in the projection that, when it misses, retries once after the
 * caller's boards have projected what they were gathering: a deal made on
 * the board a moment ago is found (reads follow writes), while a wrong id
 * still answers 404. Only the caller's own workspaces are hurried.
 */
export async function findInProjection<T>(c: Context<AppEnv>, find: () => Promise<T | null>): Promise<T | null> {
	const found = await find();
	if (found !== null) return found;
	const auth = requireAuth(c);
	const workspaces = await listWorkspacesOfUser(c.var.deps.db, auth.user.id);
	await c.var.deps.rooms.projectPending(new Set(workspaces.map((workspace) => workspace.id)));
	return find();
}
