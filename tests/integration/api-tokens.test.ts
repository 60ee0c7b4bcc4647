import { expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { describeEachDatabase } from '../support/databases.js';
import { ApiClient, createTestApp, signUp } from '../support/api-client.js';
import { apiTokens } from '../../server/db/schema.js';

describeEachDatabase('personal API tokens', (database) => {
	it('creates a token shown once, stored hashed, that works as Bearer on the API', async () => {
		const app = createTestApp(database());
		const { client, workspace, user } = await signUp(app);
		const created = await client.post('/api/tokens', { name: 'Zapier' });
		expect(created.status).toBe(201);
		expect(created.body.token).toMatch(/^vrk_/);
		const rows = await database().db.select().from(apiTokens).where(eq(apiTokens.id, created.body.id));
		expect(rows[0]!.tokenHash).not.toContain(created.body.token);

		const list = await client.get('/api/tokens');
		expect(list.body.tokens).toHaveLength(1);
		expect(list.body.tokens[0]).toMatchObject({ id: created.body.id, name: 'Zapier' });
		expect(JSON.stringify(list.body)).not.toContain(created.body.token);

		const script = new ApiClient(app).withToken(created.body.token);
		const me = await script.get('/api/me');
		expect(me.status).toBe(200);
		expect(me.body.user.id).toBe(user.id);
		expect((await script.get(`/api/workspaces/${workspace.id}/members`)).status).toBe(200);
		expect((await script.post('/api/workspaces', { name: 'From a script' })).status).toBe(201);
		expect((await client.get('/api/tokens')).body.tokens[0].lastUsedAt).not.toBeNull();
	});

	it('stops a revoked token at once and refuses made-up ones', async () => {
		const app = createTestApp(database());
		const { client } = await signUp(app);
		const created = await client.post('/api/tokens', { name: 'CI' });
		const script = new ApiClient(app).withToken(created.body.token);
		expect((await script.get('/api/me')).status).toBe(200);
		expect((await client.delete(`/api/tokens/${created.body.id}`)).status).toBe(204);
		const after = await script.get('/api/me');
		expect(after.status).toBe(401);
		expect(after.body.error.message).toMatch(/revoked|invalid/);
		expect((await new ApiClient(app).withToken('vrk_madeup').get('/api/me')).status).toBe(401);
		expect((await client.delete(`/api/tokens/${created.body.id}`)).status).toBe(404);
	});

	it('keeps tokens private to their owner', async () => {
		const app = createTestApp(database());
		const ann = await signUp(app);
		const bob = await signUp(app);
		const created = await ann.client.post('/api/tokens', { name: 'Ann’s' });
		expect((await bob.client.get('/api/tokens')).body.tokens).toEqual([]);
		expect((await bob.client.delete(`/api/tokens/${created.body.id}`)).status).toBe(404);
		expect((await ann.client.get('/api/tokens')).body.tokens).toHaveLength(1);
	});

	it('refuses a token without a name', async () => {
		const app = createTestApp(database());
		const { client } = await signUp(app);
		const response = await client.post('/api/tokens', { name: '   ' });
		expect(response.status).toBe(422);
		expect(response.body.error.issues[0].path).toBe('name');
	});
});
