import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { AuthThrottle } from '../../server/auth/throttle.js';
import { describeEachDatabase } from '../support/databases.js';
import { ApiClient, createTestApp, signUp, strongPassword, uniqueEmail, type TestApp } from '../support/api-client.js';

const wrongPassword = 'wrong-password-x1';
const redisUrl = process.env.TEST_REDIS_URL;

function login(app: TestApp, email: string, password: string, options: { address?: string; client?: ApiClient; headers?: Record<string, string> } = {}) {
	return (options.client ?? new ApiClient(app)).post('/api/auth/login', { email, password }, { address: options.address, headers: options.headers });
}

function startWorkspace(app: TestApp, address: string) {
	return new ApiClient(app).post(
		'/api/auth/signup',
		{ email: uniqueEmail('signup'), password: strongPassword, name: 'Sam', workspaceName: 'Spam Co' },
		{ address }
	);
}

describeEachDatabase('login and sign-up limits', (database) => {
	it('verifies only 5 of 25 concurrent wrong passwords for one account and refuses the rest before checking', async () => {
		const app = createTestApp(database());
		const { email } = await signUp(app);
		const responses = await Promise.all(
			Array.from({ length: 25 }, (_, i) => login(app, email, wrongPassword, { address: `198.51.100.${i}` }))
		);
		const statuses = responses.map((response) => response.status);
		expect(statuses.filter((status) => status === 401)).toHaveLength(5);
		expect(statuses.filter((status) => status === 429)).toHaveLength(20);
		const refused = responses.find((response) => response.status === 429)!;
		expect(refused.body.error.code).toBe('too_many_attempts');
		expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(800);
	});

	it('lets a browser that logged in before use the right password from an address strangers exhausted', async () => {
		const app = createTestApp(database());
		const { email } = await signUp(app);
		const office = '192.0.2.44';
		const laptop = new ApiClient(app);
		expect((await login(app, email, strongPassword, { client: laptop, address: office })).status).toBe(200);
		expect(laptop.deviceCookie).toMatch(/^voronka_device=/);
		await laptop.post('/api/auth/logout', undefined, { address: office });

		// A colleague's script sprays other accounts from the same address.
		for (let i = 0; i < 30; i++) await login(app, uniqueEmail('victim'), wrongPassword, { address: office });
		const newBrowser = await login(app, email, strongPassword, { address: office });
		expect(newBrowser.status).toBe(429);

		const known = await login(app, email, strongPassword, { client: laptop, address: office });
		expect(known.status).toBe(200);
		expect(known.body.user.email).toBe(email);
	});

	it('keeps a known browser in while strangers lock its account, and limits its own wrong guesses', async () => {
		const app = createTestApp(database());
		const { email } = await signUp(app);
		const laptop = new ApiClient(app);
		expect((await login(app, email, strongPassword, { client: laptop })).status).toBe(200);
		for (let i = 0; i < 6; i++) await login(app, email, wrongPassword, { address: `198.51.100.${i}` });
		expect((await login(app, email, strongPassword, { address: '198.51.100.99' })).status).toBe(429);
		expect((await login(app, email, strongPassword, { client: laptop })).status).toBe(200);

		const statuses = [];
		for (let i = 0; i < 6; i++) statuses.push((await login(app, email, wrongPassword, { client: laptop })).status);
		expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
	});

	it('ignores X-Forwarded-For when TRUST_PROXY is unset, so a spoofed header buys an attacker nothing', async () => {
		const app = createTestApp(database());
		for (let i = 0; i < 30; i++) {
			await login(app, uniqueEmail(), wrongPassword, { address: '203.0.113.66', headers: { 'x-forwarded-for': `10.9.0.${i}` } });
		}
		const spoofed = await login(app, uniqueEmail(), wrongPassword, { address: '203.0.113.66', headers: { 'x-forwarded-for': '10.9.9.9' } });
		expect(spoofed.status).toBe(429);
	});

	it('counts by the client address the trusted proxy saw, not by the proxy, nor by what the client wrote', async () => {
		const app = createTestApp(database(), { env: { TRUST_PROXY: '10.0.0.0/8' } });
		const proxy = '10.0.0.5';
		for (let i = 0; i < 30; i++) {
			// The attacker writes its own X-Forwarded-For; the proxy appends what it saw.
			await login(app, uniqueEmail(), wrongPassword, { address: proxy, headers: { 'x-forwarded-for': `172.16.0.${i}, 203.0.113.66` } });
		}
		const attacker = await login(app, uniqueEmail(), wrongPassword, { address: proxy, headers: { 'x-forwarded-for': '203.0.113.66' } });
		expect(attacker.status).toBe(429);
		// Someone else behind the same proxy is not blocked with the attacker.
		const { email } = await signUp(app);
		const colleague = await login(app, email, strongPassword, { address: proxy, headers: { 'x-forwarded-for': '198.51.100.20' } });
		expect(colleague.status).toBe(200);
	});

	it('trusts a number of hops', async () => {
		const app = createTestApp(database(), { env: { TRUST_PROXY: '1' } });
		for (let i = 0; i < 30; i++) {
			await login(app, uniqueEmail(), wrongPassword, { address: '10.0.0.5', headers: { 'x-forwarded-for': `172.16.0.${i}, 203.0.113.77` } });
		}
		const blocked = await login(app, uniqueEmail(), wrongPassword, { address: '10.0.0.6', headers: { 'x-forwarded-for': '203.0.113.77' } });
		expect(blocked.status).toBe(429);
		const other = await login(app, uniqueEmail(), wrongPassword, { address: '10.0.0.5', headers: { 'x-forwarded-for': '203.0.113.78' } });
		expect(other.status).toBe(401);
	});

	it('limits sign-ups that start a workspace to 10 an hour per address, in the error shape with Retry-After', async () => {
		const app = createTestApp(database());
		for (let i = 0; i < 10; i++) expect((await startWorkspace(app, '198.51.100.200')).status).toBe(201);
		const refused = await startWorkspace(app, '198.51.100.200');
		expect(refused.status).toBe(429);
		expect(refused.body).toEqual({ error: { code: 'too_many_attempts', message: expect.stringContaining('sign-ups') } });
		expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3500);
		expect((await startWorkspace(app, '198.51.100.201')).status).toBe(201);
	});

	it('lets a team join by invite from one address past the sign-up limit', async () => {
		const app = createTestApp(database());
		const { client: owner, workspace } = await signUp(app);
		const invite = await owner.post(`/api/workspaces/${workspace.id}/invites`, { role: 'rep', maxUses: 20 });
		for (let i = 0; i < 10; i++) await startWorkspace(app, '198.51.100.210');
		for (let i = 0; i < 12; i++) {
			const joined = await new ApiClient(app).post(
				'/api/auth/signup',
				{ email: uniqueEmail('team'), password: strongPassword, name: 'Teammate', inviteToken: invite.body.token },
				{ address: '198.51.100.210' }
			);
			expect(joined.status).toBe(201);
		}
	});

	(redisUrl ? it : it.skip)('shares the counts between two app instances through Redis', async () => {
		const prefix = `voronka-test:${Math.random().toString(36).slice(2)}:`;
		const connections = [new Redis(redisUrl!), new Redis(redisUrl!)];
		try {
			// Counted in memory until the connection is ready; wait, so both nodes really use Redis.
			await Promise.all(connections.map((redis) => redis.ping()));
			const [one, two] = connections.map((redis) => createTestApp(database(), { throttle: AuthThrottle.inRedis(redis, {}, prefix) })) as [TestApp, TestApp];
			const { email } = await signUp(one);
			for (let i = 0; i < 3; i++) expect((await login(one, email, wrongPassword, { address: `198.51.100.${i}` })).status).toBe(401);
			for (let i = 3; i < 5; i++) expect((await login(two, email, wrongPassword, { address: `198.51.100.${i}` })).status).toBe(401);
			expect((await login(one, email, wrongPassword, { address: '198.51.100.9' })).status).toBe(429);
			expect((await login(two, email, strongPassword, { address: '198.51.100.9' })).status).toBe(429);
		} finally {
			for (const redis of connections) await redis.quit();
		}
	});
});
