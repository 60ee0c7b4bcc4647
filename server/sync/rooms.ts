import type { Database } from '../db/client.js';
import { Room, type PersistedBatch } from './room.js';

export interface RoomManagerOptions {
	db: Database;
	now: () => Date;
	/** How long a room with nobody in it stays loaded. */
	unloadAfterMs?: number;
	afterPersist?: (room: Room, batch: PersistedBatch) => Promise<void>;
}

/**
 * Loads each pipeline's room once, shares it among its users, and unloads it
 * a grace period after the last one leaves: memory follows the active rooms.
 */
export class RoomManager {
	private readonly rooms = new Map<string, { room: Promise<Room>; users: number; timer: NodeJS.Timeout | null }>();

	constructor(private readonly options: RoomManagerOptions) {}

	get loadedCount(): number {
		return this.rooms.size;
	}

	/** Takes a room for a user (a peer or a server-side writer); release it when done. */
	async acquire(docId: string): Promise<Room> {
		let entry = this.rooms.get(docId);
		if (!entry) {
			const room = Room.load({ db: this.options.db, docId, now: this.options.now, afterPersist: this.options.afterPersist });
			entry = { room, users: 0, timer: null };
			this.rooms.set(docId, entry);
			room.catch(() => this.rooms.delete(docId));
		}
		entry.users += 1;
		if (entry.timer) {
			clearTimeout(entry.timer);
			entry.timer = null;
		}
		return entry.room;
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
	}

	/**
	 * Closes the connections of a user in the rooms of a workspace, after their
	 * role or access changed: they reconnect and are authorised afresh.
	 */
	async disconnectUser(userId: string, where: (room: Room) => boolean): Promise<void> {
		for (const entry of this.rooms.values()) {
			const room = await entry.room.catch(() => null);
			if (!room || !where(room)) continue;
			for (const peer of [...room.peers.keys()]) {
				if (peer.writer.userId === userId) peer.close(4401, 'access changed');
			}
		}
	}

	/** Closes every connection of a room, e.g. after its access rules changed. */
	async disconnectAll(docId: string): Promise<void> {
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
