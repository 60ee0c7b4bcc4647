import type { Database } from '../db/client.js';
import type { Fanout, FanoutMessage } from './fanout.js';
import { Room, type PersistedBatch } from './room.js';
import { boardMaps } from '../../src/lib/model/board.js';

export interface RoomManagerOptions {
	db: Database;
	now: () => Date;
	/** How long a room with nobody in it stays loaded. */
	unloadAfterMs?: number;
	afterPersist?: (room: Room, batch: PersistedBatch) => Promise<void>;
	/** Other nodes (REDIS_URL); without it this node is alone. */
	fanout?: Fanout;
}

interface Entry {
	room: Promise<Room>;
	/** Set once loaded; until then other nodes' messages wait in `early`. */
	loaded: Room | null;
	early: FanoutMessage[];
	users: number;
	timer: NodeJS.Timeout | null;
}

/**
 * Loads each pipeline's room once, shares it among its users, and unloads it
 * a grace period after the last one leaves: memory follows the active rooms.
 */
export class RoomManager {
	private readonly rooms = new Map<string, Entry>();

	constructor(private readonly options: RoomManagerOptions) {
		options.fanout?.onMessage((message) => this.receive(message));
	}

	private receive(message: FanoutMessage): void {
		if (message.kind === 'disconnect-user') void this.disconnectUserHere(message.userId, message.workspaceId);
		else if (message.kind === 'disconnect-all') void this.disconnectAllHere(message.docId);
		else {
			const entry = this.rooms.get(message.docId);
			if (entry?.loaded) entry.loaded.applyRemote(message);
			else entry?.early.push(message);
		}
	}

	get loadedCount(): number {
		return this.rooms.size;
	}

	/** Takes a room for a user (a peer or a server-side writer); release it when done. */
	async acquire(docId: string): Promise<Room> {
		let entry = this.rooms.get(docId);
		if (!entry) {
			const created: Entry = { room: this.load(docId, () => created), loaded: null, early: [], users: 0, timer: null };
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

	/** Subscribes before reading the database, so nothing another node writes meanwhile is missed. */
	private async load(docId: string, entry: () => Entry): Promise<Room> {
		const { fanout } = this.options;
		await fanout?.joinRoom(docId);
		const room = await Room.load({ db: this.options.db, docId, now: this.options.now, afterPersist: this.options.afterPersist, fanout });
		const loaded = entry();
		for (const message of loaded.early.splice(0)) room.applyRemote(message);
		loaded.loaded = room;
		return room;
	}

	release(docId: string): void {
		const entry = this.rooms.get(docId);
		if (!entry) return;
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
			this.release(docId);
		}
	}

	private async unload(docId: string): Promise<void> {
		const entry = this.rooms.get(docId);
		if (!entry || entry.users > 0) return;
		this.rooms.delete(docId);
		const room = await entry.room;
		await room.unload().catch((error) => console.error(`room ${docId}: unload failed`, error));
		// Taken again meanwhile: that load subscribed anew and keeps the subscription.
		if (!this.rooms.has(docId)) await this.options.fanout?.leaveRoom(docId).catch(() => undefined);
	}

	/**
	 * Closes the connections of a user to the boards of a workspace, on every
	 * node, after their role or access changed: they reconnect and are
	 * authorised afresh.
	 */
	async disconnectUser(userId: string, workspaceId: string): Promise<void> {
		this.options.fanout?.publish({ kind: 'disconnect-user', userId, workspaceId });
		await this.disconnectUserHere(userId, workspaceId);
	}

	/** Closes every connection of a room, on every node, e.g. after its access rules changed. */
	async disconnectAll(docId: string): Promise<void> {
		this.options.fanout?.publish({ kind: 'disconnect-all', docId });
		await this.disconnectAllHere(docId);
	}

	private async disconnectUserHere(userId: string, workspaceId: string): Promise<void> {
		for (const entry of this.rooms.values()) {
			const room = await entry.room.catch(() => null);
			if (!room || boardMaps(room.doc).meta.get('workspaceId') !== workspaceId) continue;
			for (const peer of [...room.peers.keys()]) {
				if (peer.writer.userId === userId) peer.close(4401, 'access changed');
			}
		}
	}

	private async disconnectAllHere(docId: string): Promise<void> {
		const entry = this.rooms.get(docId);
		const room = await entry?.room.catch(() => null);
		for (const peer of [...(room?.peers.keys() ?? [])]) peer.close(4401, 'access changed');
	}

	/** Flushes and snapshots every room: for shutdown. */
	async closeAll(): Promise<void> {
		const ids = [...this.rooms.keys()];
		for (const entry of this.rooms.values()) if (entry.timer) clearTimeout(entry.timer);
		await Promise.all(
			ids.map(async (id) => {
				const entry = this.rooms.get(id)!;
				this.rooms.delete(id);
				const room = await entry.room.catch(() => null);
				await room?.unload().catch((error) => console.error(`room ${id}: unload failed`, error));
			})
		);
	}
}
