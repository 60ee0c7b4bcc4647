import type { Redis } from 'ioredis';

/**
 * Counts failed logins per account and per client address in fixed windows.
 * One node keeps the counts in memory (a restart forgets them, which only
 * gives an attacker one more window); several nodes (REDIS_URL) keep them in
 * Redis, so the limits hold across the nodes.
 */
export interface ThrottleRule {
	max: number;
	windowMs: number;
}

export interface ThrottleRules {
	account: ThrottleRule;
	address: ThrottleRule;
}

const defaultRules: ThrottleRules = {
	account: { max: 5, windowMs: 15 * 60_000 },
	address: { max: 30, windowMs: 15 * 60_000 }
};

export interface LoginLimiter {
	/** Seconds to wait before another attempt, or 0 when one is allowed now. */
	retryAfter(email: string, address: string, now: number): Promise<number>;
	recordFailure(email: string, address: string, now: number): Promise<void>;
	/** A correct password clears the account's count, not the address's. */
	recordSuccess(email: string): Promise<void>;
}

interface Bucket {
	failures: number;
	resetAt: number;
}

export class LoginThrottle implements LoginLimiter {
	private readonly buckets = new Map<string, Bucket>();

	constructor(private readonly rules: ThrottleRules = defaultRules) {}

	async retryAfter(email: string, address: string, now: number): Promise<number> {
		const waits = [this.waitFor(`a:${email}`, this.rules.account, now), this.waitFor(`i:${address}`, this.rules.address, now)];
		return Math.max(...waits);
	}

	async recordFailure(email: string, address: string, now: number): Promise<void> {
		this.bump(`a:${email}`, this.rules.account, now);
		this.bump(`i:${address}`, this.rules.address, now);
	}

	async recordSuccess(email: string): Promise<void> {
		this.buckets.delete(`a:${email}`);
	}

	private waitFor(key: string, rule: ThrottleRule, now: number): number {
		const bucket = this.buckets.get(key);
		if (!bucket || bucket.resetAt <= now || bucket.failures < rule.max) return 0;
		return Math.ceil((bucket.resetAt - now) / 1000);
	}

	private bump(key: string, rule: ThrottleRule, now: number): void {
		const bucket = this.buckets.get(key);
		if (!bucket || bucket.resetAt <= now) {
			this.buckets.set(key, { failures: 1, resetAt: now + rule.windowMs });
			this.sweep(now);
			return;
		}
		bucket.failures += 1;
	}

	// Drops expired buckets now and then so memory stays bounded under a spray.
	private sweep(now: number): void {
		if (this.buckets.size < 10_000) return;
		for (const [key, bucket] of this.buckets) if (bucket.resetAt <= now) this.buckets.delete(key);
	}
}

/**
 * The same windows in Redis, shared by every node: a counter per key that
 * expires with its window (Redis's clock, not the caller's `now`).
 */
export class RedisLoginThrottle implements LoginLimiter {
	constructor(
		private readonly redis: Redis,
		private readonly rules: ThrottleRules = defaultRules,
		private readonly prefix = 'voronka:login:'
	) {}

	async retryAfter(email: string, address: string): Promise<number> {
		const waits = await Promise.all([this.waitFor(`a:${email}`, this.rules.account), this.waitFor(`i:${address}`, this.rules.address)]);
		return Math.max(...waits);
	}

	async recordFailure(email: string, address: string): Promise<void> {
		await Promise.all([this.bump(`a:${email}`, this.rules.account), this.bump(`i:${address}`, this.rules.address)]);
	}

	async recordSuccess(email: string): Promise<void> {
		await this.redis.del(this.prefix + `a:${email}`);
	}

	private async waitFor(key: string, rule: ThrottleRule): Promise<number> {
		const [[, count], [, ttl]] = (await this.redis.multi().get(this.prefix + key).pttl(this.prefix + key).exec()) as [[null, string | null], [null, number]];
		if (count === null || Number(count) < rule.max || ttl <= 0) return 0;
		return Math.ceil(ttl / 1000);
	}

	private async bump(key: string, rule: ThrottleRule): Promise<void> {
		// The first failure starts the window; later ones only count (NX keeps its end).
		await this.redis.multi().incr(this.prefix + key).pexpire(this.prefix + key, rule.windowMs, 'NX').exec();
	}
}
