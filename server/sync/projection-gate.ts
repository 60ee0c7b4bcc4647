/**
 * Lets at most `width` board projections run at a time in this process.
 *
 * Under load every busy board's projection comes due about once a second,
 * and the boards' timers fall into step: twenty projection transactions
 * queued at once on PGlite's single connection (or on a few of the pool's
 * connections) hold back every update-log append behind all of them, and a
 * move waits a hundred milliseconds to be on disk and broadcast. Through the
 * gate the next projection is queued only when one ends, so an append that
 * arrives meanwhile goes first and waits for one projection at most.
 */
export class ProjectionGate {
	private running = 0;
	private readonly waiting: Array<() => void> = [];

	constructor(private readonly width: number) {}

	async run<T>(work: () => Promise<T>): Promise<T> {
		if (this.running >= this.width) await new Promise<void>((resolve) => this.waiting.push(resolve));
		else this.running += 1;
		// A turn of the event loop first. PGlite answers in microtasks, so
		// projections handed on within one turn ran as one block, twenty
		// boards' worth when their timers fell due together, and no socket
		// was read (no move queued for the disk) until the last one ended.
		await new Promise<void>((resolve) => setImmediate(resolve));
		try {
			return await work();
		} finally {
			const next = this.waiting.shift();
			// The slot passes straight to the next in line; the count stays.
			if (next) next();
			else this.running -= 1;
		}
	}
}
