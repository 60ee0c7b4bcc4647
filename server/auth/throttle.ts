/**
 * Counts failed logins per account and per client address in fixed windows.
 * Kept in memory: a restart forgets it, which only gives an attacker one more
 * window. With several nodes each counts its own share; see docs/SECURITY.md.
 */
export interface ThrottleRule {
	max: number;
	windowMs: number;
}

interface Bucket {
	failures: number;
	resetAt: number;
}

export class LoginThrottle {
	private readonly buckets = new Map<string, Bucket>();

	constructor(
		private readonly rules: { account: ThrottleRule; address: ThrottleRule } = {
			account: { max: 5, windowMs: 15 * 60_000 },
			address: { max: 30, windowMs: 15 * 60_000 }
		}
	) {}

	/** Seconds to wait before another attempt, or 0 when one is allowed now. */
	retryAfter(email: string, address: string, now: number): number {
		const waits = [this.waitFor(`a:${email}`, this.rules.account, now), this.waitFor(`i:${address}`, this.rules.address, now)];
		return Math.max(...waits);
	}

	recordFailure(email: string, address: string, now: number): void {
		this.bump(`a:${email}`, this.rules.account, now);
		this.bump(`i:${address}`, this.rules.address, now);
	}

	/** A correct password clears the account's count, not the address's. */
	recordSuccess(email: string): void {
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
