import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { ApiError } from '../http/errors.js';
import { renderText, type Text, t } from '../i18n/text.js';
import { m } from '../../src/lib/paraglide/messages.js';

/**
 * Limits on guessing passwords and on creating accounts, counted with
 * rate-limiter-flexible: in memory on one node, in Redis when several nodes
 * share the work (REDIS_URL), so the limits hold across the nodes.
 *
 * An attempt is counted before the password is checked, in one atomic
 * increment, so concurrent guesses cannot all slip in before the first is
 * counted. A correct password then gives its attempt back.
 */
export interface Limit {
	points: number;
	durationSec: number;
}

export interface AuthLimits {
	/** Logins per account from browsers it does not know. */
	loginAccount: Limit;
	/** Logins per client address, except from browsers known to the account. */
	loginAddress: Limit;
	/** Logins per known browser (device cookie) of an account. */
	loginDevice: Limit;
	/** Sign-ups that start a new workspace, per client address. */
	signupAddress: Limit;
}

const minutes = 60;
export const defaultAuthLimits: AuthLimits = {
	loginAccount: { points: 5, durationSec: 15 * minutes },
	loginAddress: { points: 30, durationSec: 15 * minutes },
	loginDevice: { points: 5, durationSec: 15 * minutes },
	signupAddress: { points: 10, durationSec: 60 * minutes }
};

type Limiters = Record<keyof AuthLimits, RateLimiterAbstract>;

/** Who is trying to log in: the account asked for, from where, and with which known browser (if any). */
export interface LoginAttempt {
	email: string;
	address: string;
	/** The id of a device token the account issued to this browser, or null. */
	deviceId: string | null;
}

export class AuthThrottle {
	private constructor(private readonly limiters: Limiters) {}

	/** Counts in this process's memory: one node. */
	static inMemory(limits: Partial<AuthLimits> = {}): AuthThrottle {
		return new AuthThrottle(buildLimiters({ ...defaultAuthLimits, ...limits }, (key, limit) => memoryLimiter(key, limit)));
	}

	/**
	 * Counts in Redis, shared by every node. Should Redis be unreachable, each
	 * node falls back to counting in its own memory rather than refusing every
	 * login or letting every guess through.
	 */
	static inRedis(redis: Redis, limits: Partial<AuthLimits> = {}, prefix = 'voronka:limit:'): AuthThrottle {
		return new AuthThrottle(
			buildLimiters({ ...defaultAuthLimits, ...limits }, (key, limit) =>
				new RateLimiterRedis({
					storeClient: redis,
					keyPrefix: prefix + key,
					points: limit.points,
					duration: limit.durationSec,
					rejectIfRedisNotReady: true,
					insuranceLimiter: memoryLimiter(key, limit)
				})
			)
		);
	}

	/**
	 * Spends one login attempt; throws 429 when a limit is used up. A browser
	 * the account knows is counted on its own device token only: strangers'
	 * failures, from its address or against its account, do not lock it out.
	 */
	async spendLoginAttempt(attempt: LoginAttempt): Promise<void> {
		if (attempt.deviceId) {
			await spend(this.limiters.loginDevice, attempt.deviceId, t(m.error_too_many_device_logins));
			return;
		}
		await spend(this.limiters.loginAddress, attempt.address, t(m.error_too_many_network_logins));
		await spend(this.limiters.loginAccount, attempt.email, t(m.error_too_many_account_logins));
	}

	/** A correct password: its attempt was not a failure, and the account starts afresh. */
	async forgiveLoginAttempt(attempt: LoginAttempt): Promise<void> {
		if (attempt.deviceId) {
			await this.limiters.loginDevice.delete(attempt.deviceId);
			return;
		}
		await Promise.all([this.limiters.loginAccount.delete(attempt.email), this.limiters.loginAddress.reward(attempt.address, 1)]);
	}

	/** A new password set through a reset link: the old failures say nothing about it. */
	async clearAccount(email: string): Promise<void> {
		await this.limiters.loginAccount.delete(email);
	}

	/** Spends one sign-up of the address; throws 429 when they are used up. */
	async spendSignup(address: string): Promise<void> {
		await spend(this.limiters.signupAddress, address, t(m.error_too_many_signups));
	}
}

function buildLimiters(limits: AuthLimits, build: (key: string, limit: Limit) => RateLimiterAbstract): Limiters {
	return {
		loginAccount: build('login-account:', limits.loginAccount),
		loginAddress: build('login-address:', limits.loginAddress),
		loginDevice: build('login-device:', limits.loginDevice),
		signupAddress: build('signup-address:', limits.signupAddress)
	};
}

function memoryLimiter(key: string, limit: Limit): RateLimiterMemory {
	return new RateLimiterMemory({ keyPrefix: key, points: limit.points, duration: limit.durationSec });
}

async function spend(limiter: RateLimiterAbstract, key: string, reason: Text): Promise<void> {
	try {
		await limiter.consume(key, 1);
	} catch (rejection) {
		// A used-up limit rejects with its state; anything else is a store failure.
		if (!(rejection instanceof RateLimiterRes)) throw rejection;
		const wait = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
		const message: Text = (locale) => `${renderText(reason, locale)} ${renderText(describeWait(wait), locale)}`;
		throw new ApiError(429, 'too_many_attempts', message, undefined, {
			'Retry-After': String(wait)
		});
	}
}

/** "Try again in 30 seconds." or "… in 15 minutes.", with the locale's plural. */
function describeWait(seconds: number): Text {
	if (seconds < 90) return t(m.error_try_again_seconds, { count: seconds });
	return t(m.error_try_again_minutes, { count: Math.ceil(seconds / 60) });
}
