import * as idb from 'lib0/indexeddb';
import * as Y from 'yjs';

const updatesStore = 'updates';
/** Past this many stored updates, they are merged into one (y-indexeddb's threshold). */
const compactAfter = 500;
const compactDelayMs = 1000;

export const boardCopyPrefix = 'voronka-board-';

/** The IndexedDB database of a board's copy on this device. */
export function boardCopyName(pipelineId: string): string {
	return `${boardCopyPrefix}${pipelineId}`;
}

/** IndexedDB stores typed arrays as they are; lib0's signature names only ArrayBuffer. */
const asStored = (update: Uint8Array) => update as unknown as ArrayBuffer;

/**
 * This device's copy of a board document in IndexedDB, in y-indexeddb's
 * layout (one database per board, an auto-keyed `updates` store of Yjs
 * updates), so copies saved by earlier versions of the app still load.
 *
 * Unlike y-indexeddb it applies the stored copy before it listens to the
 * document, and the caller connects the websocket only afterwards: with no
 * `update` listener Yjs does not encode the whole loaded board again as one
 * update event, which costs about a second on a board of 5,000 deals.
 */
export class LocalCopy {
	/**
	 * Resolves once the stored copy is in the document (it may have been
	 * empty); true if it held anything. Never rejects: where IndexedDB cannot
	 * be opened (a private window of some browsers, storage turned off) the
	 * board works online without a copy on this device.
	 */
	readonly loaded: Promise<boolean>;

	#doc: Y.Doc;
	#db: Promise<IDBDatabase>;
	#stored = 0;
	#compactTimer: ReturnType<typeof setTimeout> | undefined;
	#destroyed = false;
	/** IndexedDB failed to open: nothing is stored, and nothing is tried again. */
	#unavailable = false;
	/** Stores each update of the document but its own (on `update`, once the copy is loaded). */
	readonly storeUpdate = (update: Uint8Array, origin: unknown) => {
		if (origin === this || this.#unavailable) return;
		void this.#db.then((db) => {
			if (this.#destroyed) return;
			const [store] = idb.transact(db, [updatesStore]);
			void idb.addAutoKey(store!, asStored(update));
			if (++this.#stored >= compactAfter) this.#scheduleCompaction();
		});
	};

	constructor(name: string, doc: Y.Doc) {
		this.#doc = doc;
		this.#db = idb.openDB(name, (db) =>
			idb.createStores(db, [[updatesStore, { autoIncrement: true }], ['custom']])
		);
		this.loaded = this.#load().catch((error: unknown) => {
			console.warn('This board cannot be kept on this device (IndexedDB failed to open); it works online only.', error);
			this.#unavailable = true;
			return false;
		});
	}

	destroy(): void {
		this.#destroyed = true;
		clearTimeout(this.#compactTimer);
		this.#doc.off('update', this.storeUpdate);
		void this.#db.then((db) => db.close()).catch(() => undefined);
	}

	async #load(): Promise<boolean> {
		const db = await this.#db;
		const [store] = idb.transact(db, [updatesStore]);
		// Anything written before the copy loaded is kept too, as y-indexeddb does.
		if (this.#doc.store.clients.size > 0) void idb.addAutoKey(store!, asStored(Y.encodeStateAsUpdate(this.#doc)));
		const updates = (await idb.getAll(store!)) as Uint8Array[];
		if (this.#destroyed) return false;
		// One transaction: the board's observers see one change, not one per stored update.
		Y.transact(this.#doc, () => updates.forEach((update) => Y.applyUpdate(this.#doc, update)), this, false);
		this.#stored = updates.length;
		this.#doc.on('update', this.storeUpdate);
		if (updates.length >= compactAfter) this.#scheduleCompaction();
		return updates.length > 0;
	}

	#scheduleCompaction(): void {
		clearTimeout(this.#compactTimer);
		this.#compactTimer = setTimeout(() => void this.#compact(), compactDelayMs);
	}

	/**
	 * Replaces every stored update with the document's whole state, in one
	 * IndexedDB transaction. What another tab of this board stored meanwhile is
	 * applied first (as y-indexeddb does), so the merged state drops nothing.
	 */
	async #compact(): Promise<void> {
		const db = await this.#db;
		if (this.#destroyed) return;
		const [store] = idb.transact(db, [updatesStore]);
		const entries = (await idb.getAllKeysValues(store!)) as Array<{ k: number; v: Uint8Array }>;
		if (this.#destroyed || entries.length === 0) return;
		Y.transact(this.#doc, () => entries.forEach((entry) => Y.applyUpdate(this.#doc, entry.v)), this, false);
		const lastKey = Math.max(...entries.map((entry) => entry.k));
		await idb.addAutoKey(store!, asStored(Y.encodeStateAsUpdate(this.#doc)));
		await idb.del(store!, idb.createIDBKeyRangeUpperBound(lastKey, false));
		this.#stored = Number(await idb.count(store!));
	}
}
