import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { boardMaps } from '../../src/lib/model/board.js';
import { checkDeal, type Violation } from '../../src/lib/model/validate.js';
import type { Database } from '../db/client.js';
import { checkChange, type TaskIndex, type Writer } from '../rules/check-change.js';
import { keyOf, readTouchedEntities, refusedKeys, writeEntities, type TouchedEntity } from '../rules/keep-valid.js';
import { addRepairTask, findUnseenCompletions, learnState, type KnownState } from '../rules/repair.js';
import { collectChanges, emptyChangeSet, hasChanges, type ChangeSet } from './changes.js';
import type { Fanout, FanoutMessage } from './fanout.js';
import { appendUpdate, loadDoc, loadUpdatesOf, writeSnapshot } from './persistence.js';
import { checkPresence } from './presence.js';
import { encodeAwareness, encodeRefusal, encodeSyncStep1, encodeSyncStep2, encodeUpdate } from './protocol.js';

/** One peer of a room: a websocket, or anything else that can take bytes. */
export interface Peer {
	writer: Writer;
	/** What the peer is known to have seen (from its sync requests and its own updates). */
	known?: KnownState;
	send(message: Uint8Array): void;
	close(code: number, reason: string): void;
}

/** A persisted batch: the merged update, the changes it made and who made them. */
export interface PersistedBatch {
	update: Uint8Array;
	changes: ChangeSet;
	writers: Writer[];
	at: Date;
}

export interface RoomOptions {
	db: Database;
	docId: string;
	now: () => Date;
	/** Runs after a batch is on disk and broadcast (the projection). */
	afterPersist?: (room: Room, batch: PersistedBatch) => Promise<void>;
	compactAfterUpdates?: number;
	compactAfterBytes?: number;
	/** Other nodes on the same database (REDIS_URL): accepted updates and presence are published to them. */
	fanout?: Fanout;
}

interface Pending {
	update: Uint8Array;
	origin: unknown;
}

export class RefusedChange extends Error {
	constructor(readonly violations: Violation[]) {
		super(violations.map((v) => v.message).join(' '));
	}
}

/**
 * The live document of one pipeline and the peers editing it.
 *
 * Every change, from a peer or from the server, is applied, checked, and
 * reverted at once if it breaks a rule. Updates are persisted in batches
 * (group commit) and only then broadcast, so whatever a peer has seen is on
 * disk. A peer's sync request is answered after pending writes are flushed
 * for the same reason.
 */
export class Room {
	readonly doc = new Y.Doc({ gc: true });
	readonly awareness = new awarenessProtocol.Awareness(this.doc);
	readonly peers = new Map<Peer, Set<number>>();
	private pending: Pending[] = [];
	private pendingChanges = emptyChangeSet();
	private pendingWriters: Writer[] = [];
	private flushing: Promise<void> = Promise.resolve();
	private projecting: Promise<void> = Promise.resolve();
	private flushScheduled = false;
	private collecting: ChangeSet | null = null;
	/** Which deal each task belongs to, and back: rule checks follow the change, not the board. */
	private readonly taskIndex = new TaskDealIndex();
	private lastUpdateId = 0;
	private updatesSinceSnapshot = 0;
	private bytesSinceSnapshot = 0;

	private constructor(private readonly options: RoomOptions) {
		this.awareness.setLocalState(null);
	}

	static async load(options: RoomOptions): Promise<Room> {
		const room = new Room(options);
		const stored = await loadDoc(options.db, options.docId);
		if (stored.state) Y.applyUpdate(room.doc, stored.state, 'load');
		room.lastUpdateId = stored.lastUpdateId;
		room.updatesSinceSnapshot = stored.updatesSinceSnapshot;
		room.bytesSinceSnapshot = stored.bytesSinceSnapshot;
		room.indexTasks();
		room.listen();
		return room;
	}

	get docId(): string {
		return this.options.docId;
	}

	private listen(): void {
		this.doc.on('afterTransaction', (transaction: Y.Transaction) => {
			if (this.collecting) collectChanges(this.doc, transaction, this.collecting);
		});
		this.doc.on('update', (update: Uint8Array, origin: unknown) => {
			// Another node checked and persisted it already: only this node's peers need it.
			if (origin === remoteOrigin) {
				this.broadcast(encodeUpdate(update), null);
				return;
			}
			this.pending.push({ update, origin });
			this.scheduleFlush();
		});
		this.awareness.on('update', ({ added, updated, removed }: AwarenessChange, origin: unknown) => {
			const changed = [...added, ...updated, ...removed];
			const peer = origin as Peer;
			const controlled = this.peers.get(peer);
			if (controlled) {
				// A peer that sends a client's state carries it, also when that client
				// announced itself on another connection first.
				for (const id of [...added, ...updated]) controlled.add(id);
				for (const id of removed) controlled.delete(id);
			}
			this.broadcast(encodeAwareness(this.awareness, changed), null);
			if (origin !== remoteOrigin) {
				this.options.fanout?.publish({ kind: 'awareness', docId: this.docId, bytes: awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed) });
			}
		});
	}

	// ---- peers ----

	/** Adds a peer and starts the sync handshake. */
	join(peer: Peer): void {
		this.peers.set(peer, new Set());
		peer.send(encodeSyncStep1(this.doc));
		const states = [...this.awareness.getStates().keys()];
		if (states.length > 0) peer.send(encodeAwareness(this.awareness, states));
	}

	/**
	 * Removes a peer and the presence it controlled, except presence another
	 * live connection now carries: a client that reconnected before its old
	 * socket closed keeps showing.
	 */
	leave(peer: Peer): void {
		const controlled = this.peers.get(peer);
		this.peers.delete(peer);
		if (!controlled || controlled.size === 0) return;
		const stillLive = new Set([...this.peers.values()].flatMap((ids) => [...ids]));
		const gone = [...controlled].filter((id) => !stillLive.has(id));
		if (gone.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, gone, null);
	}

	async answerSyncStep1(peer: Peer, stateVector: Uint8Array): Promise<void> {
		peer.known ??= new Map();
		learnState(peer.known, Y.decodeStateVector(stateVector));
		await this.flushed();
		if (this.peers.has(peer)) peer.send(encodeSyncStep2(this.doc, stateVector));
	}

	/** Applies a peer's presence; answers what was wrong when it is not the peer's own. */
	applyAwareness(peer: Peer, update: Uint8Array): string | null {
		const checked = checkPresence(this.awareness, update, peer.writer.userId ?? '', this.peers.get(peer) ?? new Set());
		if (checked.problem !== null) return checked.problem;
		awarenessProtocol.applyAwarenessUpdate(this.awareness, checked.update, peer);
		return null;
	}

	sendAwareness(peer: Peer): void {
		peer.send(encodeAwareness(this.awareness, [...this.awareness.getStates().keys()]));
	}

	/**
	 * Applies a peer's update. If it breaks a rule it is reverted at once, the
	 * peer is told why, and its other (earlier or later) edits are untouched.
	 */
	applyPeerUpdate(peer: Peer, update: Uint8Array): Violation[] {
		const repairs = new Set<string>();
		const excuse = (found: Violation[]) =>
			found.filter((violation) => {
				const repairable = violation.rule === 'deal-without-task' && this.isUnseenMerge(peer, violation.id, update);
				if (repairable) repairs.add(violation.id);
				return !repairable;
			});
		let touched: TouchedEntity[] = [];
		const violations = this.applyChecked(
			peer.writer,
			peer,
			() => Y.applyUpdate(this.doc, update, peer),
			excuse,
			(changes) => (touched = readTouchedEntities(this.doc, changes, this.taskIndex))
		);
		peer.known ??= new Map();
		learnState(peer.known, Y.parseUpdateMeta(update).to);
		const refused = violations.length > 0 ? this.keepValidPart(peer.writer, touched, violations, excuse) : [];
		for (const violation of refused.slice(0, maxRefusalsReported)) {
			peer.send(encodeRefusal({ type: 'refused', rule: violation.rule, entity: violation.entity, id: violation.id, message: violation.message }));
		}
		if (repairs.size > 0) this.repairDeals([...repairs]);
		return refused;
	}

	/**
	 * After a peer's update was refused and reverted, writes back the entities
	 * it left valid (see keep-valid.ts) on the peer's behalf, checked like any
	 * change. An entity that only breaks a rule together with a refused one
	 * (a task of a refused new deal) is refused in the next round. Returns
	 * every violation that refused something.
	 */
	private keepValidPart(writer: Writer, touched: TouchedEntity[], violations: Violation[], excuse: (found: Violation[]) => Violation[]): Violation[] {
		const refusedAll = [...violations];
		let refused = refusedKeys(violations, touched);
		for (let round = 0; refused && round < maxKeepRounds; round += 1) {
			const kept = touched.filter((entity) => !refused!.has(keyOf(entity)));
			if (kept.length === 0) break;
			const origin = { writer, keeping: true };
			const found = this.applyChecked(writer, origin, () => this.doc.transact(() => writeEntities(this.doc, kept), origin), excuse);
			if (found.length === 0) break;
			refusedAll.push(...found);
			const more = refusedKeys(found, touched);
			refused = more && new Set([...refused, ...more]);
		}
		return refusedAll;
	}

	/**
	 * True when the deal lost its last active task only because this update
	 * merged with completions its author had not seen: two valid edits.
	 */
	private isUnseenMerge(peer: Peer, dealId: string, update: Uint8Array): boolean {
		if (!peer.known) return false;
		return findUnseenCompletions(this.doc, dealId, this.taskIndex.tasksOf(dealId), peer.known, update).length > 0;
	}

	/** Gives each deal a "Plan the next step" task, as the server. */
	private repairDeals(candidates: string[]): void {
		// Only deals the merge really left without a task: a refused part of the update may have undone it.
		const dealIds = candidates.filter((dealId) =>
			checkDeal(this.doc, dealId, this.taskIndex.tasksOf(dealId)).some((violation) => violation.rule === 'deal-without-task')
		);
		if (dealIds.length === 0) return;
		const origin = { writer: systemWriter };
		const violations = this.applyChecked(systemWriter, origin, () =>
			this.doc.transact(() => {
				for (const dealId of dealIds) addRepairTask(this.doc, dealId, this.options.now());
			}, origin)
		);
		if (violations.length > 0) console.error(`room ${this.docId}: repair refused`, violations);
	}

	/**
	 * A change made by the server (the REST API, a job) on behalf of a writer.
	 * Refused changes throw RefusedChange; accepted ones resolve once on disk
	 * and in the projection.
	 */
	async change<T>(writer: Writer, run: (doc: Y.Doc) => T): Promise<T> {
		let result!: T;
		const origin = { writer };
		const violations = this.applyChecked(writer, origin, () => {
			this.doc.transact(() => {
				result = run(this.doc);
			}, origin);
		});
		if (violations.length > 0) throw new RefusedChange(violations);
		// An API caller reads its own writes: wait for the projection too.
		await this.projected();
		return result;
	}

	private applyChecked(
		writer: Writer,
		origin: unknown,
		apply: () => void,
		excuse: (violations: Violation[]) => Violation[] = (violations) => violations,
		beforeRevert?: (changes: ChangeSet) => void
	): Violation[] {
		const { meta, stages, deals, tasks } = boardMaps(this.doc);
		const undo = new Y.UndoManager([meta, stages, deals, tasks], {
			trackedOrigins: new Set([origin]),
			captureTimeout: 0
		});
		const changes = emptyChangeSet();
		this.collecting = changes;
		try {
			try {
				apply();
			} catch (error) {
				// A writer that fails half-way leaves nothing behind.
				while (undo.canUndo()) undo.undo();
				throw error;
			}
			this.collecting = null;
			if (!hasChanges(changes)) return [];
			const violations = excuse(checkChange(this.doc, changes, writer, this.taskIndex));
			if (violations.length > 0) {
				beforeRevert?.(changes);
				// The reversal is broadcast merged with the original, so no peer
				// ever shows the refused state.
				while (undo.canUndo()) undo.undo();
			} else {
				this.noteAccepted(changes, writer);
			}
			return violations;
		} finally {
			this.collecting = null;
			undo.destroy();
		}
	}

	private noteAccepted(changes: ChangeSet, writer: Writer): void {
		this.indexChangedTasks(changes);
		// Remember who changed each deal: the projection records who moved it.
		for (const change of changes.deals.values()) change.by = writer.userId;
		mergeChanges(this.pendingChanges, changes);
		this.pendingWriters.push(writer);
	}

	private indexChangedTasks(changes: ChangeSet): void {
		const { tasks } = boardMaps(this.doc);
		for (const [taskId, change] of changes.tasks) {
			const dealId = tasks.get(taskId)?.get?.('dealId');
			if (change.deleted || typeof dealId !== 'string') this.taskIndex.remove(taskId);
			else this.taskIndex.set(taskId, dealId);
		}
	}

	private indexTasks(): void {
		boardMaps(this.doc).tasks.forEach((task, taskId) => {
			const dealId = task.get?.('dealId');
			if (typeof dealId === 'string') this.taskIndex.set(taskId, dealId);
		});
	}

	// ---- other nodes ----

	/** A message of another node about this room (REDIS_URL). */
	applyRemote(message: FanoutMessage): void {
		if (message.kind === 'update') this.applyRemoteUpdate(message.bytes);
		else if (message.kind === 'awareness') awarenessProtocol.applyAwarenessUpdate(this.awareness, message.bytes, remoteOrigin);
	}

	/**
	 * Applies an update another node accepted and persisted: no check of the
	 * author's rights (that node did it), but the merge is checked: two nodes
	 * can each accept one half of "both tasks completed". Both then repair it,
	 * and the repair task's id, derived from the deal, makes theirs one task.
	 */
	private applyRemoteUpdate(update: Uint8Array): void {
		const changes = emptyChangeSet();
		this.collecting = changes;
		try {
			Y.applyUpdate(this.doc, update, remoteOrigin);
		} finally {
			this.collecting = null;
		}
		if (!hasChanges(changes)) return;
		const broken = checkChange(this.doc, changes, systemWriter, this.taskIndex).filter((violation) => violation.rule === 'deal-without-task');
		this.indexChangedTasks(changes);
		if (broken.length > 0) this.repairDeals(broken.map((violation) => violation.id));
	}

	/** Reads the updates other nodes persisted that this one may not have heard of yet. */
	private async catchUp(): Promise<void> {
		const stored = await loadUpdatesOf(this.options.db, this.docId);
		for (const { id, bytes } of stored) {
			this.applyRemoteUpdate(bytes);
			this.lastUpdateId = Math.max(this.lastUpdateId, id);
		}
	}

	// ---- persistence ----

	/** Resolves when everything applied so far is on disk and broadcast. */
	flushed(): Promise<void> {
		if (this.pending.length > 0 && !this.flushScheduled) this.scheduleFlush();
		return this.flushing.then(() => (this.pending.length > 0 ? this.flushed() : undefined));
	}

	private scheduleFlush(): void {
		if (this.flushScheduled) return;
		this.flushScheduled = true;
		this.flushing = this.flushing.then(() => {
			this.flushScheduled = false;
			return this.flushBatch();
		});
	}

	private async flushBatch(): Promise<void> {
		const batch = this.pending;
		if (batch.length === 0) return;
		this.pending = [];
		const changes = this.pendingChanges;
		const writers = this.pendingWriters;
		this.pendingChanges = emptyChangeSet();
		this.pendingWriters = [];
		const update = batch.length === 1 ? batch[0]!.update : Y.mergeUpdates(batch.map((p) => p.update));
		try {
			this.lastUpdateId = await appendUpdate(this.options.db, this.docId, update);
		} catch (error) {
			// Not on disk, so not broadcast: keep it and try again shortly.
			console.error(`room ${this.docId}: could not persist an update, retrying`, error);
			this.pending.unshift(...batch);
			mergeChanges(changes, this.pendingChanges);
			this.pendingChanges = changes;
			this.pendingWriters = [...writers, ...this.pendingWriters];
			await new Promise((resolve) => setTimeout(resolve, 1000));
			this.scheduleFlush();
			return;
		}
		const soleAuthor = batch.every((p) => p.origin === batch[0]!.origin) ? batch[0]!.origin : null;
		this.broadcast(encodeUpdate(update), soleAuthor);
		this.options.fanout?.publish({ kind: 'update', docId: this.docId, bytes: update });
		this.updatesSinceSnapshot += 1;
		this.bytesSinceSnapshot += update.byteLength;
		if (
			this.updatesSinceSnapshot >= (this.options.compactAfterUpdates ?? 500) ||
			this.bytesSinceSnapshot >= (this.options.compactAfterBytes ?? 1024 * 1024)
		) {
			await this.compact();
		}
		// The projection runs in its own queue: a slow report table never
		// delays the next broadcast.
		const afterPersist = this.options.afterPersist;
		if (afterPersist && hasChanges(changes)) {
			const batchAt = this.options.now();
			this.projecting = this.projecting
				.then(() => afterPersist(this, { update, changes, writers, at: batchAt }))
				.catch((error) => console.error(`room ${this.docId}: projection failed`, error));
		}
	}

	/** Writes a snapshot of the whole state and drops the updates it covers. */
	async compact(): Promise<void> {
		if (this.updatesSinceSnapshot === 0) return;
		// With other nodes writing the same document, the snapshot must hold
		// everything it replaces, theirs included, even what Redis has not brought yet.
		if (this.options.fanout) await this.catchUp();
		await writeSnapshot(this.options.db, this.docId, Y.encodeStateAsUpdate(this.doc), this.lastUpdateId);
		this.updatesSinceSnapshot = 0;
		this.bytesSinceSnapshot = 0;
	}

	private broadcast(message: Uint8Array, except: unknown): void {
		for (const peer of this.peers.keys()) if (peer !== except) peer.send(message);
	}

	/** Resolves when the projection has caught up with everything flushed so far. */
	async projected(): Promise<void> {
		await this.flushed();
		await this.projecting;
	}

	/** Flushes, snapshots and frees the document. */
	async unload(): Promise<void> {
		await this.projected();
		await this.compact();
		for (const peer of [...this.peers.keys()]) peer.close(1001, 'room unloaded');
		this.awareness.destroy();
		this.doc.destroy();
	}
}

class TaskDealIndex implements TaskIndex {
	private readonly dealByTask = new Map<string, string>();
	private readonly tasksByDeal = new Map<string, Set<string>>();

	dealOf(taskId: string): string | undefined {
		return this.dealByTask.get(taskId);
	}

	tasksOf(dealId: string): Iterable<string> {
		return this.tasksByDeal.get(dealId) ?? [];
	}

	set(taskId: string, dealId: string): void {
		this.remove(taskId);
		this.dealByTask.set(taskId, dealId);
		let tasks = this.tasksByDeal.get(dealId);
		if (!tasks) this.tasksByDeal.set(dealId, (tasks = new Set()));
		tasks.add(taskId);
	}

	remove(taskId: string): void {
		const dealId = this.dealByTask.get(taskId);
		if (dealId === undefined) return;
		this.dealByTask.delete(taskId);
		this.tasksByDeal.get(dealId)?.delete(taskId);
	}
}

const systemWriter: Writer = { kind: 'system', userId: null };
/** The origin of what another node sent: applied, shown, never persisted or published again. */
const remoteOrigin = Symbol('remote node');
/** A refused update rarely breaks more than a few rules; its author hears of the first ones. */
const maxRefusalsReported = 10;
/** Each round refuses at least one more entity; a handful covers any real dependency chain. */
const maxKeepRounds = 5;

type AwarenessChange = { added: number[]; updated: number[]; removed: number[] };

function mergeChanges(into: ChangeSet, from: ChangeSet): void {
	into.meta ||= from.meta;
	into.foreign ||= from.foreign;
	for (const id of from.stages) into.stages.add(id);
	for (const [id, change] of from.deals) {
		const existing = into.deals.get(id);
		into.deals.set(
			id,
			existing
				? { ...change, created: existing.created || change.created, oldStageId: existing.oldStageId ?? change.oldStageId }
				: { ...change }
		);
	}
	for (const [id, change] of from.tasks) {
		const existing = into.tasks.get(id);
		into.tasks.set(id, existing ? { ...change, created: existing.created || change.created } : { ...change });
	}
}
