import { describe, expect, it } from 'vitest';
import { LoginThrottle } from '../../server/auth/throttle.js';

const rules = { account: { max: 3, windowMs: 60_000 }, address: { max: 5, windowMs: 60_000 } };

describe('LoginThrottle', () => {
	it('blocks an account after its failures until the window ends', () => {
		const throttle = new LoginThrottle(rules);
		for (let i = 0; i < 3; i++) throttle.recordFailure('a@x.co', `10.0.0.${i}`, 1000);
		expect(throttle.retryAfter('a@x.co', '10.0.0.9', 1000)).toBe(60);
		expect(throttle.retryAfter('b@x.co', '10.0.0.9', 1000)).toBe(0);
		expect(throttle.retryAfter('a@x.co', '10.0.0.9', 61_001)).toBe(0);
	});

	it('blocks an address that sprays many accounts', () => {
		const throttle = new LoginThrottle(rules);
		for (let i = 0; i < 5; i++) throttle.recordFailure(`u${i}@x.co`, '10.0.0.1', 0);
		expect(throttle.retryAfter('new@x.co', '10.0.0.1', 30_000)).toBe(30);
		expect(throttle.retryAfter('new@x.co', '10.0.0.2', 30_000)).toBe(0);
	});

	it('clears an account on success but keeps counting its address', () => {
		const throttle = new LoginThrottle(rules);
		for (let i = 0; i < 2; i++) throttle.recordFailure('a@x.co', '10.0.0.1', 0);
		throttle.recordSuccess('a@x.co');
		throttle.recordFailure('a@x.co', '10.0.0.1', 0);
		expect(throttle.retryAfter('a@x.co', '10.0.0.7', 0)).toBe(0);
		throttle.recordFailure('a@x.co', '10.0.0.1', 0);
		throttle.recordFailure('a@x.co', '10.0.0.1', 0);
		expect(throttle.retryAfter('z@x.co', '10.0.0.1', 0)).toBeGreaterThan(0);
	});
});
