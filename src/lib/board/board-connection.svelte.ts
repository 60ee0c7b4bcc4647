import { Awareness } from 'y-protocols/awareness';
import * as authProtocol from 'y-protocols/auth';
import * as syncProtocol from 'y-protocols/sync';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { holdBackgroundWork } from '$lib/background-work';
import { m } from '$lib/i18n';
import { applyArrivedUpdate } from './arrived-update';
import { closeBoard, openBoard } from './board-preload';
import { noteBoardEdit, noteBoardSynced } from '$lib/offline/sync-status.svelte';
import { LocalCopy, boardCopyName } from './local-copy';
import { deleteDatabase } from '$lib/offline/device-data';

/** What the header shows: live, catching up, or working offline. */
export type ConnectionState = 'live' | 'syncing' | 'offline';

export interface PresenceUser {
	id: string;
	name: string;
	color: string;
}

/** One other browser on the board: who, and the card they are dragging. */
export interface Peer {
	clientId: number;
	user: PresenceUser;
	holding: string | null;
}

/** The server's reason for reverting one of our updates. */
export interface Refusal {
	key: number;
	rule: string;
	entity: string;
	id: string;
	message: string;
	/** When it arrived (ms), to tie a board-wide refusal to the card just moved. */
	at: number;
}

const messageSync = 0;
const messageAuth = 2;
const refusalShownMs = 7000;
/** The server rebuilt the board in a new epoch (docs/BOARD-DOCUMENT.md, "Epochs"): this copy's edits were carried. */
const closeRebuilt = 4510;
/** ...while this copy was away longer than the server keeps old epochs: its edits could not be carried. */
const closeTooOld = 4410;
/** Set before the page reloads after a 4410, so the reloaded board tells the person. */
const tooOldNoticeKey = (pipelineId: string) => `voronka.boardTooOld.${pipelineId}`;

function parseRefusal(reason: string, key: number): Refusal {
	try {
		const body = JSON.parse(reason) as Partial<Refusal>;
		return {
			key,
			at: Date.now(),
			rule: String(body.rule ?? 'refused'),
			entity: String(body.entity ?? 'board'),
			id: String(body.id ?? ''),
			message: String(body.message ?? m.board_refused_change())
		};
	} catch {
		return { key, at: Date.now(), rule: 'refused', entity: 'board', id: '', message: reason || m.board_refused_change() };
	}
}

/**
 * The live copy of one pipeline's board document in this browser: loaded
 * from IndexedDB at once (the board opens instantly and works offline),
 * kept in sync with the server over the stock y-websocket protocol, with
 * presence over awareness. Nothing here knows about the UI.
 */
export class BoardConnection {
	readonly doc: Y.Doc;
	readonly awareness: Awareness;

	/** True once the local copy from IndexedDB is loaded (it may be empty). */
	loadedLocally = $state(false);
	/** True once the server's state has been merged at least once on this page. */
	syncedOnce = $state(false);
	state = $state<ConnectionState>('syncing');
	peers = $state<Peer[]>([]);
	refusals = $state<Refusal[]>([]);

	#pipelineId: string;
	#localCopy: LocalCopy;
	/** Made once the local copy is loaded (see the constructor). */
	#provider: WebsocketProvider | null = null;
	#refusalKey = 0;
	#destroyed = false;
	/** This device's edits since the socket last connected: a rebuilt board's copy is dropped only when there are none. */
	#editsThisConnection = 0;
	#movingToRebuilt = false;
	/** This device's own edits while the server cannot hear them: counted for the top bar (see #watch). */
	#noteEdit = (_update: Uint8Array, origin: unknown) => {
		if (origin === this.#provider || origin instanceof LocalCopy) return;
		this.#editsThisConnection += 1;
		if (this.state === 'live') return;
		noteBoardEdit(this.#pipelineId);
	};
	#cleanups: Array<() => void> = [];
	#releaseBackground: () => void;

	constructor(pipelineId: string, user: PresenceUser) {
		// Marks on the page's timeline, for profiles and the browser benchmark.
		performance.mark('board:open');
		this.#pipelineId = pipelineId;
		// The route may have started loading the local copy already (board-preload.ts).
		const preloaded = openBoard(pipelineId);
		this.doc = preloaded?.doc ?? new Y.Doc();
		this.#localCopy = preloaded?.localCopy ?? new LocalCopy(boardCopyName(pipelineId), this.doc);
		this.awareness = new Awareness(this.doc);
		this.awareness.setLocalState({ user, holding: null });
		// Badges and other background requests wait until the board has synced:
		// on a single-connection embedded database a slow one would hold up the
		// websocket's sign-in check, and so the board's first cards.
		this.#releaseBackground = holdBackgroundWork();
		// The websocket comes after the local copy: the first sync then asks the
		// server only for what this device lacks, and the provider's update
		// listener is not there yet while the stored board is applied.
		void this.#localCopy.loaded.then(() => {
			if (this.#destroyed) return;
			performance.mark('board:local-loaded');
			this.loadedLocally = true;
			this.#provider = this.#openProvider();
			if (navigator.onLine) this.#provider.connect();
			else this.#releaseBackground();
			this.#updateState();
		});
		this.#watch();
		this.#showTooOldNotice();
	}

	/** Tells the others which card this browser is dragging (null: none). */
	setHolding(dealId: string | null): void {
		if (this.awareness.getLocalState()?.holding === dealId) return;
		this.awareness.setLocalStateField('holding', dealId);
	}

	dismissRefusal(key: number): void {
		this.refusals = this.refusals.filter((refusal) => refusal.key !== key);
	}

	destroy(): void {
		this.#destroyed = true;
		closeBoard(this.#pipelineId);
		this.#releaseBackground();
		for (const cleanup of this.#cleanups) cleanup();
		this.awareness.setLocalState(null);
		this.#provider?.destroy();
		this.awareness.destroy();
		this.#localCopy.destroy();
		this.doc.destroy();
	}

	#refused(reason: string): void {
		const refusal = parseRefusal(reason, ++this.#refusalKey);
		this.refusals = [...this.refusals.slice(-4), refusal];
		const timer = setTimeout(() => this.dismissRefusal(refusal.key), refusalShownMs);
		this.#cleanups.push(() => clearTimeout(timer));
	}

	/**
	 * The server rebuilt the board (4510) after carrying what this copy had
	 * and it lacked. An edit made since this connection opened may not have
	 * been carried (it can cross the close): then the provider reconnects,
	 * which carries it, and the server says 4510 again. With none, the copy
	 * holds nothing unsaved: it is deleted and the page loads the new board.
	 * A copy too old to carry (4410) is dropped too, and the person told.
	 */
	#serverClosed(code: number): void {
		if (code === closeTooOld) void this.#moveToRebuiltBoard(true);
		else if (code === closeRebuilt && this.#editsThisConnection === 0) void this.#moveToRebuiltBoard(false);
	}

	async #moveToRebuiltBoard(tooOld: boolean): Promise<void> {
		if (this.#movingToRebuilt || this.#destroyed) return;
		this.#movingToRebuilt = true;
		this.#provider?.disconnect();
		this.#localCopy.destroy();
		closeBoard(this.#pipelineId);
		await deleteDatabase(boardCopyName(this.#pipelineId));
		try {
			if (tooOld) sessionStorage.setItem(tooOldNoticeKey(this.#pipelineId), '1');
		} catch {
			// Not remembered: the board loads without the notice.
		}
		location.reload();
	}

	#showTooOldNotice(): void {
		try {
			if (sessionStorage.getItem(tooOldNoticeKey(this.#pipelineId)) === null) return;
			sessionStorage.removeItem(tooOldNoticeKey(this.#pipelineId));
		} catch {
			return;
		}
		this.refusals = [{ key: ++this.#refusalKey, at: Date.now(), rule: 'too-old', entity: 'board', id: '', message: m.board_copy_too_old() }];
	}

	#updateState(): void {
		const provider = this.#provider;
		if (provider?.wsconnected && provider.synced) this.state = 'live';
		else if (navigator.onLine && (!provider || provider.wsconnected || (provider.wsconnecting && !this.syncedOnce))) this.state = 'syncing';
		else this.state = 'offline';
	}

	#openProvider(): WebsocketProvider {
		const provider = new WebsocketProvider(`${location.origin.replace(/^http/, 'ws')}/sync`, this.#pipelineId, this.doc, {
			awareness: this.awareness,
			maxBackoffTime: 5000,
			connect: false,
			// Tabs share the board through the server and IndexedDB. The
			// BroadcastChannel would re-encode the whole board for every tab on
			// every connect: hundreds of milliseconds on a board of 5,000 deals.
			disableBc: true
		});
		// y-websocket's own handler, but what the server sends is applied
		// without Yjs encoding it again for the update listeners (arrived-update.ts).
		provider.messageHandlers[messageSync] = (encoder, decoder, provider, emitSynced) => {
			encoding.writeVarUint(encoder, messageSync);
			const type = decoding.readVarUint(decoder);
			if (type === syncProtocol.messageYjsSyncStep1) syncProtocol.readSyncStep1(decoder, encoder, this.doc);
			else if (type === syncProtocol.messageYjsSyncStep2 || type === syncProtocol.messageYjsUpdate) {
				const update = decoding.readVarUint8Array(decoder);
				try {
					applyArrivedUpdate(this.doc, update, provider, [provider._updateHandler, this.#noteEdit, this.#localCopy.storeUpdate]);
				} catch (error) {
					// As y-protocols does: an observer's error must not end the connection.
					console.error('Caught error while handling a Yjs update', error);
				}
				if (emitSynced && type === syncProtocol.messageYjsSyncStep2 && !provider.synced) provider.synced = true;
			} else throw new Error(`Unknown sync message type ${type}`);
		};
		// The server reverts a refused update and says why with the stock auth message.
		provider.messageHandlers[messageAuth] = (_encoder, decoder) => {
			authProtocol.readAuthMessage(decoder, this.doc, (_doc, reason) => this.#refused(reason));
		};
		const onStatus = ({ status }: { status: string }) => {
			if (status === 'connected') {
				performance.mark('board:connected');
				this.#editsThisConnection = 0;
			}
			this.#updateState();
		};
		const onClose = (event: CloseEvent | null) => {
			if (event) this.#serverClosed(event.code);
		};
		const onSync = (synced: boolean) => {
			if (synced && !this.syncedOnce) {
				performance.mark('board:synced');
				this.#releaseBackground();
			}
			if (synced) {
				this.syncedOnce = true;
				noteBoardSynced(this.#pipelineId);
			}
			this.#updateState();
		};
		provider.on('status', onStatus);
		provider.on('sync', onSync);
		provider.on('connection-close', onClose);
		this.#cleanups.push(() => {
			provider.off('status', onStatus);
			provider.off('sync', onSync);
			provider.off('connection-close', onClose);
		});
		return provider;
	}

	#watch(): void {
		// The browser knows before the socket does: a dead network can take the
		// socket 30 s to notice. Offline, stop trying; online, reconnect at once.
		const onOffline = () => {
			this.#provider?.disconnect();
			this.#releaseBackground();
			this.#updateState();
		};
		const onOnline = () => {
			this.#provider?.connect();
			this.#updateState();
		};
		const onPeers = () => this.#readPeers();
		// This device's own edits while the server cannot hear them: counted for
		// the top bar, and remembered so they are sent even if the page closes.
		this.doc.on('update', this.#noteEdit);
		this.awareness.on('change', onPeers);
		window.addEventListener('offline', onOffline);
		window.addEventListener('online', onOnline);
		this.#cleanups.push(() => {
			this.doc.off('update', this.#noteEdit);
			this.awareness.off('change', onPeers);
			window.removeEventListener('offline', onOffline);
			window.removeEventListener('online', onOnline);
		});
		this.#updateState();
	}

	#readPeers(): void {
		const peers: Peer[] = [];
		const self = this.doc.clientID;
		this.awareness.getStates().forEach((state, clientId) => {
			if (clientId === self) return;
			const user = state.user as PresenceUser | undefined;
			if (!user || typeof user.id !== 'string' || typeof user.name !== 'string') return;
			const holding = typeof state.holding === 'string' ? state.holding : null;
			peers.push({ clientId, user, holding });
		});
		this.peers = peers;
	}
}
