import { and, asc, desc, eq, gt, gte, inArray, isNotNull, lt, lte, sql } from 'drizzle-orm';
import * as Y from 'yjs';
import type { Database } from '../db/client.js';
import { docEpochs, docSnapshots, docUpdates } from '../db/schema.js';
import { UpdateLog } from './update-log.js';

export { EpochMoved } from './update-log.js';

export interface StoredDoc {
	/** The snapshot (the state up to lastUpdateId of its row), if there is one. */
	snapshot: Uint8Array | null;
	/** Every update row left of the snapshot's epoch, oldest first: apply them after the snapshot. */
	updates: Uint8Array[];
	/** Their ids in the update log. */
	updateIds: number[];
	/** The whole stored state as one update, merged when asked for (tests, tools); loading applies the parts. */
	readonly state: Uint8Array | null;
	lastUpdateId: number;
	updatesSinceSnapshot: number;
	bytesSinceSnapshot: number;
	/** The document's epoch (0 until first rebuilt) and the client id that wrote it (null in epoch 0). */
	epoch: number;
	baseClient: number | null;
}

/** An earlier epoch of a document, as a client holding it is recognised (its final state is read only to carry one). */
export interface FrozenEpoch {
	epoch: number;
	baseClient: number | null;
	/** Whether its final state is still kept (false once the retention period dropped it). */
	kept: boolean;
}

/** A rebuild: the old epoch frozen, the new one in its place (see epochs.ts). */
export interface EpochRebuild {
	/** The epoch being frozen and its base client. */
	epoch: number;
	baseClient: number | null;
	frozenState: Uint8Array;
	/** The new epoch's whole state, its base client, and the last update it covers. */
	nextState: Uint8Array;
	nextBaseClient: number;
	lastUpdateId: number;
	/**
	 * With several nodes: the update rows the frozen state holds. Another
	 * node may have appended one the rebuilding node has not taken in yet;
	 * then the rebuild is not stored (tried again later). Null on one node,
	 * where the room itself wrote every row up to lastUpdateId.
	 */
	coveredIds: number[] | null;
}

/** A rebuild found rows its state does not hold (another node's, appended meanwhile): it is tried again later. */
export class RebuildOutdated extends Error {}

/** An update row of the log, with the epoch it was made in. */
export interface LoggedUpdate {
	id: number;
	bytes: Uint8Array;
	epoch: number;
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
	loadUpdatesOf(docId: string): Promise<LoggedUpdate[]>;
	/** Appends an update made in the epoch; with several nodes, throws EpochMoved when the document has left it. */
	appendUpdate(docId: string, update: Uint8Array, epoch: number): Promise<number>;
	/**
	 * Stores a snapshot of the epoch; nothing when the document has moved on to a later epoch.
	 * It drops the update rows up to lastUpdateId, or with several nodes exactly the rows it names.
	 */
	writeSnapshot(docId: string, state: Uint8Array, lastUpdateId: number, epoch: number, coveredIds?: number[] | null): Promise<void>;
	/** Catching up with other nodes: the document's update rows after an id (ids and epochs), and the snapshot's last id and epoch. */
	listUpdateIds(docId: string, afterId: number): Promise<{ rows: Array<{ id: number; epoch: number }>; snapshotUpTo: number; snapshotEpoch: number }>;
	loadUpdatesByIds(docId: string, ids: number[]): Promise<LoggedUpdate[]>;
	loadSnapshot(docId: string): Promise<{ state: Uint8Array; lastUpdateId: number; epoch: number } | null>;
	/** Freezes the current epoch and stores the next one, in one transaction. */
	rebuildEpoch(docId: string, rebuild: EpochRebuild): Promise<void>;
	/** The document's earlier epochs, newest first, without their states. */
	listEpochs(docId: string): Promise<FrozenEpoch[]>;
	/** An earlier epoch's final state; null once it is no longer kept. */
	loadFrozenState(docId: string, epoch: number): Promise<Uint8Array | null>;
	/** Replaces a frozen epoch's final state (a carried client's edits merged in). */
	storeFrozenState(docId: string, epoch: number, state: Uint8Array): Promise<void>;
}

/**
 * The store of one process: its rooms' appends share one update log (group
 * commit across rooms). With several nodes (`checkEpochs`), an append lands
 * only while the document is still in the appending room's epoch.
 */
export function createDocStore(db: Database, options: { checkEpochs?: boolean } = {}): DocStore {
	const log = new UpdateLog(db, { checkEpochs: options.checkEpochs ?? false });
	return {
		loadDoc: (docId) => loadDoc(db, docId),
		loadUpdatesOf: (docId) => loadUpdatesOf(db, docId),
		appendUpdate: (docId, update, epoch) => log.append(docId, update, epoch),
		writeSnapshot: (docId, state, lastUpdateId, epoch, coveredIds) => writeSnapshot(db, docId, state, lastUpdateId, epoch, coveredIds),
		listUpdateIds: (docId, afterId) => listUpdateIds(db, docId, afterId),
		loadUpdatesByIds: (docId, ids) => loadUpdatesByIds(db, docId, ids),
		loadSnapshot: (docId) => loadSnapshot(db, docId),
		rebuildEpoch: (docId, rebuild) => rebuildEpoch(db, docId, rebuild),
		listEpochs: (docId) => listEpochs(db, docId),
		loadFrozenState: (docId, epoch) => loadFrozenState(db, docId, epoch),
		storeFrozenState: (docId, epoch, state) => storeFrozenState(db, docId, epoch, state)
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
	// Rows of an earlier epoch are in the snapshot that replaced it: a
	// rebuild committing between the two reads leaves them behind here.
	const rows = await loadUpdatesOf(db, docId);
	const snapshot = await readSnapshotOf(db, docId);
	const epoch = snapshot?.epoch ?? 0;
	const updates = rows.filter((row) => row.epoch === epoch);
	const after = snapshot?.lastUpdateId ?? 0;
	const parts = [...(snapshot ? [snapshot.bytes] : []), ...updates.map((u) => u.bytes)];
	return {
		snapshot: snapshot?.bytes ?? null,
		updates: updates.map((u) => u.bytes),
		updateIds: updates.map((u) => u.id),
		get state() {
			return parts.length === 0 ? null : parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts);
		},
		lastUpdateId: Math.max(after, updates.at(-1)?.id ?? 0),
		updatesSinceSnapshot: updates.length,
		bytesSinceSnapshot: updates.reduce((sum, u) => sum + u.bytes.byteLength, 0),
		epoch,
		baseClient: snapshot?.baseClient ?? null
	};
}

/** The snapshot of a document, if it has one. */
export async function readSnapshotOf(
	db: Database,
	docId: string
): Promise<{ bytes: Uint8Array; lastUpdateId: number; epoch: number; baseClient: number | null } | null> {
	const [row] = await db
		.select({ bytes: docSnapshots.bytes, lastUpdateId: docSnapshots.lastUpdateId, epoch: docSnapshots.epoch, baseClient: docSnapshots.baseClient })
		.from(docSnapshots)
		.where(eq(docSnapshots.docId, docId));
	return row ? { ...row, bytes: toBytes(row.bytes) } : null;
}

/** The update rows of a document not yet folded into its snapshot, oldest first. */
export async function loadUpdatesOf(db: Database, docId: string): Promise<LoggedUpdate[]> {
	const rows = await db
		.select({ id: docUpdates.id, bytes: docUpdates.bytes, epoch: docUpdates.epoch })
		.from(docUpdates)
		.where(eq(docUpdates.docId, docId))
		.orderBy(asc(docUpdates.id));
	return rows.map((row) => ({ id: row.id, bytes: toBytes(row.bytes), epoch: row.epoch }));
}

/**
 * Stores the full state as the snapshot covering updates up to lastUpdateId and
 * drops those updates, in one transaction: a crash leaves either the old
 * snapshot with its updates or the new one, never a gap.
 *
 * With several nodes (`coveredIds`) it drops exactly the rows the state was
 * read with: ids are handed out when a row is inserted, not when it commits,
 * so another node's row with a lower id can commit after the state was read,
 * and dropping by id range would take it out of the log unsaved.
 */
export async function writeSnapshot(
	db: Database,
	docId: string,
	state: Uint8Array,
	lastUpdateId: number,
	epoch = 0,
	coveredIds: number[] | null = null
): Promise<void> {
	await db.transaction(async (tx) => {
		const written = await tx
			.insert(docSnapshots)
			.values({ docId, bytes: state, lastUpdateId, epoch })
			.onConflictDoUpdate({
				target: docSnapshots.docId,
				// excluded.bytes: the state goes over the wire once, not twice (it is megabytes on a large board).
				set: { bytes: sql`excluded.bytes`, lastUpdateId, updatedAt: sql`now()` },
				// A room still holding an epoch that was rebuilt meanwhile writes nothing.
				where: eq(docSnapshots.epoch, epoch)
			})
			.returning({ docId: docSnapshots.docId });
		if (written.length === 0) return;
		if (coveredIds) {
			if (coveredIds.length > 0) await tx.delete(docUpdates).where(and(eq(docUpdates.docId, docId), inArray(docUpdates.id, coveredIds)));
			return;
		}
		await tx.delete(docUpdates).where(and(eq(docUpdates.docId, docId), lte(docUpdates.id, lastUpdateId)));
	});
}

/** The ids and epochs of a document's update rows after `afterId` (no bytes read), and where its snapshot ends and in which epoch. */
export async function listUpdateIds(
	db: Database,
	docId: string,
	afterId: number
): Promise<{ rows: Array<{ id: number; epoch: number }>; snapshotUpTo: number; snapshotEpoch: number }> {
	const [rows, snapshot] = await Promise.all([
		db
			.select({ id: docUpdates.id, epoch: docUpdates.epoch })
			.from(docUpdates)
			.where(and(eq(docUpdates.docId, docId), gt(docUpdates.id, afterId)))
			.orderBy(asc(docUpdates.id)),
		db.select({ lastUpdateId: docSnapshots.lastUpdateId, epoch: docSnapshots.epoch }).from(docSnapshots).where(eq(docSnapshots.docId, docId))
	]);
	return { rows, snapshotUpTo: snapshot[0]?.lastUpdateId ?? 0, snapshotEpoch: snapshot[0]?.epoch ?? 0 };
}

export async function loadUpdatesByIds(db: Database, docId: string, ids: number[]): Promise<LoggedUpdate[]> {
	if (ids.length === 0) return [];
	const rows = await db
		.select({ id: docUpdates.id, bytes: docUpdates.bytes, epoch: docUpdates.epoch })
		.from(docUpdates)
		.where(and(eq(docUpdates.docId, docId), inArray(docUpdates.id, ids)))
		.orderBy(asc(docUpdates.id));
	return rows.map((row) => ({ id: row.id, bytes: toBytes(row.bytes), epoch: row.epoch }));
}

export async function loadSnapshot(db: Database, docId: string): Promise<{ state: Uint8Array; lastUpdateId: number; epoch: number } | null> {
	const snapshot = await readSnapshotOf(db, docId);
	return snapshot ? { state: snapshot.bytes, lastUpdateId: snapshot.lastUpdateId, epoch: snapshot.epoch } : null;
}

/**
 * Freezes the current epoch (its final state kept in doc_epochs) and puts the
 * rebuilt document in the snapshot's place, dropping the update rows it
 * covers, in one transaction: a crash leaves the old epoch whole or the new
 * one, never a mix. The snapshot row is locked first and its epoch checked,
 * so two rebuilds of one document cannot both commit.
 */
export async function rebuildEpoch(db: Database, docId: string, rebuild: EpochRebuild): Promise<void> {
	await db.transaction(async (tx) => {
		const [current] = await tx.select({ epoch: docSnapshots.epoch }).from(docSnapshots).where(eq(docSnapshots.docId, docId)).for('update');
		if ((current?.epoch ?? 0) !== rebuild.epoch) throw new Error(`document ${docId} is in epoch ${current?.epoch ?? 0}, not ${rebuild.epoch}`);
		if (rebuild.coveredIds) {
			// With several nodes an append takes the snapshot row's share lock (UpdateLog): once the lock
			// above is held, every row that will ever be in this epoch is committed and visible here.
			if (!current) throw new RebuildOutdated(`document ${docId} has no snapshot yet: another node's appends could not be held back`);
			const covered = new Set(rebuild.coveredIds);
			const rows = await tx.select({ id: docUpdates.id }).from(docUpdates).where(and(eq(docUpdates.docId, docId), eq(docUpdates.epoch, rebuild.epoch)));
			const missing = rows.filter((row) => !covered.has(row.id));
			if (missing.length > 0) throw new RebuildOutdated(`document ${docId} has ${missing.length} update(s) the rebuilt state does not hold yet`);
		}
		await tx.insert(docEpochs).values({ docId, epoch: rebuild.epoch, baseClient: rebuild.baseClient, finalState: rebuild.frozenState });
		const next = { bytes: rebuild.nextState, lastUpdateId: rebuild.lastUpdateId, epoch: rebuild.epoch + 1, baseClient: rebuild.nextBaseClient };
		await tx
			.insert(docSnapshots)
			.values({ docId, ...next })
			.onConflictDoUpdate({ target: docSnapshots.docId, set: { ...next, bytes: sql`excluded.bytes`, updatedAt: sql`now()` } });
		await tx
			.delete(docUpdates)
			.where(and(eq(docUpdates.docId, docId), rebuild.coveredIds ? lte(docUpdates.epoch, rebuild.epoch) : lte(docUpdates.id, rebuild.lastUpdateId)));
	});
}

/** How long a frozen epoch's final state is kept for clients that were offline through a rebuild. */
export const epochRetentionDays = 180;

/** Frozen states from before this instant are no longer kept. */
function oldestKeptFrozenAt(now: Date): Date {
	return new Date(now.getTime() - epochRetentionDays * 86_400_000);
}

/**
 * A document's earlier epochs, newest first; a state frozen longer ago than
 * the retention period reads as gone. The states stay in the database: every
 * load of a rebuilt board lists its epochs, and each state is megabytes.
 */
export async function listEpochs(db: Database, docId: string, now = new Date()): Promise<FrozenEpoch[]> {
	const rows = await db
		.select({ epoch: docEpochs.epoch, baseClient: docEpochs.baseClient, hasState: sql<boolean>`${docEpochs.finalState} is not null`, frozenAt: docEpochs.frozenAt })
		.from(docEpochs)
		.where(eq(docEpochs.docId, docId))
		.orderBy(desc(docEpochs.epoch));
	const oldest = oldestKeptFrozenAt(now).getTime();
	return rows.map((row) => ({ epoch: row.epoch, baseClient: row.baseClient, kept: row.hasState && row.frozenAt.getTime() >= oldest }));
}

/** An earlier epoch's final state, to carry a copy of that epoch; null once it is no longer kept. */
export async function loadFrozenState(db: Database, docId: string, epoch: number, now = new Date()): Promise<Uint8Array | null> {
	const [row] = await db
		.select({ finalState: docEpochs.finalState })
		.from(docEpochs)
		.where(and(eq(docEpochs.docId, docId), eq(docEpochs.epoch, epoch), isNotNull(docEpochs.finalState), gte(docEpochs.frozenAt, oldestKeptFrozenAt(now))));
	return row?.finalState ? toBytes(row.finalState) : null;
}

/** Drops the final states frozen longer ago than the retention period (a scheduled job); the rows stay to recognise such copies. */
export async function dropExpiredEpochStates(db: Database, now: Date): Promise<number> {
	const oldest = oldestKeptFrozenAt(now);
	const dropped = await db
		.update(docEpochs)
		.set({ finalState: null })
		.where(and(isNotNull(docEpochs.finalState), lt(docEpochs.frozenAt, oldest)))
		.returning({ docId: docEpochs.docId });
	return dropped.length;
}

export async function storeFrozenState(db: Database, docId: string, epoch: number, state: Uint8Array): Promise<void> {
	await db.update(docEpochs).set({ finalState: state }).where(and(eq(docEpochs.docId, docId), eq(docEpochs.epoch, epoch)));
}

/** Appends one update on its own (scripts and tests; rooms append through their store's shared UpdateLog). */
export async function appendUpdate(db: Database, docId: string, update: Uint8Array, epoch = 0): Promise<number> {
	const [row] = await db.insert(docUpdates).values({ docId, bytes: update, epoch }).returning({ id: docUpdates.id });
	return row!.id;
}

// pg returns Buffer, PGlite Uint8Array; Yjs wants a plain Uint8Array view.
function toBytes(value: Uint8Array): Uint8Array {
	return value instanceof Uint8Array && value.constructor === Uint8Array
		? value
		: new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}
