import { and, asc, eq, gt, inArray, lte, sql } from 'drizzle-orm';
import * as Y from 'yjs';
import type { Database } from '../db/client.js';
import { docSnapshots, docUpdates } from '../db/schema.js';
import { UpdateLog } from './update-log.js';

export interface StoredDoc {
	/** The whole stored state as one update (snapshot merged with later updates). */
	state: Uint8Array | null;
	lastUpdateId: number;
	updatesSinceSnapshot: number;
	bytesSinceSnapshot: number;
}

/** Where board documents live: the update log and its snapshots. Tests wrap it to inject faults. */
export interface DocStore {
	loadDoc(docId: string): Promise<StoredDoc>;
	loadUpdatesOf(docId: string): Promise<Array<{ id: number; bytes: Uint8Array }>>;
	appendUpdate(docId: string, update: Uint8Array): Promise<number>;
	writeSnapshot(docId: string, state: Uint8Array, lastUpdateId: number): Promise<void>;
	/** Catching up with other nodes: the ids of the document's update rows after an id, and the snapshot's last id. */
	listUpdateIds(docId: string, afterId: number): Promise<{ ids: number[]; snapshotUpTo: number }>;
	loadUpdatesByIds(docId: string, ids: number[]): Promise<Array<{ id: number; bytes: Uint8Array }>>;
	loadSnapshot(docId: string): Promise<{ state: Uint8Array; lastUpdateId: number } | null>;
}

/** The store of one process: its rooms' appends share one update log (group commit across rooms). */
export function createDocStore(db: Database): DocStore {
	const log = new UpdateLog(db);
	return {
		loadDoc: (docId) => loadDoc(db, docId),
		loadUpdatesOf: (docId) => loadUpdatesOf(db, docId),
		appendUpdate: (docId, update) => log.append(docId, update),
		writeSnapshot: (docId, state, lastUpdateId) => writeSnapshot(db, docId, state, lastUpdateId),
		listUpdateIds: (docId, afterId) => listUpdateIds(db, docId, afterId),
		loadUpdatesByIds: (docId, ids) => loadUpdatesByIds(db, docId, ids),
		loadSnapshot: (docId) => loadSnapshot(db, docId)
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
	const [snapshot] = await db.select().from(docSnapshots).where(eq(docSnapshots.docId, docId));
	const after = snapshot?.lastUpdateId ?? 0;
	const parts = [...(snapshot ? [toBytes(snapshot.bytes)] : []), ...updates.map((u) => toBytes(u.bytes))];
	return {
		state: parts.length === 0 ? null : parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts),
		lastUpdateId: Math.max(after, updates.at(-1)?.id ?? 0),
		updatesSinceSnapshot: updates.length,
		bytesSinceSnapshot: updates.reduce((sum, u) => sum + u.bytes.byteLength, 0)
	};
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
				set: { bytes: state, lastUpdateId, updatedAt: sql`now()` }
			});
		await tx.delete(docUpdates).where(and(eq(docUpdates.docId, docId), lte(docUpdates.id, lastUpdateId)));
	});
}

/** The ids of a document's update rows after `afterId` (the index answers, no bytes read), and where its snapshot ends. */
export async function listUpdateIds(db: Database, docId: string, afterId: number): Promise<{ ids: number[]; snapshotUpTo: number }> {
	const [rows, snapshot] = await Promise.all([
		db.select({ id: docUpdates.id }).from(docUpdates).where(and(eq(docUpdates.docId, docId), gt(docUpdates.id, afterId))).orderBy(asc(docUpdates.id)),
		db.select({ lastUpdateId: docSnapshots.lastUpdateId }).from(docSnapshots).where(eq(docSnapshots.docId, docId))
	]);
	return { ids: rows.map((row) => row.id), snapshotUpTo: snapshot[0]?.lastUpdateId ?? 0 };
}

export async function loadUpdatesByIds(db: Database, docId: string, ids: number[]): Promise<Array<{ id: number; bytes: Uint8Array }>> {
	if (ids.length === 0) return [];
	const rows = await db
		.select({ id: docUpdates.id, bytes: docUpdates.bytes })
		.from(docUpdates)
		.where(and(eq(docUpdates.docId, docId), inArray(docUpdates.id, ids)))
		.orderBy(asc(docUpdates.id));
	return rows.map((row) => ({ id: row.id, bytes: toBytes(row.bytes) }));
}

export async function loadSnapshot(db: Database, docId: string): Promise<{ state: Uint8Array; lastUpdateId: number } | null> {
	const [row] = await db.select({ bytes: docSnapshots.bytes, lastUpdateId: docSnapshots.lastUpdateId }).from(docSnapshots).where(eq(docSnapshots.docId, docId));
	return row ? { state: toBytes(row.bytes), lastUpdateId: row.lastUpdateId } : null;
}

// pg returns Buffer, PGlite Uint8Array; Yjs wants a plain Uint8Array view.
function toBytes(value: Uint8Array): Uint8Array {
	return value instanceof Uint8Array && value.constructor === Uint8Array
		? value
		: new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}
