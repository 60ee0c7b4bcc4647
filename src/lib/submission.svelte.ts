/**
 * One form's request: busy while it runs, what made the last try fail, and
 * whether it went through. Field errors are read from `failure`.
 */
export class Submission {
	busy = $state(false);
	failure = $state<unknown>(null);
	done = $state(false);

	/** Runs `send`; what it throws becomes `failure` instead of escaping. */
	async run(send: () => Promise<void>): Promise<void> {
		this.busy = true;
		this.failure = null;
		this.done = false;
		try {
			await send();
			this.done = true;
		} catch (error) {
			this.failure = error;
		} finally {
			this.busy = false;
		}
	}
}
