import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { ApiError } from '../http/errors.js';
import type { Limit } from '../auth/throttle.js';
import { t, type Text } from '../i18n/text.js';
import { m } from '../../src/lib/paraglide/messages.js';

/**
 * Flood limits of the public intake: per client address (one bot, one
 * person pressing submit again and again) and per form or webhook (a botnet
 * on one form). Counted like the login limits (server/auth/throttle.ts): in
 * memory on one node, in Redis across nodes, one atomic increment per
 * submission, before anything is read or written.
 */
export interface IntakeLimits {
	/** Submissions per client address, over all forms. */
	address: Limit;
	/** Submissions per form or webhook, from everyone. */
	source: Limit;
}

export const defaultIntakeLimits: IntakeLimits = {
	address: { points: 10, durationSec: 10 * 60 },
	source: { points: 300, durationSec: 60 * 60 }
};

export class IntakeThrottle {
	private constructor(
		private readonly address: RateLimiterAbstract,
		private readonly source: RateLimiterAbstract
	) {}

	static inMemory(limits: Partial<IntakeLimits> = {}): IntakeThrottle {
		const all = { ...defaultIntakeLimits, ...limits };
		return new IntakeThrottle(memoryLimiter('intake-address:', all.address), memoryLimiter('intake-source:', all.source));
	}

	/** Shared by every node; each node counts in its memory while Redis is unreachable. */
	static inRedis(redis: Redis, limits: Partial<IntakeLimits> = {}, prefix = 'voronka:limit:'): IntakeThrottle {
		const all = { ...defaultIntakeLimits, ...limits };
		const build = (key: string, limit: Limit) =>
			new RateLimiterRedis({
				storeClient: redis,
				keyPrefix: prefix + key,
				points: limit.points,
				duration: limit.durationSec,
				rejectIfRedisNotReady: true,
				insuranceLimiter: memoryLimiter(key, limit)
			});
		return new IntakeThrottle(build('intake-address:', all.address), build('intake-source:', all.source));
	}

	/** Spends one submission of the client address, before anything is looked up; 429 when used up. */
	async spendAddress(address: string): Promise<void> {
		await spend(this.address, address, t(m.intake_error_too_many_address));
	}

	/** Spends one submission of the form or webhook; 429 when used up. */
	async spendSource(sourceId: string): Promise<void> {
		await spend(this.source, sourceId, t(m.intake_error_too_many_form));
	}
}

function memoryLimiter(key: string, limit: Limit): RateLimiterMemory {
	return new RateLimiterMemory({ keyPrefix: key, points: limit.points, duration: limit.durationSec });
}

async function spend(limiter: RateLimiterAbstract, key: string, reason: Text): Promise<void> {
	try {
		await limiter.consume(key, 1);
	} catch (rejection) {
		if (!(rejection instanceof RateLimiterRes)) throw rejection;
		const wait = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
		const message: Text = (locale) =>
			`${typeof reason === 'string' ? reason : reason(locale)} ${wait < 90 ? m.error_try_again_seconds({ count: wait }, { locale }) : m.error_try_again_minutes({ count: Math.ceil(wait / 60) }, { locale })}`;
		throw new ApiError(429, 'too_many_requests', message, undefined, { 'Retry-After': String(wait) });
	}
}
