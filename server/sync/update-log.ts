import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { docUpdates } from '../db/schema.js';

/**
 * An append of an epoch the document has left: another node rebuilt it.
 * Nothing was written; the room holding the old epoch retires and its
 * peers reconnect, their unsaved edits carried into the new epoch.
 */
export class EpochMoved extends Error {
	constructor(
		readonly docId: string,
		readonly epoch: number
	) {
		super(`document ${docId} has left epoch ${epoch}`);
	}
}

interface Waiting {
	docId: string;
	update: Uint8Array;
	epoch: number;
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

	constructor(
		private readonly db: Database,
		private readonly options: { checkEpochs: boolean } = { checkEpochs: false }
	) {}

	/** Appends one update and resolves with its sequence id once it is committed (EpochMoved: not written). */
	append(docId: string, update: Uint8Array, epoch: number): Promise<number> {
		return new Promise((resolve, reject) => {
			this.waiting.push({ docId, update, epoch, resolve, reject });
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
			const rows = this.options.checkEpochs ? await this.insertInEpochs(batch) : await this.insertAll(batch);
			// PostgreSQL returns an INSERT's rows in the order it inserted them (that of
			// the VALUES); the document check makes sure an id never goes to the wrong room.
			const written = new Set(rows.map((row) => `${row.epoch}:${row.docId}`));
			const landed = batch.filter((entry) => written.has(`${entry.epoch}:${entry.docId}`));
			if (rows.length !== landed.length || rows.some((row, i) => row.docId !== landed[i]!.docId)) {
				throw new Error('the update log answered rows out of order');
			}
			let next = 0;
			for (const entry of batch) {
				if (written.has(`${entry.epoch}:${entry.docId}`)) entry.resolve(rows[next++]!.id);
				else entry.reject(new EpochMoved(entry.docId, entry.epoch));
			}
		} catch (error) {
			for (const entry of batch) entry.reject(error);
		}
	}

	private insertAll(batch: Waiting[]): Promise<Array<{ id: number; docId: string; epoch: number }>> {
		return this.db
			.insert(docUpdates)
			.values(batch.map(({ docId, update, epoch }) => ({ docId, bytes: update, epoch })))
			.returning({ id: docUpdates.id, docId: docUpdates.docId, epoch: docUpdates.epoch });
	}

	/**
	 * With several nodes: each row lands only while its document is still in
	 * the epoch it was made in. The check takes the snapshot row's share lock
	 * until the insert commits, and a rebuild takes it exclusively (persistence.ts
	 * rebuildEpoch): an append either commits before a rebuild reads the log, or
	 * waits for it and then sees the new epoch and writes nothing.
	 */
	private async insertInEpochs(batch: Waiting[]): Promise<Array<{ id: number; docId: string; epoch: number }>> {
		const values = sql.join(
			batch.map((entry, ord) => sql`(${entry.docId}::text, ${entry.update}::bytea, ${entry.epoch}::integer, ${ord}::integer)`),
			sql`, `
		);
		const result = (await this.db.execute(sql`
			insert into doc_updates (doc_id, bytes, epoch)
			select v.doc_id, v.bytes, v.epoch from (values ${values}) as v(doc_id, bytes, epoch, ord)
			where v.epoch = coalesce((select s.epoch from doc_snapshots as s where s.doc_id = v.doc_id for share), 0)
			order by v.ord
			returning id, doc_id, epoch`)) as unknown as { rows: Array<{ id: number | string; doc_id: string; epoch: number }> };
		return result.rows.map((row) => ({ id: Number(row.id), docId: row.doc_id, epoch: row.epoch }));
	}
}
