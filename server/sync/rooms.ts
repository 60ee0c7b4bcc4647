import type { Database } from '../db/client.js';
import { Health } from '../health.js';
import { findIdsOnOtherBoards, findBoardIdentity } from '../pipelines/board-ids.js';
import { projectBoard, readProjectionMark, type ProjectedHandovers } from '../pipelines/projection.js';
import { listMemberIds } from '../workspaces/member.js';
import { listFields } from '../fields/field-store.js';
import { listStageRulesOfPipeline, readTeamCalendar } from '../automation/stage-rule-store.js';
import { StageRuleLog } from '../automation/stage-rule-log.js';
import type { StageRuleTemplate } from '../../src/lib/model/stage-rules.js';
import type { StageRuleSet } from '../rules/stage-entry.js';
import type { Fanout, FanoutMessage } from './fanout.js';
import { defaultSyncLimits, type SyncLimits } from './limits.js';
import { createDocStore, defaultCompaction, type CompactionPolicy, type DocStore } from './persistence.js';
import { StoredPreview, type DeliverPreview } from './stored-preview.js';
import { ProjectionGate } from './projection-gate.js';
import { Room } from './room.js';
import { defaultEpochPolicy, type EpochPolicy } from './epochs.js';

export interface RoomManagerOptions {
	db: Database;
	now: () => Date;
	/** How long a room with nobody in it stays loaded. */
	unloadAfterMs?: number;
	/** Keep the relational projection (deals, tasks, stages tables) current; on by default. */
	project?: boolean;
	/** Other nodes (REDIS_URL); without it this node is alone. */
	fanout?: Fanout;
	/** The update log and snapshots; tests wrap it to inject faults. */
	store?: DocStore;
	health?: Health;
	limits?: SyncLimits;
	compaction?: CompactionPolicy;
	/** How long a board's persisted batches gather before one projection (see projection-follower.ts). */
	projectionDelayMs?: number;
	/** How many boards' projections run at once (projection-gate.ts); 1 on PGlite's single connection. */
	projectionWidth?: number;
	/** With other nodes: how often a room reads the update log for what pub/sub lost. */
	catchUpMs?: number;
	/** When a board's document is rebuilt into a new epoch; null: never. Not with other nodes (fanout). */
	epochs?: EpochPolicy | null;
	/** Called after each projection of a board commits: the workspace's live channel tells its clients. */
	onProjected?: (workspaceId: string, pipelineId: string, handovers: ProjectedHandovers) => void;
}

interface Entry {
	room: Promise<Room>;
	/** Set once loaded; until then other nodes' messages wait in `early`. */
	loaded: Room | null;
	early: FanoutMessage[];
	/** While it loads: the stored board for peers holding nothing (stored-preview.ts). */
	preview: StoredPreview;
	users: number;
	timer: NodeJS.Timeout | null;
}

/** How long shutdown waits for a room that cannot save (its database is down). */
const unloadTimeoutMs = 10_000;

/**
 * Loads each pipeline's room once, shares it among its users, and unloads it
 * a grace period after the last one leaves: memory follows the active rooms.
 */
export class RoomManager {
	private readonly rooms = new Map<string, Entry>();
	/** Rooms still writing their last snapshot: loading one again waits for it. */
	private readonly unloading = new Map<string, Promise<void>>();
	readonly health: Health;
	readonly limits: SyncLimits;
	private readonly store: DocStore;
	/** What the stage rules of this node's rooms did, written in order off the rooms' path. */
	readonly stageRuleLog: StageRuleLog;
	private readonly projectionGate: ProjectionGate;

	constructor(private readonly options: RoomManagerOptions) {
		this.health = options.health ?? new Health();
		this.limits = options.limits ?? defaultSyncLimits;
		// With several nodes a node may still hold an epoch another rebuilt: its appends are checked.
		this.store = options.store ?? createDocStore(options.db, { checkEpochs: Boolean(options.fanout) });
		this.stageRuleLog = new StageRuleLog(options.db);
		this.projectionGate = new ProjectionGate(options.projectionWidth ?? 1);
		options.fanout?.onMessage((message) => this.receive(message));
	}

	private receive(message: FanoutMessage): void {
		if (message.kind === 'members-changed') void this.refreshMembersHere(message.workspaceId);
		else if (message.kind === 'fields-changed') void this.refreshFieldsHere(message.workspaceId);
		else if (message.kind === 'stage-rules-changed') void this.refreshStageRulesHere(message.workspaceId);
		else if (message.kind === 'update' || message.kind === 'awareness') {
			const entry = this.rooms.get(message.docId);
			if (entry?.loaded) entry.loaded.applyRemote(message);
			else entry?.early.push(message);
		}
	}

	get loadedCount(): number {
		return this.rooms.size;
	}

	/** Resolves once the rooms being unloaded have written their last snapshot. */
	async unloaded(): Promise<void> {
		await Promise.all(this.unloading.values());
	}

	/** Takes a room for a user (a peer or a server-side writer); release it when done. */
	async acquire(docId: string): Promise<Room> {
		let entry = this.rooms.get(docId);
		if (!entry) {
			const created: Entry = { room: this.load(docId, () => created), loaded: null, early: [], preview: new StoredPreview(), users: 0, timer: null };
			entry = created;
			this.rooms.set(docId, entry);
			entry.room.catch(() => this.rooms.delete(docId));
		}
		entry.users += 1;
		if (entry.timer) {
			clearTimeout(entry.timer);
			entry.timer = null;
		}
		return entry.room;
	}

	/**
	 * A peer holding nothing asks for the stored board while its room loads
	 * (stored-preview.ts). `deliver` is called once the board is read, before
	 * the room integrates it, and not at all when the room is loaded already
	 * or the board is not previewed.
	 */
	preview(docId: string, deliver: DeliverPreview): void {
		const entry = this.rooms.get(docId);
		if (entry && !entry.loaded) entry.preview.ask(deliver);
	}

	/** Subscribes before reading the database, so nothing another node writes meanwhile is missed. */
	private async load(docId: string, entry: () => Entry): Promise<Room> {
		const { db, fanout } = this.options;
		await this.unloading.get(docId);
		await fanout?.joinRoom(docId);
		const identity = await findBoardIdentity(db, docId);
		if (!identity) throw new Error(`no pipeline ${docId}`);
		const project = this.options.project ?? true;
		const room = await Room.load({
			store: this.store,
			docId,
			workspaceId: identity.workspaceId,
			now: this.options.now,
			health: this.health,
			limits: this.limits,
			compaction: this.options.compaction ?? defaultCompaction,
			lookups: {
				idsOnOtherBoards: (ids) => findIdsOnOtherBoards(db, docId, ids),
				memberIds: () => listMemberIds(db, identity.workspaceId),
				dealFields: async () => new Map((await listFields(db, identity.workspaceId, { entity: 'deal' })).map((field) => [field.id, field])),
				stageRules: () => loadStageRuleSet(db, identity.workspaceId, docId)
			},
			stageRulesRan: (runs) => this.stageRuleLog.record(runs),
			project: project
				? async (board, scope) => {
						const handovers = await this.projectionGate.run(() => projectBoard(db, board, scope));
						this.options.onProjected?.(board.workspaceId, board.pipelineId, handovers);
					}
				: undefined,
			projectedUpTo: project ? await readProjectionMark(db, docId) : undefined,
			projectionDelayMs: this.options.projectionDelayMs,
			catchUpMs: this.options.catchUpMs,
			fanout,
			epochs: this.options.epochs === undefined ? defaultEpochPolicy : (this.options.epochs ?? undefined),
			retired: () => this.forget(docId, entry()),
			successor: (call) => this.withRoom(docId, call),
			storedRead: (stored) => entry().preview.read(stored)
		});
		const loaded = entry();
		for (const message of loaded.early.splice(0)) room.applyRemote(message);
		loaded.loaded = room;
		loaded.preview.end();
		return room;
	}

	/**
	 * A room rebuilt into a new epoch closed its peers and retired: the next
	 * user loads the board afresh. Its users release it without effect.
	 */
	private forget(docId: string, entry: Entry): void {
		if (this.rooms.get(docId) !== entry) return;
		this.rooms.delete(docId);
		if (entry.timer) clearTimeout(entry.timer);
	}

	/** Gives back a room taken with acquire; a retired room (rebuilt) is released to nobody. */
	release(docId: string, room?: Room): void {
		const entry = this.rooms.get(docId);
		if (!entry || (room && entry.loaded && entry.loaded !== room)) return;
		entry.users -= 1;
		if (entry.users > 0) return;
		entry.timer = setTimeout(() => void this.unload(docId), this.options.unloadAfterMs ?? 30_000);
		entry.timer.unref?.();
	}

	/** Runs a server-side change in a room, loading it for the duration if needed. */
	async withRoom<T>(docId: string, run: (room: Room) => Promise<T>): Promise<T> {
		const room = await this.acquire(docId);
		try {
			return await run(room);
		} finally {
			this.release(docId, room);
		}
	}

	private async unload(docId: string): Promise<void> {
		const entry = this.rooms.get(docId);
		if (!entry || entry.users > 0) return;
		this.rooms.delete(docId);
		const done = (async () => {
			const room = await entry.room.catch(() => null);
			await room?.unload().catch((error) => console.error(`room ${docId}: unload failed`, error));
		})();
		this.unloading.set(docId, done);
		await done;
		if (this.unloading.get(docId) === done) this.unloading.delete(docId);
		// Taken again meanwhile: that load subscribed anew and keeps the subscription.
		if (!this.rooms.has(docId)) await this.options.fanout?.leaveRoom(docId).catch(() => undefined);
	}

	/**
	 * Brings the projection of every loaded room of the workspace up to date
	 * now. A lookup that misses calls it before answering 404: a deal made on
	 * the board a moment ago may still be gathering (projection-follower.ts).
	 */
	async projectPending(workspaceIds: ReadonlySet<string>): Promise<void> {
		const rooms = [...this.rooms.values()].flatMap((entry) => (entry.loaded && workspaceIds.has(entry.loaded.workspaceId) ? [entry.loaded] : []));
		await Promise.all(rooms.map((room) => room.projected().catch(() => undefined)));
	}

	/** A workspace's members changed (joined, left): its rooms on every node look them up again. */
	async membersChanged(workspaceId: string): Promise<void> {
		this.options.fanout?.publish({ kind: 'members-changed', workspaceId });
		await this.refreshMembersHere(workspaceId);
	}

	private async refreshMembersHere(workspaceId: string): Promise<void> {
		for (const entry of this.rooms.values()) {
			const room = entry.loaded;
			if (room?.workspaceId === workspaceId) await room.refreshMembers().catch((error) => console.error(`room ${room.docId}: members`, error));
		}
	}

	/** A workspace's deal fields changed (added, retyped, archived): its rooms on every node look them up again. */
	async fieldsChanged(workspaceId: string): Promise<void> {
		this.options.fanout?.publish({ kind: 'fields-changed', workspaceId });
		await this.refreshFieldsHere(workspaceId);
	}

	private async refreshFieldsHere(workspaceId: string): Promise<void> {
		for (const entry of this.rooms.values()) {
			const room = entry.loaded;
			if (room?.workspaceId === workspaceId) await room.refreshFields().catch((error) => console.error(`room ${room.docId}: fields`, error));
		}
	}

	/**
	 * A workspace's stage rules, time zone or working hours changed: its rooms
	 * on every node reload them, so the next move uses them.
	 */
	async stageRulesChanged(workspaceId: string): Promise<void> {
		this.options.fanout?.publish({ kind: 'stage-rules-changed', workspaceId });
		await this.refreshStageRulesHere(workspaceId);
	}

	private async refreshStageRulesHere(workspaceId: string): Promise<void> {
		for (const entry of this.rooms.values()) {
			const room = entry.loaded;
			if (room?.workspaceId === workspaceId) await room.refreshStageRules().catch((error) => console.error(`room ${room.docId}: stage rules`, error));
		}
	}

	/** Flushes and snapshots every room: for shutdown. A room whose database is gone is given up after a while. */
	async closeAll(): Promise<void> {
		const ids = [...this.rooms.keys()];
		for (const entry of this.rooms.values()) if (entry.timer) clearTimeout(entry.timer);
		await Promise.all(
			ids.map(async (id) => {
				const entry = this.rooms.get(id)!;
				this.rooms.delete(id);
				const room = await entry.room.catch(() => null);
				if (!room) return;
				const timeout = new Promise<void>((resolve) => setTimeout(resolve, unloadTimeoutMs).unref?.());
				await Promise.race([room.unload().catch((error) => console.error(`room ${id}: unload failed`, error)), timeout]);
			})
		);
		// The log of what stage rules did while the rooms closed.
		await this.stageRuleLog.idle();
	}
}

/** A pipeline's enabled stage rules by stage, with the team's calendar. */
async function loadStageRuleSet(db: Database, workspaceId: string, pipelineId: string): Promise<StageRuleSet> {
	const [rules, calendar] = await Promise.all([listStageRulesOfPipeline(db, pipelineId), readTeamCalendar(db, workspaceId)]);
	const byStage = new Map<string, StageRuleTemplate[]>();
	for (const rule of rules) {
		if (!rule.enabled) continue;
		byStage.set(rule.stageId, [...(byStage.get(rule.stageId) ?? []), rule]);
	}
	return { byStage, calendar };
}
