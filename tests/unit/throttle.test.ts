import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { AuthThrottle } from '../../server/auth/throttle.js';
import { ApiError } from '../../server/http/errors.js';

const limits = {
	loginAccount: { points: 3, durationSec: 60 },
	loginAddress: { points: 5, durationSec: 60 },
	loginDevice: { points: 2, durationSec: 60 },
	signupAddress: { points: 2, durationSec: 3600 }
};

const stranger = (email: string, address = '10.0.0.1') => ({ email, address, deviceId: null });

/** 'ok', or the status and Retry-After of the refusal. */
async function outcome(attempt: Promise<void>): Promise<string> {
	try {
		await attempt;
		return 'ok';
	} catch (error) {
		if (!(error instanceof ApiError)) throw error;
		return `${error.status} ${error.code} retry ${error.headers?.['Retry-After']}`;
	}
}

describe('AuthThrottle', () => {
	it('lets exactly the limit through when attempts on one account arrive at once', async () => {
		const throttle = AuthThrottle.inMemory(limits);
		const results = await Promise.all(
			Array.from({ length: 25 }, (_, i) => outcome(throttle.spendLoginAttempt(stranger('a@x.co', `10.0.1.${i}`))))
		);
		expect(results.filter((result) => result === 'ok')).toHaveLength(3);
		expect(results.filter((result) => result === '429 too_many_attempts retry 60')).toHaveLength(22);
	});

	it('blocks an address that sprays many accounts, not the other addresses', async () => {
		const throttle = AuthThrottle.inMemory(limits);
		for (let i = 0; i < 5; i++) await throttle.spendLoginAttempt(stranger(`u${i}@x.co`));
		expect(await outcome(throttle.spendLoginAttempt(stranger('new@x.co')))).toMatch(/^429/);
		expect(await outcome(throttle.spendLoginAttempt(stranger('new@x.co', '10.0.0.2')))).toBe('ok');
	});

	it('counts a known browser on its own: strangers exhausting its address and account do not block it', async () => {
		const throttle = AuthThrottle.inMemory(limits);
		for (let i = 0; i < 5; i++) await outcome(throttle.spendLoginAttempt(stranger('a@x.co')));
		expect(await outcome(throttle.spendLoginAttempt(stranger('a@x.co', '10.0.0.9')))).toMatch(/^429/);
		const known = { email: 'a@x.co', address: '10.0.0.1', deviceId: 'device-1' };
		expect(await outcome(throttle.spendLoginAttempt(known))).toBe('ok');
		expect(await outcome(throttle.spendLoginAttempt(known))).toBe('ok');
		// Its own guesses are limited too: a stolen device cookie is no free pass.
		expect(await outcome(throttle.spendLoginAttempt(known))).toMatch(/^429/);
	});

	it('gives a correct password its attempt back and clears the account', async () => {
		const throttle = AuthThrottle.inMemory(limits);
		const attempt = stranger('a@x.co');
		for (let i = 0; i < 3; i++) await throttle.spendLoginAttempt(attempt);
		await throttle.forgiveLoginAttempt(attempt);
		for (let i = 0; i < 2; i++) expect(await outcome(throttle.spendLoginAttempt(attempt))).toBe('ok');
		// 3 + 2 attempts on the address, one forgiven: one more is allowed, then none.
		expect(await outcome(throttle.spendLoginAttempt(stranger('b@x.co')))).toBe('ok');
		expect(await outcome(throttle.spendLoginAttempt(stranger('c@x.co')))).toMatch(/^429/);
	});

	it('clears an account after a password reset', async () => {
		const throttle = AuthThrottle.inMemory(limits);
		for (let i = 0; i < 3; i++) await throttle.spendLoginAttempt(stranger('a@x.co', `10.0.2.${i}`));
		expect(await outcome(throttle.spendLoginAttempt(stranger('a@x.co', '10.0.2.9')))).toMatch(/^429/);
		await throttle.clearAccount('a@x.co');
		expect(await outcome(throttle.spendLoginAttempt(stranger('a@x.co', '10.0.2.8')))).toBe('ok');
	});

	it('limits sign-ups per address for the hour', async () => {
		const throttle = AuthThrottle.inMemory(limits);
		expect(await outcome(throttle.spendSignup('10.0.0.1'))).toBe('ok');
		expect(await outcome(throttle.spendSignup('10.0.0.1'))).toBe('ok');
		expect(await outcome(throttle.spendSignup('10.0.0.1'))).toBe('429 too_many_attempts retry 3600');
		expect(await outcome(throttle.spendSignup('10.0.0.2'))).toBe('ok');
	});
});

describe('AuthThrottle over Redis', () => {
	it('keeps limiting in memory while Redis cannot be reached', async () => {
		// Nothing listens on port 1: the client never becomes ready.
		const redis = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
		try {
			const throttle = AuthThrottle.inRedis(redis, limits, 'voronka-test:unreachable:');
			const results = [];
			for (let i = 0; i < 4; i++) results.push(await outcome(throttle.spendLoginAttempt(stranger('a@x.co', `10.0.3.${i}`))));
			expect(results).toEqual(['ok', 'ok', 'ok', '429 too_many_attempts retry 60']);
		} finally {
			redis.disconnect();
		}
	});
});
