import { expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { describeEachDatabase } from '../support/databases.js';
import { ApiClient, createTestApp, signUp, strongPassword, uniqueEmail } from '../support/api-client.js';
import { sessions } from '../../server/db/schema.js';
import { hashSecret } from '../../server/auth/tokens.js';
import { AuthThrottle } from '../../server/auth/throttle.js';

describeEachDatabase('accounts and sessions', (database) => {
	it('signs up with a workspace, sets an HttpOnly Lax session cookie and knows the user', async () => {
		const app = createTestApp(database());
		const client = new ApiClient(app);
		const email = uniqueEmail('ann');
		const signup = await client.post('/api/auth/signup', {
			email: `  ${email.toUpperCase()} `,
			password: strongPassword,
			name: 'Ann Petrova',
			workspaceName: 'Acme Sales'
		});
		expect(signup.status).toBe(201);
		expect(signup.body.user).toMatchObject({ email, name: 'Ann Petrova' });
		expect(signup.body.workspace).toMatchObject({ name: 'Acme Sales', role: 'owner' });
		const cookie = signup.headers.get('set-cookie')!;
		expect(cookie).toMatch(/HttpOnly/);
		expect(cookie).toMatch(/SameSite=Lax/);
		expect(cookie).not.toMatch(/Secure/);

		const me = await client.get('/api/me');
		expect(me.status).toBe(200);
		expect(me.body.user.email).toBe(email);
		expect(me.body.workspaces).toEqual([{ id: signup.body.workspace.id, name: 'Acme Sales', role: 'owner' }]);
	});

	it('stores only the SHA-256 of the session token', async () => {
		const app = createTestApp(database());
		const { client } = await signUp(app);
		const token = client.cookie!.split('=')[1]!;
		const byToken = await database().db.select().from(sessions).where(eq(sessions.id, token));
		const byHash = await database().db.select().from(sessions).where(eq(sessions.id, hashSecret(token)));
		expect(byToken).toHaveLength(0);
		expect(byHash).toHaveLength(1);
	});

	it('marks the cookie Secure when ORIGIN is https', async () => {
		const app = createTestApp(database(), { env: { ORIGIN: 'https://crm.example.com' } });
		const client = new ApiClient(app);
		const response = await client.post(
			'/api/auth/signup',
			{ email: uniqueEmail(), password: strongPassword, name: 'S', workspaceName: 'W' },
			{ headers: { origin: 'https://crm.example.com' } }
		);
		expect(response.status).toBe(201);
		expect(response.headers.get('set-cookie')).toMatch(/Secure/);
	});

	it('refuses a second account with the same email, whatever its case', async () => {
		const app = createTestApp(database());
		const { email } = await signUp(app);
		const again = await new ApiClient(app).post('/api/auth/signup', {
			email: email.toUpperCase(),
			password: strongPassword,
			name: 'Other',
			workspaceName: 'Other'
		});
		expect(again.status).toBe(409);
		expect(again.body.error.code).toBe('email_taken');
	});

	it('refuses short and common passwords with a reason on the field', async () => {
		const app = createTestApp(database());
		for (const password of ['short1', 'password123', 'qwertyuiop']) {
			const response = await new ApiClient(app).post('/api/auth/signup', {
				email: uniqueEmail(),
				password,
				name: 'Weak',
				workspaceName: 'W'
			});
			expect(response.status).toBe(422);
			expect(response.body.error.code).toBe('weak_password');
			expect(response.body.error.issues[0].path).toBe('password');
		}
	});

	it('logs in, logs out, and the old cookie no longer works', async () => {
		const app = createTestApp(database());
		const { email } = await signUp(app);
		const client = new ApiClient(app);
		const login = await client.post('/api/auth/login', { email, password: strongPassword });
		expect(login.status).toBe(200);
		expect(login.body.user.email).toBe(email);
		const oldCookie = client.cookie;
		expect((await client.post('/api/auth/logout')).status).toBe(204);
		expect(client.cookie).toBeNull();
		const replay = new ApiClient(app);
		replay.cookie = oldCookie;
		expect((await replay.get('/api/me')).status).toBe(401);
	});

	it('answers an unknown email exactly like a wrong password', async () => {
		const app = createTestApp(database());
		const { email } = await signUp(app);
		const wrong = await new ApiClient(app).post('/api/auth/login', { email, password: 'not-the-password-1' });
		const unknown = await new ApiClient(app).post('/api/auth/login', { email: uniqueEmail(), password: 'not-the-password-1' });
		expect(wrong.status).toBe(401);
		expect(unknown.status).toBe(401);
		expect(unknown.body).toEqual(wrong.body);
	});

	it('throttles failed logins per account, even from many addresses', async () => {
		const app = createTestApp(database(), { throttle: AuthThrottle.inMemory() });
		const { email } = await signUp(app);
		const client = new ApiClient(app);
		for (let attempt = 0; attempt < 5; attempt++) {
			const response = await client.post('/api/auth/login', { email, password: 'wrong-password-x' }, { address: `198.51.100.${attempt}` });
			expect(response.status).toBe(401);
		}
		const blocked = await client.post('/api/auth/login', { email, password: strongPassword }, { address: '198.51.100.77' });
		expect(blocked.status).toBe(429);
		expect(blocked.body.error.code).toBe('too_many_attempts');
		expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
	});

	it('throttles failed logins per address across accounts', async () => {
		const app = createTestApp(database(), { throttle: AuthThrottle.inMemory() });
		const { email } = await signUp(app);
		const client = new ApiClient(app);
		for (let attempt = 0; attempt < 30; attempt++) {
			await client.post('/api/auth/login', { email: uniqueEmail(), password: 'wrong-password-x' }, { address: '192.0.2.9' });
		}
		const sameAddress = await client.post('/api/auth/login', { email, password: strongPassword }, { address: '192.0.2.9' });
		expect(sameAddress.status).toBe(429);
		const otherAddress = await client.post('/api/auth/login', { email, password: strongPassword }, { address: '192.0.2.10' });
		expect(otherAddress.status).toBe(200);
	});

	it('slides the session expiry forward when the session is used in its second half', async () => {
		let now = new Date('2026-01-01T00:00:00Z');
		const app = createTestApp(database(), { now: () => now });
		const { client } = await signUp(app);
		const sessionId = hashSecret(client.cookie!.split('=')[1]!);
		const expiry = async () =>
			(await database().db.select().from(sessions).where(eq(sessions.id, sessionId)))[0]!.expiresAt.getTime();
		const first = await expiry();
		now = new Date('2026-01-05T00:00:00Z');
		await client.get('/api/me');
		expect(await expiry()).toBe(first);
		now = new Date('2026-01-20T00:00:00Z');
		const renewed = await client.get('/api/me');
		expect(renewed.status).toBe(200);
		expect(renewed.headers.get('set-cookie')).toMatch(/voronka_session=/);
		expect(await expiry()).toBe(now.getTime() + 30 * 24 * 3600 * 1000);
		now = new Date('2026-03-01T00:00:00Z');
		expect((await client.get('/api/me')).status).toBe(401);
	});

	it('changes the password and ends every other session', async () => {
		const app = createTestApp(database());
		const { client, email } = await signUp(app);
		const otherDevice = new ApiClient(app);
		await otherDevice.post('/api/auth/login', { email, password: strongPassword });
		const wrong = await client.post('/api/me/password', { currentPassword: 'nope-nope-nope', newPassword: 'a-new-long-secret-9' });
		expect(wrong.status).toBe(422);
		const changed = await client.post('/api/me/password', { currentPassword: strongPassword, newPassword: 'a-new-long-secret-9' });
		expect(changed.status).toBe(204);
		expect((await client.get('/api/me')).status).toBe(200);
		expect((await otherDevice.get('/api/me')).status).toBe(401);
		const relogin = await new ApiClient(app).post('/api/auth/login', { email, password: 'a-new-long-secret-9' });
		expect(relogin.status).toBe(200);
	});
});
