/**
 * What is wrong with this node right now, for /healthz and the log: a room
 * that cannot save, a projection that is behind. Each problem has a key so
 * that the part that reported it clears it once it recovers, and a problem
 * is logged once when it starts and once when it ends, not on every retry.
 */
export interface HealthProblem {
	key: string;
	message: string;
	since: string;
}

export class Health {
	private readonly problems = new Map<string, HealthProblem>();

	constructor(private readonly log: (line: string) => void = (line) => console.error(line)) {}

	report(key: string, message: string, now = new Date()): void {
		const known = this.problems.get(key);
		if (!known) this.log(`[health] ${key}: ${message}`);
		this.problems.set(key, { key, message, since: known?.since ?? now.toISOString() });
	}

	clear(key: string): void {
		const known = this.problems.get(key);
		if (!known) return;
		this.problems.delete(key);
		this.log(`[health] ${key}: recovered (since ${known.since})`);
	}

	list(): HealthProblem[] {
		return [...this.problems.values()];
	}
}
