import { WebsocketProvider } from 'y-websocket';
import * as authProtocol from 'y-protocols/auth';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { loadConfig } from '../../server/config.js';
import type { DatabaseHandle } from '../../server/db/client.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { strongPassword, uniqueEmail } from './api-client.js';

export async function startTestServer(
	database: DatabaseHandle,
	unloadRoomsAfterMs = 200,
	syncHeartbeatMs?: number,
	buildDir?: string
): Promise<RunningServer> {
	return startServer({
		database,
		config: loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }),
		unloadRoomsAfterMs,
		syncHeartbeatMs,
		buildDir
	});
}

/**
 * JSON over real HTTP, authenticated with an API token; `form` sends a
 * multipart form instead (its `file` field as a CSV file). Answers that are
 * not JSON (a CSV export) come back as their text.
 */
export async function callApi<T = any>(
	baseUrl: string,
	method: string,
	path: string,
	options: { token?: string; json?: unknown; form?: Record<string, string> } = {}
): Promise<{ status: number; body: T }> {
	const headers: Record<string, string> = {};
	if (options.token) headers.authorization = `Bearer ${options.token}`;
	let body: string | FormData | undefined;
	if (options.form) {
		body = new FormData();
		for (const [name, value] of Object.entries(options.form)) {
			if (name === 'file') body.append(name, new Blob([value], { type: 'text/csv' }), 'import.csv');
			else body.append(name, value);
		}
	} else if (options.json !== undefined) {
		headers['content-type'] = 'application/json';
		body = JSON.stringify(options.json);
	}
	const response = await fetch(baseUrl + path, { method, headers, body });
	const text = await response.text();
	const isJson = response.headers.get('content-type')?.startsWith('application/json') ?? true;
	return { status: response.status, body: text ? (isJson ? JSON.parse(text) : text) : null };
}

export interface TestMember {
	userId: string;
	token: string;
}

/** Signs up an owner over HTTP; returns their API token, workspace and default pipeline. */
export async function signUpOwner(baseUrl: string) {
	const signup = await fetch(`${baseUrl}/api/auth/signup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ email: uniqueEmail('owner'), password: strongPassword, name: 'Olga Owner', workspaceName: 'Acme' })
	});
	const { user, workspace } = (await signup.json()) as { user: { id: string }; workspace: { id: string } };
	const cookie = signup.headers.get('set-cookie')!.split(';')[0]!;
	const tokenResponse = await fetch(`${baseUrl}/api/tokens`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', cookie },
		body: JSON.stringify({ name: 'tests' })
	});
	const { token } = (await tokenResponse.json()) as { token: string };
	const pipelines = await callApi(baseUrl, 'GET', `/api/workspaces/${workspace.id}/pipelines`, { token });
	return { userId: user.id, token, cookie, workspaceId: workspace.id, pipeline: pipelines.body[0] as { id: string; stages: Array<{ id: string; name: string; kind: string }> } };
}

/** Adds a member with the role through an invite; returns their API token. */
export async function addMember(baseUrl: string, ownerToken: string, workspaceId: string, role: string): Promise<TestMember> {
	const invite = await callApi(baseUrl, 'POST', `/api/workspaces/${workspaceId}/invites`, { token: ownerToken, json: { role } });
	const signup = await fetch(`${baseUrl}/api/auth/signup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ email: uniqueEmail(role), password: strongPassword, name: `Ron ${role}`, inviteToken: invite.body.token })
	});
	const { user } = (await signup.json()) as { user: { id: string } };
	const cookie = signup.headers.get('set-cookie')!.split(';')[0]!;
	const tokenResponse = await fetch(`${baseUrl}/api/tokens`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', cookie },
		body: JSON.stringify({ name: 'tests' })
	});
	return { userId: user.id, token: ((await tokenResponse.json()) as { token: string }).token };
}

export interface BoardClient {
	doc: Y.Doc;
	provider: WebsocketProvider;
	refusals: Array<{ rule: string; id: string; message: string }>;
	synced(): Promise<void>;
	destroy(): void;
}

/** A stock y-websocket client, as any third-party integration would use it. */
export function connectBoard(baseUrl: string, pipelineId: string, token: string, doc = new Y.Doc()): BoardClient {
	const provider = new WebsocketProvider(baseUrl.replace(/^http/, 'ws') + '/sync', pipelineId, doc, {
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
		params: { token },
		disableBc: true,
		maxBackoffTime: 200
	});
	const refusals: BoardClient['refusals'] = [];
	// The server reports a refused update with the stock auth message; keep its reason.
	provider.messageHandlers[2] = (_encoder, decoder, _provider, _emit, _type) => {
		authProtocol.readAuthMessage(decoder, doc, (_doc, reason) => refusals.push(JSON.parse(reason)));
	};
	return {
		doc,
		provider,
		refusals,
		synced: () =>
			new Promise((resolve) => {
				if (provider.synced) resolve();
				else provider.once('sync', (isSynced: boolean) => isSynced && resolve());
			}),
		destroy: () => {
			provider.destroy();
			doc.destroy();
		}
	};
}

/** Close codes a stock client saw, in order; with `stopOn`, it stops reconnecting on that code (until connected again). */
export function closeCodesOf(client: BoardClient, stopOn?: number): number[] {
	const codes: number[] = [];
	client.provider.on('connection-close', (event) => {
		if (!event) return;
		codes.push(event.code);
		if (event.code === stopOn) client.provider.disconnect();
	});
	return codes;
}

/** Waits until the condition holds, polling; fails with the label after the timeout. */
export async function eventually(condition: () => boolean | Promise<boolean>, label: string, timeoutMs = 5000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await condition()) return;
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
	throw new Error(`timed out waiting for: ${label}`);
}
