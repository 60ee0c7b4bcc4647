import { describe, expect, it } from 'vitest';
import { LoginThrottle } from '../../server/auth/throttle.js';

const rules = { account: { max: 3, windowMs: 60_000 }, address: { max: 5, windowMs: 60_000 } };

describe('LoginThrottle', () => {
	it('blocks an account after its failures until the window ends', async () => {
		const throttle = new LoginThrottle(rules);
		for (let i = 0; i < 3; i++) await throttle.recordFailure('a@x.co', `10.0.0.${i}`, 1000);
		expect(await throttle.retryAfter('a@x.co', '10.0.0.9', 1000)).toBe(60);
		expect(await throttle.retryAfter('b@x.co', '10.0.0.9', 1000)).toBe(0);
		expect(await throttle.retryAfter('a@x.co', '10.0.0.9', 61_001)).toBe(0);
	});

	it('blocks an address that sprays many accounts', async () => {
		const throttle = new LoginThrottle(rules);
		for (let i = 0; i < 5; i++) await throttle.recordFailure(`u${i}@x.co`, '10.0.0.1', 0);
		expect(await throttle.retryAfter('new@x.co', '10.0.0.1', 30_000)).toBe(30);
		expect(await throttle.retryAfter('new@x.co', '10.0.0.2', 30_000)).toBe(0);
	});

	it('clears an account on success but keeps counting its address', async () => {
		const throttle = new LoginThrottle(rules);
		for (let i = 0; i < 2; i++) await throttle.recordFailure('a@x.co', '10.0.0.1', 0);
		await throttle.recordSuccess('a@x.co');
		await throttle.recordFailure('a@x.co', '10.0.0.1', 0);
		expect(await throttle.retryAfter('a@x.co', '10.0.0.7', 0)).toBe(0);
		await throttle.recordFailure('a@x.co', '10.0.0.1', 0);
		await throttle.recordFailure('a@x.co', '10.0.0.1', 0);
		expect(await throttle.retryAfter('z@x.co', '10.0.0.1', 0)).toBeGreaterThan(0);
	});
});
