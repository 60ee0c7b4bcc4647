// A seeded PRNG, so a run's choices (which deal, which stage) can be replayed.

export interface Random {
	seed: number;
	/** A float in [0, 1). */
	next(): number;
	/** An integer in [0, n). */
	below(n: number): number;
	pick<T>(items: readonly T[]): T;
}

/** mulberry32: tiny, fast and good enough to spread load; not for secrets. */
export function createRandom(seed: number): Random {
	let state = seed >>> 0;
	const next = () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	const below = (n: number) => Math.floor(next() * n);
	return { seed, next, below, pick: (items) => items[below(items.length)]! };
}

/** A seed from the environment (BENCH_SEED) or the clock; always printed by the caller. */
export function chooseSeed(given?: number): number {
	if (given !== undefined && Number.isFinite(given)) return given >>> 0;
	const fromEnv = Number(process.env.BENCH_SEED);
	return Number.isFinite(fromEnv) && process.env.BENCH_SEED ? fromEnv >>> 0 : (Date.now() ^ (process.pid << 16)) >>> 0;
}
