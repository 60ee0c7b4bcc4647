import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { validateBoard, type Violation } from '../../src/lib/model/validate.js';
import { boardMaps } from '../../src/lib/model/board.js';
import { BoardUnavailable, RefusedChange } from '../board/refused-change.js';
import { TaskDealIndex } from '../board/task-index.js';
import type { Writer } from '../board/writer.js';
import type { Health } from '../health.js';
import type { BoardContext } from '../rules/check-change.js';
import type { CustomFieldDef } from '../../src/lib/model/fields.js';
import { noStageRules, type StageRuleOutcome, type StageRuleSet } from '../rules/stage-entry.js';
import type { StageRuleRun } from '../automation/stage-rule-log.js';
import { learnState, type KnownState } from '../rules/repair.js';
import { BoardGuard } from './board-guard.js';
import type { Fanout, FanoutMessage } from './fanout.js';
import type { SyncLimits } from './limits.js';
import { applyStoredDoc, RebuildOutdated, type CompactionPolicy, type DocStore, type StoredDoc } from './persistence.js';
import { countCarried, findClientEpoch, isRebuildDue, readCarriedEdits, rebuildDocument, writeCarriedEdits, type CarriedEdits, type EpochPolicy } from './epochs.js';
import { checkPresence } from './presence.js';
import type { ProjectedBoard, ProjectionScope } from '../pipelines/projection.js';
import { ProjectionFollower } from './projection-follower.js';
import { FullStateAnswer } from './full-state.js';
import { holdsNothing } from './stored-preview.js';
import { encodeAwareness, encodeRefusal, type Refusal, encodeSyncStep1, encodeSyncStep2, encodeUpdate } from './protocol.js';
import { inspectUpdate, type UpdateShape } from './update-shape.js';
import { WriteQueue, type PersistedBatch } from './write-queue.js';
import { UpdateCatchUp } from './catch-up.js';
import { renderText, t, type Text } from '../i18n/text.js';
import type { Locale } from '../i18n/locale.js';
import { m } from '../../src/lib/paraglide/messages.js';

/** One peer of a room: a websocket, or anything else that can take bytes. */
export interface Peer {
	writer: Writer;
	/** The language the peer is told refusals in; English when not known. */
	locale?: Locale;
	send(message: Uint8Array): void;
	close(code: number, reason: string): void;
}

/** What the room needs from the database besides the document. */
export interface BoardLookups {
	/** The ids among these that belong to another board. */
	idsOnOtherBoards(ids: { deals: string[]; tasks: string[] }): Promise<string[]>;
	memberIds(): Promise<Set<string>>;
	/** The workspace's active deal fields; without it a deal may carry no custom values. */
	dealFields?(): Promise<Map<string, CustomFieldDef>>;
	/** The pipeline's stage rules and the team's calendar; without it no stage makes tasks. */
	stageRules?(): Promise<StageRuleSet>;
}

export interface RoomOptions {
	store: DocStore;
	docId: string;
	workspaceId: string;
	now: () => Date;
	health: Health;
	limits: SyncLimits;
	compaction: CompactionPolicy;
	lookups: BoardLookups;
	/** Brings the relational projection up to date (see projection.ts). */
	project?: (board: ProjectedBoard, scope: ProjectionScope) => Promise<void>;
	projectedUpTo?: number;
	/** How long persisted batches gather before one projection (0: each at once). */
	projectionDelayMs?: number;
	/** Other nodes on the same database (REDIS_URL): accepted updates and presence are published to them. */
	fanout?: Fanout;
	/** With other nodes: how often the update log is read for updates pub/sub lost (see catch-up.ts). */
	catchUpMs?: number;
	/** What this room's stage rules did; called synchronously, so it must only queue its work. */
	stageRulesRan?: (runs: StageRuleRun[]) => void;
	/** When the document is rebuilt into a new epoch (epochs.ts); never without it, nor with other nodes. */
	epochs?: EpochPolicy;
	/** The room was rebuilt and closed: its manager forgets it, the next user loads the new epoch. */
	retired?: () => void;
	/** Runs a call on the room that now holds the board (a server change that met a rebuild). */
	successor?: <T>(call: (room: Room) => Promise<T>) => Promise<T>;
	/**
	 * The stored board as read, before the room integrates it: the manager
	 * sends it to peers holding nothing (stored-preview.ts); the room
	 * integrates once that has let the bytes leave.
	 */
	storedRead?: (stored: StoredDoc) => Promise<void>;
}

/**
 * What a peer sent the stored board while the room loaded holds: the state
 * vector of what was read, or why the room's content is not that (rebuilt in
 * a new epoch as it loaded, or stored changes dropped that could not
 * integrate).
 */
type ReadState = { stateVector: Uint8Array } | { stale: 'rebuilt' | 'dropped' };

/**
 * Close codes a peer may see (4000-4999 are the application's own). The stock
 * y-websocket client (3.x) reconnects on every code except 4400-4499, which
 * it takes as final; 4500-4599 means "try again".
 */
export const closeCodes = {
	/** The update was malformed or outside the schema: final, reconnecting would send it again. */
	refusedUpdate: 4400,
	/** Credentials or access changed: reconnect to be authorised afresh (refused at the upgrade if revoked). */
	accessChanged: 4501,
	/** The update built on changes the server does not have yet: reconnect and sync whole. */
	resync: 4509,
	/**
	 * The board was rebuilt in a new epoch and this copy's edits were carried
	 * into it: drop the copy and load the board again. (Peers connected while
	 * the board is rebuilt get 4509 first: they reconnect with their copy.)
	 */
	rebuilt: 4510,
	/** The board was rebuilt and this copy's epoch is no longer kept: final; its edits cannot be merged. */
	tooOld: 4410,
	/** Too many messages too fast: reconnect after a pause and sync whole. */
	rateLimited: 4529,
	/** The board cannot save right now: reconnect later, nothing is lost on the device. */
	unavailable: 1013
} as const;

interface PeerState {
	/** The presence client ids this peer carries. */
	controlled: Set<number>;
	/** What the peer is known to have seen (its sync requests and its own updates). */
	known: KnownState;
}

/** The origin of what another node sent: applied, shown, never persisted or published again. */
const remoteOrigin = Symbol('remote node');

/** How long an earlier epoch's frozen state stays in memory after the last copy carried against it. */
const frozenKeptMs = 60_000;

/** A peer holding an earlier epoch: its edits are carried into this one, then it is told to move. */
interface CarriedPeer {
	epoch: number;
}

/**
 * The live document of one pipeline and the peers editing it.
 *
 * A peer's update is inspected before it is integrated (update-shape.ts),
 * then applied under the board's rules (board-guard.ts), then persisted in
 * batches and only then broadcast (write-queue.ts), so whatever a peer has
 * seen is on disk. A peer's sync request is answered after pending writes
 * are flushed for the same reason.
 */
export class Room {
	readonly doc: Y.Doc;
	readonly awareness: awarenessProtocol.Awareness;
	private readonly peerStates = new Map<Peer, PeerState>();
	/**
	 * Peers of a rebuilt board whose epoch is not known yet: they are sent
	 * nothing and nothing they send is applied until their state vector says
	 * which epoch they hold (an old copy's structs must never reach this one).
	 */
	private readonly unclassified = new Set<Peer>();
	private readonly carried = new Map<Peer, CarriedPeer>();
	/** Carried updates one at a time: each is merged into the frozen state the next one reads. */
	private carrying: Promise<unknown> = Promise.resolve();
	private readonly frozenDocs = new Map<number, { doc: Y.Doc; lastUsed: number }>();
	private frozenSweep: NodeJS.Timeout | null = null;
	/** The document's epoch, its base client, and the base clients of the earlier epochs (newest first). */
	private readonly epoch: number;
	private readonly baseClient: number | null;
	private readonly earlierEpochs: Array<{ epoch: number; baseClient: number | null }>;
	/** Set while the document is rebuilt: changes wait, peers' updates are left to be carried. */
	private rebuilding: Promise<void> | null = null;
	private retired = false;
	/** Off for good when the board holds content outside the schema (never rewritten). */
	private rebuildable = true;
	/** The stored board as the room read it, for peers that were sent it while it loaded. */
	private readState: ReadState = { stale: 'dropped' };
	private readonly index: TaskDealIndex;
	/** The whole board, encoded once for the peers that hold nothing. */
	private readonly fullState: FullStateAnswer;
	private readonly guard: BoardGuard;
	private readonly queue: WriteQueue;
	private readonly projection: ProjectionFollower | null;
	/** With other nodes: recovers the updates pub/sub lost. */
	private readonly catchUp: UpdateCatchUp | null;
	private members: Set<string>;
	private dealFields = new Map<string, CustomFieldDef>();
	private stageRules: StageRuleSet = noStageRules;
	private unloaded = false;
	/** Resolves once the stored content has been checked (tests). */
	readonly contentCheck: Promise<void>;

	private constructor(
		private readonly options: RoomOptions,
		stored: StoredDoc,
		loaded: { doc: Y.Doc; dropped: boolean },
		members: Set<string>,
		earlierEpochs: Array<{ epoch: number; baseClient: number | null }>
	) {
		this.doc = loaded.doc;
		this.awareness = new awarenessProtocol.Awareness(this.doc);
		this.members = members;
		this.epoch = stored.epoch;
		this.baseClient = stored.baseClient;
		this.earlierEpochs = earlierEpochs;
		this.awareness.setLocalState(null);
		const dropped = loaded.dropped;
		this.index = TaskDealIndex.of(this.doc);
		this.fullState = new FullStateAnswer(this.doc);
		this.guard = new BoardGuard({
			doc: this.doc,
			index: this.index,
			context: () => this.context,
			now: options.now,
			accepted: (changes, writer) => this.queue.noteAccepted(changes, writer),
			log: (line, detail) => console.error(`room ${this.docId}: ${line}`, detail ?? ''),
			stageRules: () => this.stageRules,
			rulesRan: (outcomes) => this.reportStageRules(outcomes)
		});
		this.queue = new WriteQueue({
			store: options.store,
			docId: options.docId,
			compaction: options.compaction,
			health: options.health,
			now: options.now,
			lastUpdateId: stored.lastUpdateId,
			since: { updates: stored.updatesSinceSnapshot + (dropped ? 1 : 0), bytes: stored.bytesSinceSnapshot },
			epoch: stored.epoch,
			snapshot: () => this.snapshot(),
			persisted: (batch) => this.persisted(batch),
			snapshotWritten: (bytes) => this.considerRebuild(bytes),
			superseded: () => this.supersede()
		});
		const project = options.project;
		const board: ProjectedBoard = { pipelineId: options.docId, workspaceId: options.workspaceId, doc: this.doc };
		this.projection = project
			? new ProjectionFollower({
					name: `room ${options.docId}`,
					health: options.health,
					project: (scope) => project(board, scope),
					now: options.now,
					delayMs: options.projectionDelayMs
				})
			: null;
		this.catchUp = options.fanout
			? new UpdateCatchUp({
					store: options.store,
					docId: options.docId,
					horizon: stored.lastUpdateId,
					epoch: stored.epoch,
					superseded: () => this.supersede(),
					everyMs: options.catchUpMs ?? 2000,
					settleMs: 10_000,
					apply: (bytes) => this.guard.applyTrusted(bytes, remoteOrigin),
					failed: (error) => console.error(`room ${this.docId}: catching up with other nodes failed, will retry`, (error as Error).message)
				})
			: null;
		this.catchUp?.start();
		if (dropped) options.health.report(`room ${this.docId}: load`, 'dropped stored changes whose dependencies are missing');
		// Off the load path: a full schema check of a 10,000-deal board takes
		// hundreds of milliseconds and only feeds /healthz, while the first
		// peer waits for the room.
		this.contentCheck = new Promise((resolve) =>
			setImmediate(() => {
				if (!this.unloaded) this.reportInvalidContent();
				resolve();
			})
		);
		this.listen();
	}

	static async load(options: RoomOptions): Promise<Room> {
		const [loaded, members, dealFields, stageRules] = await Promise.all([
			options.store.loadDoc(options.docId),
			options.lookups.memberIds(),
			options.lookups.dealFields?.() ?? new Map<string, CustomFieldDef>(),
			options.lookups.stageRules?.() ?? noStageRules
		]);
		let stored = loaded;
		await options.storedRead?.(loaded);
		let applied = applyStored(stored);
		let readState: ReadState = applied.dropped ? { stale: 'dropped' } : { stateVector: Y.encodeStateVector(applied.doc) };
		let rebuildable = true;
		// A board whose history is due a rebuild is rebuilt before anyone joins here: no peer to move.
		// With several nodes the rows read are what it covers; another node's append meanwhile defers it.
		if (!applied.dropped && options.epochs) {
			const stateBytes = (stored.snapshot?.byteLength ?? 0) + stored.bytesSinceSnapshot;
			if (isRebuildDue(options.epochs, applied.doc, stateBytes)) {
				const covered = { ...stored, coveredIds: options.fanout ? stored.updateIds : null };
				const outcome = await storeRebuild(options, applied.doc, covered).catch((error: unknown) => {
					const message = (error as Error).message;
					if (error instanceof RebuildOutdated) console.info(`room ${options.docId}: rebuild deferred: ${message}`);
					else options.health.report(`room ${options.docId}: rebuild`, `cannot rebuild the board in a new epoch: ${message}`);
					return null;
				});
				if (outcome?.kind === 'rebuilt') {
					readState = { stale: 'rebuilt' };
					applied.doc.destroy();
					stored = outcome.next;
					applied = applyStored(stored);
				}
				if (outcome?.kind === 'not-rebuildable') rebuildable = false;
			}
		}
		const earlier = stored.epoch > 0 ? (await options.store.listEpochs(options.docId)).map(({ epoch, baseClient }) => ({ epoch, baseClient })) : [];
		const room = new Room(options, stored, applied, members, earlier);
		room.rebuildable = rebuildable;
		room.readState = readState;
		room.dealFields = dealFields;
		room.stageRules = stageRules;
		// A crash or a failed batch left the projection behind the log: project the whole board.
		if ((options.projectedUpTo ?? 0) < stored.lastUpdateId) room.projection?.catchUp(stored.lastUpdateId);
		return room;
	}

	get docId(): string {
		return this.options.docId;
	}

	get workspaceId(): string {
		return this.options.workspaceId;
	}

	private get context(): BoardContext {
		return { pipelineId: this.docId, workspaceId: this.options.workspaceId, members: this.members, dealFields: this.dealFields };
	}

	private listen(): void {
		this.doc.on('update', (update: Uint8Array, origin: unknown) => {
			this.fullState.changed();
			// Another node checked and persisted it already: only this node's peers need it.
			if (origin === remoteOrigin) this.broadcast(encodeUpdate(update), null);
			else if (origin !== 'load') this.queue.enqueue(update, origin);
		});
		this.awareness.on('update', ({ added, updated, removed }: AwarenessChange, origin: unknown) => {
			const changed = [...added, ...updated, ...removed];
			const state = this.peerStates.get(origin as Peer);
			if (state) {
				// A peer that sends a client's state carries it, also when that client
				// announced itself on another connection first.
				for (const id of [...added, ...updated]) state.controlled.add(id);
				for (const id of removed) state.controlled.delete(id);
			}
			this.broadcast(encodeAwareness(this.awareness, changed), null);
			if (origin !== remoteOrigin) {
				this.options.fanout?.publish({ kind: 'awareness', docId: this.docId, bytes: awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed) });
			}
		});
	}

	/** Logs what a board stored before today's checks holds outside the schema; the projection skips it. */
	private reportInvalidContent(): void {
		// A board not written yet (its first change is on the way) has nothing to check.
		if (this.doc.store.clients.size === 0) return;
		const foreign = [...this.doc.share.keys()].filter((name) => !['meta', 'stages', 'deals', 'tasks'].includes(name));
		const invalid = validateBoard(this.doc).filter((violation) => violation.rule === 'schema' || violation.rule === 'unknown-stage' || violation.rule === 'unknown-deal');
		if (foreign.length === 0 && invalid.length === 0) return;
		const parts = [...(foreign.length ? [`unknown top-level types ${foreign.join(', ')}`] : []), ...(invalid.length ? [`${invalid.length} invalid entities`] : [])];
		this.options.health.report(`room ${this.docId}: content`, `the stored board holds ${parts.join(' and ')}`);
	}

	// ---- peers and handshake ----

	/**
	 * Adds a peer and starts the sync handshake. On a rebuilt board the peer
	 * first says what it holds (its sync step 1, which a y-websocket client
	 * sends on connecting), so that a copy of an earlier epoch is carried
	 * instead of synced.
	 */
	join(peer: Peer): void {
		if (this.retired) return peer.close(closeCodes.resync, 'the board was rebuilt: reconnect');
		if (this.epoch > 0) this.unclassified.add(peer);
		else this.admit(peer);
	}

	private admit(peer: Peer): void {
		this.peerStates.set(peer, { controlled: new Set(), known: new Map() });
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
		this.unclassified.delete(peer);
		this.carried.delete(peer);
		const state = this.peerStates.get(peer);
		this.peerStates.delete(peer);
		if (!state || state.controlled.size === 0) return;
		const stillLive = new Set([...this.peerStates.values()].flatMap((other) => [...other.controlled]));
		const gone = [...state.controlled].filter((id) => !stillLive.has(id));
		if (gone.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, gone, null);
	}

	/**
	 * Answers a peer's sync request. `previewed`: the peer said it held
	 * nothing and was sent the stored board while the room loaded
	 * (stored-preview.ts); it holds that now.
	 */
	async answerSyncStep1(peer: Peer, requested: Uint8Array, previewed = false): Promise<void> {
		let stateVector = requested;
		if (previewed) {
			const read = this.readState;
			// Rebuilt: the copy is of the epoch just left, and reconnecting carries it (its edits, if any) like any
			// old copy. Dropped: the copy holds changes that can never integrate here; only a fresh copy is right.
			if ('stale' in read) {
				this.unclassified.delete(peer);
				return read.stale === 'rebuilt'
					? peer.close(closeCodes.resync, 'the board was rebuilt as it loaded: reconnect')
					: peer.close(closeCodes.rebuilt, 'the stored board was damaged: load it again');
			}
			stateVector = read.stateVector;
		}
		if (this.unclassified.delete(peer)) {
			// Decided at once, before any later message of the peer is handled.
			const held = findClientEpoch(Y.decodeStateVector(stateVector), { epoch: this.epoch, baseClient: this.baseClient }, this.earlierEpochs);
			if (held !== this.epoch) return this.startCarrying(peer, held);
			this.admit(peer);
		}
		const state = this.peerStates.get(peer);
		if (!state) return;
		learnState(state.known, Y.decodeStateVector(stateVector));
		await this.queue.flushed();
		if (!this.peerStates.has(peer)) return;
		if (holdsNothing(stateVector)) for (const message of this.fullState.answer()) peer.send(message);
		else peer.send(encodeSyncStep2(this.doc, stateVector));
	}

	/** Applies a peer's presence; answers what was wrong when it is not acceptable. */
	applyAwareness(peer: Peer, update: Uint8Array): string | null {
		const state = this.peerStates.get(peer);
		if (!state) return null;
		const checked = checkPresence(this.awareness, update, peer.writer.userId ?? '', state.controlled, this.options.limits);
		if (checked.problem !== null) return checked.problem;
		awarenessProtocol.applyAwarenessUpdate(this.awareness, checked.update, peer);
		return null;
	}

	sendAwareness(peer: Peer): void {
		// A peer not synced with this epoch (not yet classified, or carried) is told nothing of it.
		if (!this.peerStates.has(peer)) return;
		peer.send(encodeAwareness(this.awareness, [...this.awareness.getStates().keys()]));
	}

	/**
	 * Takes a peer's update: inspected before anything is integrated (a
	 * malformed one closes the connection, so an honest client resyncs
	 * whole), ids and people looked up when it creates or assigns, then
	 * applied under the rules. Refused parts are reported to the peer.
	 */
	async receiveUpdate(peer: Peer, update: Uint8Array): Promise<Violation[]> {
		const carried = this.carried.get(peer);
		if (carried) return this.carryUpdate(peer, carried, update);
		// Not a y-websocket client's order (it says what it holds first): sync whole.
		if (this.unclassified.has(peer)) return this.resync(peer, 'an update before the sync step 1 on a rebuilt board');
		const state = this.peerStates.get(peer);
		if (!state) return [];
		return this.applyUpdateOf(peer, state, update, () => this.acceptsWrites(peer));
	}

	private async applyUpdateOf(peer: Peer, state: PeerState, update: Uint8Array, accepts: () => boolean): Promise<Violation[]> {
		if (!accepts()) return [];
		let check = inspectUpdate(this.doc, update, this.options.limits);
		if (check.ok && this.needsLookup(check.shape)) {
			const problem = await this.lookUp(check.shape);
			if (problem) return this.refuseWhole(peer, problem);
			// The board moved on while the database answered: inspect again.
			if (!accepts()) return [];
			check = inspectUpdate(this.doc, update, this.options.limits);
		}
		if (!check.ok) return check.incomplete ? this.resync(peer, check.problem) : this.refuseWhole(peer, check.problem);
		const refused = this.guard.applyPeerUpdate(peer.writer, peer, state.known, update);
		learnState(state.known, Y.parseUpdateMeta(update).to);
		for (const violation of refused) {
			peer.send(encodeRefusal(refusalFor(violation, peer)));
		}
		return refused;
	}

	/**
	 * While the board cannot save, it takes no changes; the peer keeps them
	 * and sends them again on reconnect. While it is rebuilt, a peer's
	 * update is left unapplied: the peer is told to move right after, and
	 * its copy's edits are carried then.
	 */
	private acceptsWrites(peer: Peer): boolean {
		if (!this.peerStates.has(peer) || this.rebuilding || this.retired) return false;
		if (!this.queue.failing) return true;
		peer.close(closeCodes.unavailable, 'the board cannot save right now; reconnect later');
		return false;
	}

	private needsLookup(shape: UpdateShape): boolean {
		if (shape.created.deals.length + shape.created.tasks.length > 0) return true;
		for (const person of shape.people) if (!this.members.has(person)) return true;
		return false;
	}

	/** Ids must be new to the whole installation; people are looked up afresh when one is unknown. */
	private async lookUp(shape: UpdateShape): Promise<Text | null> {
		const { deals, tasks } = shape.created;
		const [elsewhere, members] = await Promise.all([
			deals.length + tasks.length > 0 ? this.options.lookups.idsOnOtherBoards({ deals, tasks }) : [],
			[...shape.people].some((person) => !this.members.has(person)) ? this.options.lookups.memberIds() : null
		]);
		if (members) this.members = members;
		if (elsewhere.length > 0) return t(m.rule_id_on_other_board, { id: elsewhere[0]!.slice(0, 64) });
		return null;
	}

	private refuseWhole(peer: Peer, problem: Text): Violation[] {
		const violation: Violation = { entity: 'board', id: '', rule: 'schema', message: t(m.rule_update_refused, { problem }) };
		peer.send(encodeRefusal(refusalFor(violation, peer)));
		// The close reason is for logs and tools, in English.
		peer.close(closeCodes.refusedUpdate, `update refused: ${renderText(problem, 'en')}`.slice(0, 120));
		return [violation];
	}

	/**
	 * An update that builds on changes the server lacks: never integrated.
	 * A client does this when it edits in the moment between reconnecting and
	 * sending its offline work, so it is not told off: the connection closes
	 * and its client resyncs whole, which sends both in order.
	 */
	private resync(peer: Peer, problem: string): Violation[] {
		peer.close(closeCodes.resync, 'resync: the update builds on changes the server does not have');
		return [{ entity: 'board', id: '', rule: 'schema', message: t(m.rule_update_not_applied, { problem }) }];
	}

	// ---- epochs (epochs.ts) ----

	/**
	 * A peer holding an earlier epoch: it is sent that epoch's frozen state
	 * vector, so its answer (sync step 2) is exactly what the frozen state
	 * lacks, its unsaved edits. It is sent nothing of this epoch.
	 */
	private startCarrying(peer: Peer, epoch: number): void {
		this.carried.set(peer, { epoch });
		void this.onCarryChain(async () => {
			const frozen = await this.frozenDoc(epoch);
			if (!frozen) return peer.close(closeCodes.tooOld, 'the board was rebuilt while this copy was away; load it afresh');
			if (this.carried.has(peer)) peer.send(encodeSyncStep1(frozen));
		}).catch((error) => this.failCarrying(peer, epoch, error));
	}

	/**
	 * Carries what an old-epoch peer sent: what it changes in the frozen
	 * state, entity by entity and field by field, is written to a copy of this
	 * epoch and applied as the peer's own update, through every check a live
	 * update meets (refusals are reported to it as usual). The update is then
	 * merged into the frozen state, so it is carried once, and the peer is
	 * told to move (4510).
	 */
	private carryUpdate(peer: Peer, carried: CarriedPeer, update: Uint8Array): Promise<Violation[]> {
		return this.onCarryChain(async () => {
			if (!this.carried.has(peer)) return [];
			const frozen = await this.frozenDoc(carried.epoch);
			if (!frozen) {
				peer.close(closeCodes.tooOld, 'the board was rebuilt while this copy was away; load it afresh');
				return [];
			}
			const edits = readCarriedEdits(frozen, update);
			let refused: Violation[] = [];
			if (countCarried(edits) > 0) {
				const applied = this.retired || this.rebuilding ? null : await this.applyCarried(peer, edits);
				if (applied === null) {
					// Not applied (the board is being rebuilt): the frozen state must not keep what was not carried.
					this.forgetFrozen(carried.epoch);
					return [];
				}
				refused = applied;
				await this.queue.flushed();
				await this.options.store.storeFrozenState(this.docId, carried.epoch, Y.encodeStateAsUpdate(frozen));
			}
			peer.close(closeCodes.rebuilt, 'the board was rebuilt: drop your copy and load it again');
			return refused;
		}).catch((error) => {
			this.failCarrying(peer, carried.epoch, error);
			return [];
		});
	}

	/** Writes carried edits to a copy of this epoch and applies the difference as the peer's update; null when not applied. */
	private async applyCarried(peer: Peer, edits: CarriedEdits): Promise<Violation[] | null> {
		const copy = new Y.Doc({ gc: true });
		Y.applyUpdate(copy, Y.encodeStateAsUpdate(this.doc));
		const base = Y.encodeStateVector(copy);
		copy.transact(() => writeCarriedEdits(copy, edits));
		const update = Y.encodeStateAsUpdate(copy, base);
		copy.destroy();
		// The peer has seen this epoch as the copy had it: repairs judge what it could not have seen from there.
		const state: PeerState = { controlled: new Set(), known: new Map(Y.decodeStateVector(base)) };
		let accepted = true;
		const refused = await this.applyUpdateOf(peer, state, update, () => (accepted = this.carried.has(peer) && !this.rebuilding && !this.retired));
		return accepted ? refused : null;
	}

	private onCarryChain<T>(run: () => Promise<T>): Promise<T> {
		const next = this.carrying.then(run, run);
		this.carrying = next.catch(() => undefined);
		return next;
	}

	/**
	 * An epoch's frozen state, kept while old copies are being carried (a
	 * stock client reconnects every few seconds with its copy, and each time
	 * only its answer is applied, not the whole frozen state again); null
	 * once it is no longer kept. Only the carry chain touches it.
	 */
	private async frozenDoc(epoch: number): Promise<Y.Doc | null> {
		const cached = this.frozenDocs.get(epoch);
		if (cached) {
			cached.lastUsed = Date.now();
			return cached.doc;
		}
		const state = await this.options.store.loadFrozenState(this.docId, epoch);
		if (!state) return null;
		const doc = new Y.Doc({ gc: true });
		Y.applyUpdate(doc, state);
		this.frozenDocs.set(epoch, { doc, lastUsed: Date.now() });
		this.frozenSweep ??= setInterval(() => this.sweepFrozen(), frozenKeptMs);
		this.frozenSweep.unref?.();
		return doc;
	}

	private sweepFrozen(): void {
		for (const [epoch, kept] of this.frozenDocs) if (Date.now() - kept.lastUsed >= frozenKeptMs) this.forgetFrozen(epoch);
		if (this.frozenDocs.size === 0 && this.frozenSweep) {
			clearInterval(this.frozenSweep);
			this.frozenSweep = null;
		}
	}

	private dropFrozenDocs(): void {
		this.forgetFrozen();
		if (this.frozenSweep) clearInterval(this.frozenSweep);
		this.frozenSweep = null;
	}

	private forgetFrozen(epoch?: number): void {
		for (const [kept, entry] of this.frozenDocs) {
			if (epoch !== undefined && kept !== epoch) continue;
			entry.doc.destroy();
			this.frozenDocs.delete(kept);
		}
	}

	private failCarrying(peer: Peer, epoch: number, error: unknown): void {
		console.error(`room ${this.docId}: carrying an earlier epoch's edits failed`, error);
		// What the frozen state took in may not be stored: read it again next time.
		this.forgetFrozen(epoch);
		// The peer keeps its copy and its edits; it is carried again when it reconnects.
		peer.close(1011, 'could not carry the edits of this copy; reconnect');
	}

	/** After a snapshot: a document whose history is due (epochs.ts) is rebuilt into a new epoch. */
	private considerRebuild(stateBytes: number): void {
		const policy = this.options.epochs;
		if (!policy || this.rebuilding || this.retired || !this.rebuildable) return;
		if (!isRebuildDue(policy, this.doc, stateBytes)) return;
		this.rebuilding = this.rebuildLive().finally(() => (this.rebuilding = null));
	}

	/**
	 * Rebuilds the live document: changes wait, what is queued is written,
	 * then the old epoch is frozen and the new one stored in one transaction.
	 * Every peer is then told to move (4510) and the room retires; the next
	 * user loads the new epoch, and a change that waited runs there.
	 */
	private async rebuildLive(): Promise<void> {
		await this.queue.drained();
		await this.projection?.idle();
		if (this.retired) return;
		const outcome = await (async () => {
			// With several nodes: what the others appended is taken in first, and those rows are what the rebuild covers.
			const coveredIds = this.options.fanout ? await this.takeInLog() : null;
			return storeRebuild(this.options, this.doc, { epoch: this.epoch, baseClient: this.baseClient, lastUpdateId: this.queue.lastUpdateId, coveredIds });
		})().catch((error: unknown) => {
			// Tried again after the next snapshot.
			const message = (error as Error).message;
			if (error instanceof RebuildOutdated) console.info(`room ${this.docId}: rebuild deferred: ${message}`);
			else this.options.health.report(`room ${this.docId}: rebuild`, `cannot rebuild the board in a new epoch, will retry: ${message}`);
			return null;
		});
		if (outcome?.kind === 'not-rebuildable') this.rebuildable = false;
		if (outcome?.kind !== 'rebuilt') return;
		this.retire('the board was rebuilt: reconnect');
	}

	/**
	 * Another node rebuilt the board into a later epoch (its update, the
	 * update log, or a refused append says so): this room retires like one
	 * that rebuilt itself. Nothing its peers sent since was written; they
	 * reconnect with their copies, whose edits are carried.
	 */
	private supersede(): void {
		if (this.retired) return;
		console.info(`room ${this.docId}: epoch ${this.epoch} left on another node; retiring`);
		this.retire('the board was rebuilt on another server: reconnect');
	}

	private retire(reason: string): void {
		this.retired = true;
		void this.catchUp?.stop();
		this.queue.close();
		this.projection?.close();
		// Not 4510: what a peer sent while the board was rebuilt was not applied. It
		// reconnects with its copy, whose edits are carried, and is told 4510 then.
		for (const peer of [...this.peerStates.keys(), ...this.unclassified, ...this.carried.keys()]) peer.close(closeCodes.resync, reason);
		this.peerStates.clear();
		this.unclassified.clear();
		this.carried.clear();
		this.unloaded = true;
		this.dropFrozenDocs();
		this.options.retired?.();
		this.awareness.destroy();
		this.doc.destroy();
	}

	/** The workspace's members changed: refresh who may own and be assigned. */
	async refreshMembers(): Promise<void> {
		this.members = await this.options.lookups.memberIds();
	}

	/** The workspace's deal fields changed: refresh what a deal's custom values may be. */
	async refreshFields(): Promise<void> {
		this.dealFields = (await this.options.lookups.dealFields?.()) ?? new Map();
	}

	/** The pipeline's stage rules or the team's calendar changed: the next move uses the new ones. */
	async refreshStageRules(): Promise<void> {
		this.stageRules = (await this.options.lookups.stageRules?.()) ?? noStageRules;
	}

	/** Hands what the stage rules did to the log, with the deal's title as it is now. */
	private reportStageRules(outcomes: StageRuleOutcome[]): void {
		const { deals } = boardMaps(this.doc);
		const at = this.options.now();
		for (const outcome of outcomes) {
			const reasons = outcome.violations.map((violation) => renderText(violation.message, 'en'));
			if (reasons.length > 0) console.error(`room ${this.docId}: stage rule ${outcome.planned.ruleId} refused: ${reasons.join('; ')}`);
		}
		this.options.stageRulesRan?.(
			outcomes.map((outcome) => {
				const title = deals.get(outcome.planned.task.dealId)?.get('title');
				return { ...outcome, workspaceId: this.workspaceId, pipelineId: this.docId, dealTitle: typeof title === 'string' ? title : null, at };
			})
		);
	}

	// ---- server-side changes ----

	/**
	 * A change made by the server (the REST API, a job) on behalf of a writer.
	 * Refused changes throw RefusedChange; accepted ones resolve once on disk
	 * and in the projection.
	 *
	 * `at` says when the change happened, for history written after the fact
	 * (sample data): the stage history records the moves at that time. The
	 * document's own times (createdAt, doneAt, closedAt) come from the clock
	 * the caller hands the model's commands; only the update log's times are
	 * the real ones.
	 */
	async change<T>(writer: Writer, run: (doc: Y.Doc) => T, options: { at?: Date } = {}): Promise<T> {
		if (this.rebuilding) await this.rebuilding;
		if (this.retired) {
			if (!this.options.successor) throw new BoardUnavailable(this.docId);
			return this.options.successor((room) => room.change(writer, run, options));
		}
		if (this.queue.failing) throw new BoardUnavailable(this.docId);
		const { result, violations } = this.guard.applyServerChange(writer, run, options.at);
		if (violations.length > 0) throw new RefusedChange(violations);
		const mark = this.queue.mark;
		// An API caller reads its own writes: wait for the projection too.
		await this.projected();
		// Refused on disk because another node rebuilt the board meanwhile: made again in the new epoch.
		if (!this.queue.landed(mark) && this.retired && this.options.successor) return this.options.successor((room) => room.change(writer, run, options));
		if (!this.queue.landed(mark)) throw new BoardUnavailable(this.docId);
		return result;
	}

	// ---- other nodes ----

	/** A message of another node about this room (REDIS_URL). */
	applyRemote(message: FanoutMessage): void {
		if (this.retired) return;
		if (message.kind === 'update') {
			if (message.epoch > this.epoch) return this.supersede();
			if (message.epoch < this.epoch) return;
			this.guard.applyTrusted(message.bytes, remoteOrigin);
			this.catchUp?.noteSeen(message.updateId);
		}
		else if (message.kind === 'awareness') awarenessProtocol.applyAwarenessUpdate(this.awareness, message.bytes, remoteOrigin);
	}

	// ---- persistence ----

	private persisted(batch: PersistedBatch): void {
		this.broadcast(encodeUpdate(batch.update), batch.soleAuthor);
		this.options.fanout?.publish({ kind: 'update', docId: this.docId, bytes: batch.update, updateId: batch.updateId, epoch: this.epoch });
		this.catchUp?.noteSeen(batch.updateId);
		// The projection runs in its own queue: a slow report table never delays the next broadcast.
		this.projection?.follow(batch);
	}

	/** The state to snapshot. With other nodes writing the same document, it must hold theirs too. */
	private async snapshot(): Promise<{ state: Uint8Array; lastUpdateId: number; coveredIds: number[] | null }> {
		const coveredIds = this.options.fanout ? await this.takeInLog() : null;
		this.catchUp?.noteOwnSnapshot(this.queue.lastUpdateId);
		return { state: Y.encodeStateAsUpdate(this.doc), lastUpdateId: this.queue.lastUpdateId, coveredIds };
	}

	/**
	 * With several nodes: integrates every row of the log (others' appends
	 * may not have arrived over pub/sub yet) and returns their ids. A row of a
	 * later epoch means another node rebuilt the board: the room retires.
	 */
	private async takeInLog(): Promise<number[]> {
		const rows = await this.options.store.loadUpdatesOf(this.docId);
		if (this.retired) throw new Error('the room retired');
		if (rows.some((row) => row.epoch > this.epoch)) {
			this.supersede();
			throw new Error(`the board left epoch ${this.epoch} on another node`);
		}
		const mine = rows.filter((row) => row.epoch === this.epoch);
		for (const { id, bytes } of mine) {
			this.guard.applyTrusted(bytes, remoteOrigin);
			this.queue.noteStored(id);
			this.catchUp?.noteSeen(id);
		}
		return mine.map((row) => row.id);
	}

	/** Writes a snapshot now (tests, unload). */
	compact(): Promise<void> {
		return this.queue.compact();
	}

	flushed(): Promise<void> {
		return this.queue.flushed();
	}

	/** Resolves when the projection has caught up with everything flushed so far. */
	async projected(): Promise<void> {
		await this.queue.flushed();
		await this.projection?.idle();
	}

	private broadcast(message: Uint8Array, except: unknown): void {
		for (const peer of this.peerStates.keys()) if (peer !== except) peer.send(message);
	}

	/** Reads the update log for what other nodes wrote and this one missed; resolves with how much it took in. */
	catchUpWithNodes(): Promise<number> {
		return this.catchUp?.run() ?? Promise.resolve(0);
	}

	/** Flushes, snapshots and frees the document. */
	async unload(): Promise<void> {
		await this.rebuilding;
		if (this.retired) return;
		await this.catchUp?.stop();
		await this.projected();
		await this.compact();
		this.queue.close();
		this.projection?.close();
		for (const peer of [...this.peerStates.keys(), ...this.unclassified, ...this.carried.keys()]) peer.close(1001, 'room unloaded');
		this.unloaded = true;
		this.dropFrozenDocs();
		this.awareness.destroy();
		this.doc.destroy();
	}
}

type AwarenessChange = { added: number[]; updated: number[]; removed: number[] };

type RebuildOutcome = { kind: 'rebuilt'; next: StoredDoc } | { kind: 'not-rebuildable' };

/** A stored document applied to a new Y.Doc; parts that cannot integrate (stored before updates were inspected) are dropped. */
function applyStored(stored: StoredDoc): { doc: Y.Doc; dropped: boolean } {
	const doc = new Y.Doc({ gc: true });
	if (!stored.snapshot && stored.updates.length === 0) return { doc, dropped: false };
	applyStoredDoc(doc, stored, 'load');
	// What cannot integrate now never will.
	const dropped = doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
	doc.store.pendingStructs = null;
	doc.store.pendingDs = null;
	return { doc, dropped };
}

/**
 * Writes the document's content once into a new epoch and stores it, the
 * old epoch frozen. A board with content outside the schema is never
 * rebuilt (such content is reported, not rewritten).
 */
async function storeRebuild(
	options: RoomOptions,
	doc: Y.Doc,
	current: { epoch: number; baseClient: number | null; lastUpdateId: number; coveredIds: number[] | null }
): Promise<RebuildOutcome> {
	const next = rebuildDocument(doc);
	if (!next) {
		options.health.report(`room ${options.docId}: rebuild`, 'the board holds content outside the schema and is not rebuilt');
		return { kind: 'not-rebuildable' };
	}
	const frozenState = Y.encodeStateAsUpdate(doc);
	const nextState = Y.encodeStateAsUpdate(next);
	const nextBaseClient = next.clientID;
	next.destroy();
	const { epoch, baseClient, lastUpdateId, coveredIds } = current;
	await options.store.rebuildEpoch(options.docId, { epoch, baseClient, lastUpdateId, coveredIds, frozenState, nextState, nextBaseClient });
	options.health.clear(`room ${options.docId}: rebuild`);
	console.info(`room ${options.docId}: rebuilt in epoch ${current.epoch + 1}: ${frozenState.byteLength} bytes -> ${nextState.byteLength}`);
	return {
		kind: 'rebuilt',
		next: {
			snapshot: nextState,
			updates: [],
			updateIds: [],
			state: nextState,
			lastUpdateId: current.lastUpdateId,
			updatesSinceSnapshot: 0,
			bytesSinceSnapshot: 0,
			epoch: current.epoch + 1,
			baseClient: nextBaseClient
		}
	};
}

/** A violation as the peer is told it: the reason in the peer's language. */
function refusalFor(violation: Violation, peer: Peer): Refusal {
	const { rule, entity, id } = violation;
	return { type: 'refused', rule, entity, id, message: renderText(violation.message, peer.locale ?? 'en') };
}
