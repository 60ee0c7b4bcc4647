import type { UpdateLimits } from './update-shape.js';

/**
 * What one connection and one board may cost the server. Every bound has a
 * safe default and an environment variable (server/config.ts,
 * docs/SECURITY.md); going past it closes the connection with a clear code
 * and reason, or refuses the update whole.
 */
export interface SyncLimits extends UpdateLimits {
	/** Largest websocket message; `ws` refuses a bigger frame before buffering it (close 1009). */
	maxMessageBytes: number;
	/** Messages a connection may send while its board loads. */
	maxQueuedMessages: number;
	/** Board updates per second per connection, sustained, and the burst above it. */
	updatesPerSecond: number;
	updateBurst: number;
	/** Presence messages per second per connection, sustained, and the burst. */
	presencePerSecond: number;
	presenceBurst: number;
	/** The JSON of one presence state. */
	maxPresenceBytes: number;
	/** Presence client ids one connection may carry (a browser has one per tab). */
	maxPresencePerConnection: number;
}

export const defaultSyncLimits: SyncLimits = {
	maxMessageBytes: 8 * 1024 * 1024,
	maxQueuedMessages: 64,
	updatesPerSecond: 50,
	updateBurst: 200,
	presencePerSecond: 10,
	presenceBurst: 40,
	maxPresenceBytes: 1024,
	maxPresencePerConnection: 4,
	maxEntitiesPerUpdate: 2000,
	maxBoardEntities: 60_000
};

/**
 * A token bucket: `burst` tokens, refilled at `perSecond`. Synchronous and
 * allocation-free, for the hot path of every message.
 */
export class TokenBucket {
	private tokens: number;
	private at: number;

	constructor(
		private readonly perSecond: number,
		private readonly burst: number,
		now = Date.now()
	) {
		this.tokens = burst;
		this.at = now;
	}

	take(now = Date.now()): boolean {
		this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.perSecond);
		this.at = now;
		if (this.tokens < 1) return false;
		this.tokens -= 1;
		return true;
	}
}
