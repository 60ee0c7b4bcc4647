import http from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { maxBatchBodyBytes, maxBodyBytes } from '../../server/app.js';
import { errorSchema } from '../../server/http/errors.js';
import type { RunningServer } from '../../server/server.js';
import { methodOf, routeTable, routesOfDocument } from '../support/api-routes.js';
import { describeEachDatabase } from '../support/databases.js';
import { fingerprint } from '../support/db-fingerprint.js';
import { eventually, startTestServer } from '../support/sync-server.js';
import { apiOver, buildWorkspace, type Api, type WorkspaceFixture } from '../support/two-workspaces.js';

// A fixed seed: a failure names its vector and reproduces. FUZZ_SEED and
// FUZZ_RUNS explore further locally (300 runs a route is about 2 minutes).
const seed = Number(process.env.FUZZ_SEED ?? 7_2026);
const runsPerRoute = Number(process.env.FUZZ_RUNS ?? 12);

export const injections = [
	"' OR '1'='1' --",
	"'; DROP TABLE deals; --",
	'" OR ""="',
	'<script>alert(1)</script>',
	'<img src=x onerror=alert(1)>',
	'../../../../etc/passwd',
	'..\\..\\windows\\win.ini',
	'%2e%2e%2f%2e%2e%2f',
	'${7*7}{{7*7}}',
	'%_\\',
	'$1; SELECT pg_sleep(5)'
];
export const wellFormedUnicode = [
	'\u202Eevil\u202C',
	'\u05E9\u05DC\u05D5\u05DD',
	'e\u0301\u0301\u0301\u0301',
	'👩‍👩‍👧‍👦🏳️‍🌈',
	'\u200B\u200C\u200D\uFEFF',
	'Z̷̢̛͇a̴̧͎l̶̦̈g̸̱̈́o̷͚̊',
	'𝕏𝕐𝕫'
];
export const illFormed = ['x\u0000y', '\u0000', 'a\uD800', '\uDC00b', 'x\uD83D', 'ok\u0000\uDFFF'];
/**
 * Requests that once got a 5xx or were taken in, each with the hole it showed.
 * They run as named tests and seed the fuzzer's runs of their route.
 */
export const regressions: Array<{ name: string; route: string; request: (w: WorkspaceFixture) => { path: string; json?: unknown } }> = [
	{
		name: 'a NUL in a display name was a 500 (PostgreSQL refuses NUL in text)',
		route: 'PATCH /api/me',
		request: () => ({ path: '/api/me', json: { name: 'x\u0000y' } })
	},
	{
		name: 'a NUL in a workspace name was a 500',
		route: 'POST /api/workspaces',
		request: () => ({ path: '/api/workspaces', json: { name: 'Acme\u0000' } })
	},
	{
		name: 'a NUL in a token name was a 500',
		route: 'POST /api/tokens',
		request: () => ({ path: '/api/tokens', json: { name: '\u0000' } })
	},
	{
		name: 'a NUL in a lost reason was a 500',
		route: 'PUT /api/workspaces/{workspaceId}/lost-reasons',
		request: (w) => ({ path: `/api/workspaces/${w.workspaceId}/lost-reasons`, json: { labels: ['No\u0000budget'] } })
	},
	{
		name: 'a NUL in a timeline note was a 500',
		route: 'POST /api/deals/{dealId}/interactions',
		request: (w) => ({ path: `/api/deals/${w.dealId}/interactions`, json: { kind: 'note', text: 'called\u0000' } })
	},
	{
		name: 'a NUL in a pipeline name was a 500',
		route: 'POST /api/workspaces/{workspaceId}/pipelines',
		request: (w) => ({ path: `/api/workspaces/${w.workspaceId}/pipelines`, json: { name: 'Renewals\u0000' } })
	},
	{
		name: 'a NUL in a path id was a 500',
		route: 'GET /api/workspaces/{workspaceId}',
		request: () => ({ path: '/api/workspaces/a%00b' })
	},
	{
		name: 'a NUL in the deal search was a 500',
		route: 'GET /api/pipelines/{pipelineId}/deals',
		request: (w) => ({ path: `/api/pipelines/${w.pipelineId}/deals?q=a%00b` })
	},
	{
		name: 'a NUL in a deal title was accepted onto the board, and the projection could never write the deal',
		route: 'POST /api/pipelines/{pipelineId}/deals',
		request: (w) => ({
			path: `/api/pipelines/${w.pipelineId}/deals`,
			json: { title: 'Acme\u0000', valueMinor: 1, currency: 'EUR', firstTask: { type: 'call', title: 'Call', dueAt: '2030-01-01T00:00:00Z' } }
		})
	},
	{
		name: 'a NUL in a task title was accepted onto the board, and the projection could never write the task',
		route: 'POST /api/deals/{dealId}/tasks',
		request: (w) => ({ path: `/api/deals/${w.dealId}/tasks`, json: { type: 'call', title: 'Call\u0000', dueAt: '2030-01-01T00:00:00Z' } })
	},
	{
		name: 'a lone surrogate in a name was stored as U+FFFD, not as sent',
		route: 'PATCH /api/workspaces/{workspaceId}',
		request: (w) => ({ path: `/api/workspaces/${w.workspaceId}`, json: { name: 'Acme \uD800' } })
	}
];

const huge = 'x'.repeat(20_001);
/** Padding past a route's body limit: the deal batch takes up to 8 MiB, every other route 256 KiB. */
const overBodyLimit = (route: string) =>
	'x'.repeat((route === 'POST /api/pipelines/{pipelineId}/deals/batch' ? maxBatchBodyBytes : maxBodyBytes) + 1024);
const wrongTypes: unknown[] = [0, -1, 1.5, 1e308, true, false, null, [], {}, [1, 'two'], { nested: { deeper: [null] } }];

/** A value the field's schema cannot accept, whatever the field, given its valid value. */
function invalidFor(valid: unknown): fc.Arbitrary<unknown> {
	if (typeof valid === 'string') {
		return fc.oneof(
			fc.constantFrom(...wrongTypes),
			fc.constantFrom(huge, ...illFormed),
			fc.tuple(fc.constantFrom(...illFormed), fc.string({ unit: 'binary', maxLength: 20 })).map(([bad, noise]) => noise + bad + valid)
		);
	}
	if (typeof valid === 'number') return fc.constantFrom(-1, 1.5, 1e308, -1e308, '1', '', true, null, [], {});
	if (typeof valid === 'boolean') return fc.constantFrom('true', 1, 0, null, [], {});
	if (Array.isArray(valid)) {
		return fc.constantFrom('x', 1, null, {}, true, [1], [null], [{}], ['a\u0000'], Array.from({ length: 1001 }, (_, i) => `id${i}`));
	}
	return fc.constantFrom('x', 1, null, [], true);
}

type Json = Record<string, unknown>;

/** Paths of the body's fields, one level into nested objects. */
function fieldPaths(body: Json): string[][] {
	return Object.entries(body).flatMap(([key, value]) =>
		value && typeof value === 'object' && !Array.isArray(value) ? [[key], ...Object.keys(value).map((inner) => [key, inner])] : [[key]]
	);
}

function getAt(body: Json, path: string[]): unknown {
	return path.reduce<unknown>((value, key) => (value as Json)?.[key], body);
}

function setAt(body: Json, path: string[], value: unknown): Json {
	const copy = structuredClone(body);
	let target = copy;
	for (const key of path.slice(0, -1)) target = target[key] as Json;
	target[path.at(-1)!] = value;
	return copy;
}

/** Fields a body has no business carrying: they must never change what is written. */
const extraFields = fc.dictionary(
	fc.constantFrom('__proto__', 'constructor', 'id', 'workspaceId', 'pipelineId', 'userId', 'isAdmin', 'polluted', 'createdAt', 'archivedAt'),
	fc.constantFrom<unknown>('owner', true, { polluted: true }, 'x'.repeat(500), null, ...injections),
	{ maxKeys: 3 }
);

export interface FuzzRequest {
	method: string;
	path: string;
	body?: string;
	contentType?: string;
	credentials: 'member' | 'none' | 'bogus';
	why: string;
}

// No bare dot segments: the URL parser resolves them before routing (/members/.. is the workspace).
const nastyPathSegments = ['', '%20', '%00', 'a%00b', '..%2F..%2Fapi%2Fme', '..%5C..%5C', '%', '%E0%A4%A', 'x'.repeat(65), encodeURIComponent("' OR 1=1 --"), encodeURIComponent('<script>'), encodeURIComponent('\u202E\u200B'), '%F0%9F%92%A9', '%ED%A0%80', 'null', 'undefined', '0', '-1'];

const nastyQueries = [
	'limit=-1',
	'limit=0',
	'limit=5001',
	'limit=abc',
	'limit=1e309',
	'limit=1.5',
	'offset=-1',
	'offset=abc',
	'sort=%27%3B--',
	'order=sideways',
	'status=closed',
	`q=${'x'.repeat(201)}`,
	'q=%00',
	'q=a%00b',
	`stage=${'x'.repeat(65)}`,
	'owner=%00',
	'stage=',
	'limit=1&limit=2&limit=abc'
];

/** One request that must be refused with a 4xx: at least one ingredient is invalid. */
function invalidRequest(route: string, valid: { path: string; json?: unknown }): fc.Arbitrary<FuzzRequest> {
	const method = methodOf(route);
	const template = route.split(' ')[1]!;
	const params = [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
	const credentials = fc.constantFrom<FuzzRequest['credentials']>('member', 'member', 'member', 'none', 'bogus');
	const options: Array<fc.Arbitrary<FuzzRequest>> = [];
	if (params.length > 0) {
		options.push(
			fc.record({ index: fc.nat({ max: params.length - 1 }), segment: fc.constantFrom(...nastyPathSegments), credentials }).map(({ index, segment, credentials }) => {
				// The valid path, with one of its parameters replaced.
				const actual = valid.path.split('?')[0]!.split('/');
				const templateParts = template.split('/');
				const position = templateParts.indexOf(`{${params[index]}}`);
				actual[position] = segment;
				return { method, path: actual.join('/'), body: valid.json === undefined ? undefined : JSON.stringify(valid.json), credentials, why: `path ${params[index]}=${segment}` };
			})
		);
	}
	if (method === 'GET' && valid.path.includes('?')) {
		options.push(
			fc.record({ query: fc.constantFrom(...nastyQueries), credentials }).map(({ query, credentials }) => ({
				method,
				path: `${valid.path.split('?')[0]}?${query}`,
				credentials,
				why: `query ${query}`
			}))
		);
	}
	const body = valid.json as Json | undefined;
	if (body !== undefined) {
		const paths = fieldPaths(body);
		if (paths.length > 0) {
			options.push(
				fc
					.constantFrom(...paths)
					.chain((path) => fc.record({ path: fc.constant(path), value: invalidFor(getAt(body, path)), extra: extraFields, credentials }))
					.map(({ path, value, extra, credentials }) => {
						const extras = Object.fromEntries(Object.entries(extra).filter(([key]) => !(key in body)));
						return {
							method,
							path: valid.path,
							body: JSON.stringify(setAt({ ...extras, ...body }, path, value)),
							credentials,
							why: `field ${path.join('.')}`
						};
					})
			);
		}
		options.push(
			fc.record({ whole: fc.constantFrom<unknown>([], 'text', 42, null, true, [body]), credentials }).map(({ whole, credentials }) => ({
				method,
				path: valid.path,
				body: JSON.stringify(whole),
				credentials,
				why: 'not an object'
			})),
			fc
				.record({ raw: fc.constantFrom('{', '{"a":', "{'a':1}", 'undefined', '', '\u0000', '{"a":1}}', '[1,]', JSON.stringify(body).slice(0, -1)), credentials })
				.map(({ raw, credentials }) => ({ method, path: valid.path, body: raw, credentials, why: 'malformed JSON' })),
			fc
				.record({ type: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', ''), credentials })
				.map(({ type, credentials }) => ({ method, path: valid.path, body: JSON.stringify(body), contentType: type, credentials, why: `content-type ${type || 'none'}` })),
			fc.constant({ method, path: valid.path, body: JSON.stringify({ ...body, padding: overBodyLimit(route) }), credentials: 'member' as const, why: 'over the body limit' })
		);
	}
	if (options.length === 0) {
		// No parameter, query or body: only the credentials can be wrong.
		options.push(fc.constant({ method, path: valid.path, credentials: 'bogus' as const, why: 'bogus token' }));
	}
	return fc.oneof(...options);
}

/**
 * Sends the request on a connection of its own: after an early 413 the server
 * drops the connection, which a pooled client would reuse for the next one.
 */
export function send(baseUrl: string, request: FuzzRequest, token: string): Promise<{ status: number; text: string; type: string | null }> {
	const headers: Record<string, string> = {};
	if (request.credentials === 'member') headers.authorization = `Bearer ${token}`;
	if (request.credentials === 'bogus') headers.authorization = 'Bearer vrk_notarealtoken';
	if (request.body !== undefined && request.contentType !== '') headers['content-type'] = request.contentType ?? 'application/json';
	return new Promise((resolve, reject) => {
		// The path goes out as written: a URL parser would resolve "..", and the server must face it.
		const { hostname, port } = new URL(baseUrl);
		const outgoing = http.request({ hostname, port, path: request.path, method: request.method, headers, agent: false }, (response) => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () =>
				resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), type: response.headers['content-type'] ?? null })
			);
		});
		outgoing.on('error', reject);
		outgoing.end(request.body);
	});
}

/** A refusal: a 4xx with the API's one error shape. */
export function expectRefusal(answer: { status: number; text: string; type: string | null }, what: string): void {
	expect(answer.status, what).toBeGreaterThanOrEqual(400);
	expect(answer.status, `${what}: ${answer.text.slice(0, 300)}`).toBeLessThan(500);
	expect(answer.type, what).toMatch(/^application\/json/);
	const parsed = errorSchema.strict().safeParse(JSON.parse(answer.text));
	expect(parsed.success, `${what}: ${answer.text.slice(0, 300)}`).toBe(true);
}

describeEachDatabase('API fuzzing', (database) => {
	let server: RunningServer;
	let api: Api;
	let w: WorkspaceFixture;

	beforeAll(async () => {
		server = await startTestServer(database());
		api = apiOver(server.url);
		w = await buildWorkspace(server.url, 'F');
		// Boards the fixture opened write their snapshot when they unload: let that happen first.
		await eventually(() => server.rooms.loadedCount === 0, 'the fixture’s boards unload', 10_000);
		await server.rooms.unloaded();
	});
	afterAll(async () => {
		await server?.close();
	});

	for (const vector of regressions) {
		it(`regression: ${vector.name}`, async () => {
			const before = await fingerprint(database().db);
			const caller = w.members[routeTable[vector.route]!.minRole ?? 'owner'];
			const { path, json } = vector.request(w);
			const request: FuzzRequest = { method: methodOf(vector.route), path, body: json === undefined ? undefined : JSON.stringify(json), credentials: 'member', why: vector.name };
			expectRefusal(await send(server.url, request, caller.token), vector.name);
			expect(await fingerprint(database().db)).toEqual(before);
		});
	}

	it('refuses a JSON body carrying a key no route knows, naming the key, and writes nothing', async () => {
		const document = await api('GET', '/api/openapi.json', w.members.owner.token);
		let checked = 0;
		for (const route of routesOfDocument(document.body)) {
			const caller = w.members[routeTable[route]!.minRole ?? 'owner'];
			const { path, json } = routeTable[route]!.request(w, caller);
			if (json === null || typeof json !== 'object' || Array.isArray(json)) continue;
			const before = await fingerprint(database().db);
			const body = JSON.stringify({ ...json, stowaway: 'outside the schema' });
			const answer = await send(server.url, { method: methodOf(route), path, body, credentials: 'member', why: 'unknown key' }, caller.token);
			expectRefusal(answer, `${route} with an unknown key`);
			expect(answer.status, route).toBe(422);
			expect(JSON.parse(answer.text).error.message, route).toContain('stowaway');
			expect(await fingerprint(database().db), `${route}: a refused request wrote`).toEqual(before);
			checked += 1;
		}
		expect(checked).toBeGreaterThan(25);
	});

	it('regression: two passwords that differ only in a lone surrogate were one password', async () => {
		const signup = await send(
			server.url,
			{ method: 'POST', path: '/api/auth/signup', body: JSON.stringify({ email: 'surrogate@example.com', password: 'orchard-plum-\uD800-42', name: 'S', workspaceName: 'S' }), credentials: 'none', why: '' },
			''
		);
		expectRefusal(signup, 'a password with a lone surrogate');
		const login = await send(
			server.url,
			{ method: 'POST', path: '/api/auth/login', body: JSON.stringify({ email: 'surrogate@example.com', password: 'orchard-plum-\uDBFF-42' }), credentials: 'none', why: '' },
			''
		);
		expect(login.status).toBe(422);
	});

	it('refuses every malformed request to every route with a 4xx in the error shape, writing nothing', { timeout: 120_000 }, async () => {
		const document = await api('GET', '/api/openapi.json', w.members.owner.token);
		const routes = routesOfDocument(document.body);
		expect(routes.filter((route) => !routeTable[route])).toEqual([]);
		let before = await fingerprint(database().db);
		for (const route of routes) {
			const caller = w.members[routeTable[route]!.minRole ?? 'owner'];
			// Revoking a token: aim at someone else's, so a slip cannot lock the fuzzer out.
			const valid = routeTable[route]!.request(w, route === 'DELETE /api/tokens/{tokenId}' ? w.members.admin : caller);
			const examples = regressions
				.filter((vector) => vector.route === route)
				.map((vector): [FuzzRequest] => {
					const { path, json } = vector.request(w);
					return [{ method: methodOf(route), path, body: json === undefined ? undefined : JSON.stringify(json), credentials: 'member', why: vector.name }];
				});
			await fc.assert(
				fc.asyncProperty(invalidRequest(route, valid), async (request) => {
					const answer = await send(server.url, request, caller.token);
					expectRefusal(answer, `${route} (${request.why}) ${request.path} ${request.body?.slice(0, 200) ?? ''}`);
				}),
				{ seed, numRuns: runsPerRoute, examples }
			);
			const after = await fingerprint(database().db);
			expect(after, `${route}: a refused request wrote`).toEqual(before);
			before = after;
		}
		expect(Object.prototype).not.toHaveProperty('polluted');
		expect((await api('GET', '/healthz', w.members.owner.token)).body).toEqual({ status: 'ok' });
		expect((await api('GET', `/api/deals/${w.dealId}`, w.members.owner.token)).status).toBe(200);
	});

	it('reads malformed percent-encoding in a query as text, never as a 5xx', async () => {
		// An invalid escape is kept as written by the router: a search for it, not an error.
		for (const q of ['%ED%A0%80', '%E0%A4%A', '%', '%%', '%zz', '%C0%AF', '%FF%FE']) {
			const answer = await send(server.url, { method: 'GET', path: `/api/pipelines/${w.pipelineId}/deals?q=${q}`, credentials: 'member', why: q }, w.members.rep.token);
			expect(answer.status, q).toBe(200);
			expect(JSON.parse(answer.text), q).toEqual({ deals: [], total: 0 });
		}
	});

	it('stores injection and unicode text as plain text, and finds it again', async () => {
		const rep = w.members.rep.token;
		const text = fc.oneof(fc.constantFrom(...injections, ...wellFormedUnicode), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }));
		await fc.assert(
			fc.asyncProperty(text, async (value) => {
				const trimmed = value.trim();
				fc.pre(trimmed.length > 0);
				const logged = await api('POST', `/api/deals/${w.dealId}/interactions`, rep, { kind: 'note', text: value });
				expect(logged.status).toBe(201);
				expect(logged.body.interaction.text).toBe(trimmed);
				const page = await api('GET', `/api/deals/${w.dealId}`, rep);
				expect(page.body.interactions.map((entry: { text: string }) => entry.text)).toContain(trimmed);
				const search = await api('GET', `/api/pipelines/${w.pipelineId}/deals?q=${encodeURIComponent(value.slice(0, 200))}`, rep);
				expect(search.status).toBe(200);
				expect(search.body.total).toBe(search.body.deals.length);
			}),
			{ seed, numRuns: 25 }
		);
		expect((await api('GET', '/healthz', rep)).body).toEqual({ status: 'ok' });
	});
});
