import { OpenAPIHono } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { requireAuth, requireWorkspace } from '../../http/auth.js';
import type { AppEnv } from '../../http/context.js';

/** A comment line now and then keeps proxies from closing an idle stream, and finds dead clients. */
const heartbeatMs = 25_000;

/**
 * GET /api/workspaces/:workspaceId/events: the workspace's live channel, as
 * Server-Sent Events (docs/ARCHITECTURE.md, "The workspace's live channel").
 * Authenticated and authorised like any API call; the stream is tracked
 * with its credential in `connections`, so logging out, a revoked token, a
 * role change or a removal from the workspace ends it at once, on every node.
 *
 * A plain route, outside the OpenAPI document: the contract tests call each
 * documented route and expect an answer that ends.
 */
const router = new OpenAPIHono<AppEnv>().get('/workspaces/:workspaceId/events', async (c) => {
	const workspace = await requireWorkspace(c, c.req.param('workspaceId'));
	const auth = requireAuth(c);
	const { events, connections } = c.var.deps;
	// Tells nginx not to buffer the stream.
	c.header('x-accel-buffering', 'no');
	return streamSSE(c, async (stream) => {
		let end!: () => void;
		const ended = new Promise<void>((resolve) => (end = resolve));
		let id = 0;
		const send = (event: string, data: unknown) => {
			if (stream.closed || stream.aborted) return;
			stream.writeSSE({ event, data: JSON.stringify(data), id: String((id += 1)) }).catch(() => end());
		};
		const unsubscribe = events.subscribe(workspace.id, {
			send: (event) => {
				// A notification is its addressee's business alone.
				if (event.type === 'notification' && event.userId !== auth.user.id) return;
				send(event.type, event);
			}
		});
		const forget = connections.add({
			peer: { close: () => end() },
			credential: { userId: auth.user.id, sessionId: auth.sessionId, apiTokenId: auth.apiTokenId },
			pipelineId: null,
			workspaceId: workspace.id,
			role: workspace.role
		});
		stream.onAbort(() => end());
		const heartbeat = setInterval(() => {
			if (!stream.closed) stream.write(': ping\n\n').catch(() => end());
		}, heartbeatMs);
		// Tells the client it is listening: whatever changed before this, it reads afresh now.
		send('ready', { workspaceId: workspace.id });
		try {
			await ended;
		} finally {
			clearInterval(heartbeat);
			unsubscribe();
			forget();
		}
	});
});

export default router;
