import type { AppDeps } from './context.js';

/**
 * Taking a right away ends it at once, live board connections included.
 * Handlers call these right after the change that takes the right away.
 */

/** The user logged out everywhere, changed or reset their password: close all their connections. */
export async function endUserConnections(deps: AppDeps, userId: string): Promise<void> {
	deps.connections.close({ userId }, 'signed out');
}

/** One session ended (logout). */
export async function endSessionConnections(deps: AppDeps, sessionId: string): Promise<void> {
	deps.connections.close({ sessionId }, 'signed out');
}

/** An API token was revoked. */
export async function endTokenConnections(deps: AppDeps, apiTokenId: string): Promise<void> {
	deps.connections.close({ apiTokenId }, 'token revoked');
}

/** A member's role changed or they left: they reconnect and are authorised afresh; boards look members up again. */
export async function endMemberConnections(deps: AppDeps, workspaceId: string, userId: string): Promise<void> {
	deps.connections.close({ userId, workspaceId });
	await deps.rooms.membersChanged(workspaceId);
}

/** Who may open a pipeline changed: everyone on it reconnects. */
export async function endPipelineConnections(deps: AppDeps, pipelineId: string): Promise<void> {
	deps.connections.close({ pipelineId });
}

/** Someone joined a workspace: its boards may now hand them deals and tasks. */
export async function noteMemberJoined(deps: AppDeps, workspaceId: string): Promise<void> {
	await deps.rooms.membersChanged(workspaceId);
}
