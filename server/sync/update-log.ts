import type { Database } from '../db/client.js';
import { docUpdates } from '../db/schema.js';

interface Waiting {
	docId: string;
	update: Uint8Array;
	resolve: (id: number) => void;
	reject: (error: unknown) => void;
}

/**
 * Group commit across rooms: every update waiting to be appended, whichever
 * room it belongs to, goes into one multi-row INSERT. While one insert runs,
 * the next batch gathers; so under load the database sees one statement per
 * round trip instead of one per room and move (on PGlite each statement
 * costs the server's own CPU; on PostgreSQL each waits for a pooled
 * connection). A failed insert fails every append in it: nothing of it is on
 * disk, and each room retries its own batch (write-queue.ts).
 */
export class UpdateLog {
	private waiting: Waiting[] = [];
	private running = false;

	constructor(private readonly db: Database) {}

	/** Appends one update and resolves with its sequence id once it is committed. */
	append(docId: string, update: Uint8Array): Promise<number> {
		return new Promise((resolve, reject) => {
			this.waiting.push({ docId, update, resolve, reject });
			if (!this.running) void this.drain();
		});
	}

	private async drain(): Promise<void> {
		this.running = true;
		// Let the appends of this turn of the event loop join the first insert.
		await Promise.resolve();
		while (this.waiting.length > 0) {
			const batch = this.waiting;
			this.waiting = [];
			await this.insert(batch);
		}
		this.running = false;
	}

	private async insert(batch: Waiting[]): Promise<void> {
		try {
			const rows = await this.db
				.insert(docUpdates)
				.values(batch.map(({ docId, update }) => ({ docId, bytes: update })))
				.returning({ id: docUpdates.id, docId: docUpdates.docId });
			// PostgreSQL returns an INSERT's rows in the order of its VALUES; the
			// document check makes sure an id is never handed to the wrong room.
			if (rows.length !== batch.length || rows.some((row, i) => row.docId !== batch[i]!.docId)) {
				throw new Error('the update log answered rows out of order');
			}
			batch.forEach((entry, i) => entry.resolve(rows[i]!.id));
		} catch (error) {
			for (const entry of batch) entry.reject(error);
		}
	}
}
