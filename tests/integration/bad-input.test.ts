import { expect, it } from 'vitest';
import { describeEachDatabase } from '../support/databases.js';
import { ApiClient, createTestApp, signUp } from '../support/api-client.js';
import { users } from '../../server/db/schema.js';

describeEachDatabase('bad input', (database) => {
	it('answers malformed JSON with 400 invalid_json and writes nothing', async () => {
		const app = createTestApp(database());
		const before = (await database().db.select().from(users)).length;
		const response = await new ApiClient(app).call('POST', '/api/auth/signup', {
			body: '{"email": "a@b.co", ',
			headers: { 'content-type': 'application/json' }
		});
		expect(response.status).toBe(400);
		expect(response.body.error.code).toBe('invalid_json');
		expect((await database().db.select().from(users)).length).toBe(before);
	});

	it('lists every missing and wrong-typed field with its path', async () => {
		const app = createTestApp(database());
		const response = await new ApiClient(app).post('/api/auth/signup', { email: 42, password: ['x'] });
		expect(response.status).toBe(422);
		expect(response.body.error.code).toBe('validation_failed');
		const paths = response.body.error.issues.map((issue: { path: string }) => issue.path);
		expect(paths).toEqual(expect.arrayContaining(['email', 'password', 'name']));
		expect(response.body.error.message).toMatch(/email/);
	});

	it('needs exactly one of workspaceName and inviteToken', async () => {
		const app = createTestApp(database());
		const response = await new ApiClient(app).post('/api/auth/signup', {
			email: 'x@example.com',
			password: 'long-enough-secret-1',
			name: 'X'
		});
		expect(response.status).toBe(422);
		expect(response.body.error.message).toMatch(/workspaceName|inviteToken/);
	});

	it('refuses an oversized body with 413', async () => {
		const app = createTestApp(database());
		const { client } = await signUp(app);
		const response = await client.post('/api/workspaces', { name: 'x'.repeat(400 * 1024) });
		expect(response.status).toBe(413);
		expect(response.body.error.code).toBe('payload_too_large');
	});

	it('refuses a too-long name with 422, not a database error', async () => {
		const app = createTestApp(database());
		const { client } = await signUp(app);
		const response = await client.post('/api/workspaces', { name: 'x'.repeat(101) });
		expect(response.status).toBe(422);
		expect(response.body.error.issues[0].path).toBe('name');
	});

	it('refuses a cross-site state-changing request by its Origin', async () => {
		const app = createTestApp(database());
		const { client } = await signUp(app);
		const forged = await client.post('/api/workspaces', { name: 'Forged' }, { headers: { origin: 'https://evil.example' } });
		expect(forged.status).toBe(403);
		const sameSite = await client.post('/api/workspaces', { name: 'Mine' }, { headers: { origin: 'http://localhost' } });
		expect(sameSite.status).toBe(201);
	});

	it('answers unknown API routes with the error shape', async () => {
		const app = createTestApp(database());
		const response = await new ApiClient(app).get('/api/nothing-here');
		expect(response.status).toBe(404);
		expect(response.body.error.code).toBe('not_found');
	});

	it('serves health, the OpenAPI document and its reference page', async () => {
		const app = createTestApp(database());
		const client = new ApiClient(app);
		expect((await client.get('/healthz')).body).toEqual({ status: 'ok' });
		const doc = await client.get('/api/openapi.json');
		expect(doc.body.openapi).toBe('3.1.0');
		expect(Object.keys(doc.body.paths)).toEqual(
			expect.arrayContaining(['/api/auth/signup', '/api/auth/login', '/api/me', '/api/tokens', '/api/workspaces/{workspaceId}/invites'])
		);
		const page = await app.request('/api/docs');
		expect(page.status).toBe(200);
		expect(await page.text()).toContain('/api/docs/scalar.js');
		expect((await app.request('/api/docs/scalar.js')).status).toBe(200);
	});

	it('sets the standard security headers', async () => {
		const app = createTestApp(database());
		const response = await app.request('/healthz');
		expect(response.headers.get('x-content-type-options')).toBe('nosniff');
		expect(response.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
		expect(response.headers.get('referrer-policy')).toBe('same-origin');
	});
});
