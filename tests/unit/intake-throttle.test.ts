import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { IntakeThrottle } from '../../server/intake/intake-throttle.js';
import { ApiError } from '../../server/http/errors.js';

const limits = { address: { points: 3, durationSec: 60 }, source: { points: 5, durationSec: 60 } };

async function outcome(attempt: Promise<void>): Promise<string> {
	try {
		await attempt;
		return 'ok';
	} catch (error) {
		if (!(error instanceof ApiError)) throw error;
		return `${error.status} ${error.code}`;
	}
}

describe('IntakeThrottle', () => {
	it('lets exactly the limit through when a flood arrives at once, per address and per form', async () => {
		const throttle = IntakeThrottle.inMemory(limits);
		const addresses = await Promise.all(Array.from({ length: 20 }, () => outcome(throttle.spendAddress('10.0.0.1'))));
		expect(addresses.filter((result) => result === 'ok')).toHaveLength(3);
		expect(addresses.filter((result) => result === '429 too_many_requests')).toHaveLength(17);
		expect(await outcome(throttle.spendAddress('10.0.0.2'))).toBe('ok');
		const forms = await Promise.all(Array.from({ length: 20 }, () => outcome(throttle.spendSource('form-a'))));
		expect(forms.filter((result) => result === 'ok')).toHaveLength(5);
		expect(await outcome(throttle.spendSource('form-b'))).toBe('ok');
	});

	const redisUrl = process.env.TEST_REDIS_URL;
	it.runIf(redisUrl)('holds its limits across nodes sharing Redis', async () => {
		const prefix = `voronka-test:intake:${Date.now().toString(36)}:`;
		const one = new Redis(redisUrl!);
		const two = new Redis(redisUrl!);
		try {
			// Both connected first: before that each node counts in its own memory (the insurance limiter).
			await Promise.all([one.ping(), two.ping()]);
			const nodeA = IntakeThrottle.inRedis(one, limits, prefix);
			const nodeB = IntakeThrottle.inRedis(two, limits, prefix);
			const results = await Promise.all(Array.from({ length: 10 }, (_, i) => outcome((i % 2 ? nodeA : nodeB).spendAddress('10.0.0.9'))));
			expect(results.filter((result) => result === 'ok')).toHaveLength(3);
		} finally {
			one.disconnect();
			two.disconnect();
		}
	});
});
