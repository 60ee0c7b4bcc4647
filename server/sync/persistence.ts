import { and, asc, eq, lte, sql } from 'drizzle-orm';
import * as Y from 'yjs';
import type { Database } from '../db/client.js';
import { docSnapshots, docUpdates } from '../db/schema.js';

export interface StoredDoc {
	/** The snapshot (the state up to lastUpdateId of its row), if there is one. */
	snapshot: Uint8Array | null;
	/** Every update row left, oldest first: apply them after the snapshot. */
	updates: Uint8Array[];
	/** The whole stored state as one update, merged when asked for (tests, tools); loading applies the parts. */
	readonly state: Uint8Array | null;
	lastUpdateId: number;
	updatesSinceSnapshot: number;
	bytesSinceSnapshot: number;
}

/**
 * Applies a stored document to a Y.Doc: the snapshot, then the rows, in one
 * transaction (one cleanup pass, one 'update' event). Applying the parts in
 * sequence costs what merging them first costs minus the merge, which on a
 * large board is most of a second (mergeUpdates re-encodes the whole state).
 */
export function applyStoredDoc(doc: Y.Doc, stored: StoredDoc, origin: unknown): void {
	Y.transact(
		doc,
		() => {
			if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
			for (const update of stored.updates) Y.applyUpdate(doc, update);
		},
		origin
	);
}

/** Where board documents live: the update log and its snapshots. Tests wrap it to inject faults. */
export interface DocStore {
	loadDoc(docId: string): Promise<StoredDoc>;
	loadUpdatesOf(docId: string): Promise<Array<{ id: number; bytes: Uint8Array }>>;
	appendUpdate(docId: string, update: Uint8Array): Promise<number>;
	writeSnapshot(docId: string, state: Uint8Array, lastUpdateId: number): Promise<void>;
}

export function createDocStore(db: Database): DocStore {
	return {
		loadDoc: (docId) => loadDoc(db, docId),
		loadUpdatesOf: (docId) => loadUpdatesOf(db, docId),
		appendUpdate: (docId, update) => appendUpdate(db, docId, update),
		writeSnapshot: (docId, state, lastUpdateId) => writeSnapshot(db, docId, state, lastUpdateId)
	};
}

/** When a room folds its update log into a snapshot. */
export interface CompactionPolicy {
	afterUpdates: number;
	afterBytes: number;
}

export const defaultCompaction: CompactionPolicy = { afterUpdates: 500, afterBytes: 1024 * 1024 };

export function isCompactionDue(policy: CompactionPolicy, since: { updates: number; bytes: number }): boolean {
	return since.updates >= policy.afterUpdates || since.bytes >= policy.afterBytes;
}

/** Reads a document: its snapshot, then every update after it, in order. */
export async function loadDoc(db: Database, docId: string): Promise<StoredDoc> {
	// Updates first, then the snapshot: a compaction committing in between
	// replaces the updates it deletes with a snapshot that holds them, so
	// nothing falls between the two reads (the other order can lose them).
	// Every update row left, not only those after the snapshot's id: an insert
	// that committed after a compaction read past it (another node's, with a
	// lower id) is not in the snapshot. Applying an update twice is harmless.
	const updates = await loadUpdatesOf(db, docId);
	const snapshot = await readSnapshotOf(db, docId);
	const after = snapshot?.lastUpdateId ?? 0;
	const parts = [...(snapshot ? [snapshot.bytes] : []), ...updates.map((u) => u.bytes)];
	return {
		snapshot: snapshot?.bytes ?? null,
		updates: updates.map((u) => u.bytes),
		get state() {
			return parts.length === 0 ? null : parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts);
		},
		lastUpdateId: Math.max(after, updates.at(-1)?.id ?? 0),
		updatesSinceSnapshot: updates.length,
		bytesSinceSnapshot: updates.reduce((sum, u) => sum + u.bytes.byteLength, 0)
	};
}

/** The snapshot of a document, if it has one. */
export async function readSnapshotOf(db: Database, docId: string): Promise<{ bytes: Uint8Array; lastUpdateId: number } | null> {
	const [row] = await db
		.select({ bytes: docSnapshots.bytes, lastUpdateId: docSnapshots.lastUpdateId })
		.from(docSnapshots)
		.where(eq(docSnapshots.docId, docId));
	return row ? { bytes: toBytes(row.bytes), lastUpdateId: row.lastUpdateId } : null;
}

/** The update rows of a document not yet folded into its snapshot, oldest first. */
export async function loadUpdatesOf(db: Database, docId: string): Promise<Array<{ id: number; bytes: Uint8Array }>> {
	const rows = await db
		.select({ id: docUpdates.id, bytes: docUpdates.bytes })
		.from(docUpdates)
		.where(eq(docUpdates.docId, docId))
		.orderBy(asc(docUpdates.id));
	return rows.map((row) => ({ id: row.id, bytes: toBytes(row.bytes) }));
}

/** Appends one accepted update and returns its sequence id. */
export async function appendUpdate(db: Database, docId: string, update: Uint8Array): Promise<number> {
	const [row] = await db.insert(docUpdates).values({ docId, bytes: update }).returning({ id: docUpdates.id });
	return row!.id;
}

/**
 * Stores the full state as the snapshot covering updates up to lastUpdateId and
 * drops those updates, in one transaction: a crash leaves either the old
 * snapshot with its updates or the new one, never a gap.
 */
export async function writeSnapshot(db: Database, docId: string, state: Uint8Array, lastUpdateId: number): Promise<void> {
	await db.transaction(async (tx) => {
		await tx
			.insert(docSnapshots)
			.values({ docId, bytes: state, lastUpdateId })
			.onConflictDoUpdate({
				target: docSnapshots.docId,
				// excluded.bytes: the state goes over the wire once, not twice (it is megabytes on a large board).
				set: { bytes: sql`excluded.bytes`, lastUpdateId, updatedAt: sql`now()` }
			});
		await tx.delete(docUpdates).where(and(eq(docUpdates.docId, docId), lte(docUpdates.id, lastUpdateId)));
	});
}

// pg returns Buffer, PGlite Uint8Array; Yjs wants a plain Uint8Array view.
function toBytes(value: Uint8Array): Uint8Array {
	return value instanceof Uint8Array && value.constructor === Uint8Array
		? value
		: new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}
