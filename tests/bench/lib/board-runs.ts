// What the board scenarios share: one measured rate of moves against a
// running server, with the server's and the generator's CPU and RSS.
import type { MoveStats } from '../load/board-load.js';
import type { Generator } from './generator.js';
import { watchUsage, type UsageWindow } from './usage.js';

export interface RateResult {
	rate: number;
	stats: MoveStats;
	server: UsageWindow;
	generator: UsageWindow;
	/** Moves per second the generator achieved in the measured window. */
	achieved: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Moves at `rate` for a warm-up, then measures for `durationMs`; the window's usage is the server's and the generator's. */
export async function measureRate(generator: Generator, serverPid: number, rate: number, warmupMs: number, durationMs: number): Promise<RateResult> {
	await generator.call('start', { rate });
	await sleep(warmupMs);
	await generator.call('measure');
	const server = watchUsage(serverPid);
	const load = watchUsage(generator.pid);
	await sleep(durationMs);
	const serverUsage = server.end();
	const generatorUsage = load.end();
	const stats = await generator.call<MoveStats>('stop', { drainMs: 5000 });
	return { rate, stats, server: serverUsage, generator: generatorUsage, achieved: stats.seconds > 0 ? stats.measured / stats.seconds : 0 };
}

/** The board's clients: one mover, `observers` decoding observers, the rest passive sockets (all on target 0). */
export function boardClients(total: number, observers: number, target = 0) {
	return [
		{ role: 'mover' as const, target },
		...Array.from({ length: observers }, () => ({ role: 'observer' as const, target })),
		...Array.from({ length: Math.max(0, total - 1 - observers) }, () => ({ role: 'passive' as const, target }))
	];
}

export const generatorFile = new URL('../load/board-load.ts', import.meta.url).pathname;
