import { createApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import type { DatabaseHandle } from '../../server/db/client.js';
import type { AuthThrottle } from '../../server/auth/throttle.js';

export type TestApp = ReturnType<typeof createApp>;

export interface TestAppOptions {
	now?: () => Date;
	throttle?: AuthThrottle;
	env?: Record<string, string>;
}

export function createTestApp(database: DatabaseHandle, options: TestAppOptions = {}): TestApp {
	const config = loadConfig({ LOG_LEVEL: 'silent', ...options.env });
	return createApp({ database, config, now: options.now, throttle: options.throttle });
}

export interface CallOptions {
	json?: unknown;
	body?: string;
	headers?: Record<string, string>;
	/** The client address the server sees, for throttling tests. */
	address?: string;
}

export interface ApiResponse<T = any> {
	status: number;
	body: T;
	headers: Headers;
}

/**
 * Talks to the app in process like a browser would: it keeps the session
 * and device cookies it is given and sends them back.
 */
export class ApiClient {
	cookie: string | null = null;
	deviceCookie: string | null = null;

	constructor(private readonly app: TestApp, private readonly bearer?: string) {}

	withToken(token: string): ApiClient {
		return new ApiClient(this.app, token);
	}

	async call<T = any>(method: string, path: string, options: CallOptions = {}): Promise<ApiResponse<T>> {
		const headers: Record<string, string> = { ...options.headers };
		let body = options.body;
		if (options.json !== undefined) {
			headers['content-type'] = 'application/json';
			body = JSON.stringify(options.json);
		}
		const cookies = [this.cookie, this.deviceCookie].filter(Boolean);
		if (cookies.length > 0) headers.cookie = cookies.join('; ');
		if (this.bearer) headers.authorization = `Bearer ${this.bearer}`;
		const env = { incoming: { socket: { remoteAddress: options.address ?? '203.0.113.1' } } };
		const response = await this.app.request(path, { method, headers, body }, env);
		for (const setCookie of response.headers.getSetCookie()) this.rememberCookie(setCookie);
		const text = await response.text();
		return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
	}

	get = <T = any>(path: string, options?: CallOptions) => this.call<T>('GET', path, options);
	post = <T = any>(path: string, json?: unknown, options?: CallOptions) => this.call<T>('POST', path, { ...options, json });
	patch = <T = any>(path: string, json?: unknown, options?: CallOptions) => this.call<T>('PATCH', path, { ...options, json });
	delete = <T = any>(path: string, options?: CallOptions) => this.call<T>('DELETE', path, options);

	private rememberCookie(setCookie: string): void {
		const [pair] = setCookie.split(';');
		const [name, value] = pair!.split('=');
		const expired = /Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(setCookie);
		const kept = expired || !value ? null : `${name}=${value}`;
		if (name === 'voronka_session') this.cookie = kept;
		if (name === 'voronka_device') this.deviceCookie = kept;
	}
}

let counter = 0;
export function uniqueEmail(label = 'user'): string {
	counter += 1;
	return `${label}.${counter}.${Math.random().toString(36).slice(2, 7)}@example.com`;
}

export const strongPassword = 'plum-orchard-tuesday-42';

/** Signs up a new user with a workspace and returns a client logged in as them. */
export async function signUp(app: TestApp, overrides: Partial<{ email: string; name: string; workspaceName: string }> = {}) {
	const client = new ApiClient(app);
	const email = overrides.email ?? uniqueEmail();
	const response = await client.post('/api/auth/signup', {
		email,
		password: strongPassword,
		name: overrides.name ?? 'Test User',
		workspaceName: overrides.workspaceName ?? 'Test Workspace'
	});
	if (response.status !== 201) throw new Error(`signup failed: ${response.status} ${JSON.stringify(response.body)}`);
	return { client, email, user: response.body.user, workspace: response.body.workspace };
}

/** Invites a new user with the role and returns them logged in. */
export async function joinAs(app: TestApp, admin: ApiClient, workspaceId: string, role: string) {
	const invite = await admin.post(`/api/workspaces/${workspaceId}/invites`, { role });
	if (invite.status !== 201) throw new Error(`invite failed: ${invite.status} ${JSON.stringify(invite.body)}`);
	const client = new ApiClient(app);
	const email = uniqueEmail(role);
	const response = await client.post('/api/auth/signup', {
		email,
		password: strongPassword,
		name: `A ${role}`,
		inviteToken: invite.body.token
	});
	if (response.status !== 201) throw new Error(`join failed: ${response.status} ${JSON.stringify(response.body)}`);
	return { client, email, user: response.body.user };
}
