import { IndexeddbPersistence } from 'y-indexeddb';
import * as authProtocol from 'y-protocols/auth';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

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

const messageAuth = 2;
const refusalShownMs = 7000;

function parseRefusal(reason: string, key: number): Refusal {
	try {
		const body = JSON.parse(reason) as Partial<Refusal>;
		return {
			key,
			at: Date.now(),
			rule: String(body.rule ?? 'refused'),
			entity: String(body.entity ?? 'board'),
			id: String(body.id ?? ''),
			message: String(body.message ?? 'The server refused this change.')
		};
	} catch {
		return { key, at: Date.now(), rule: 'refused', entity: 'board', id: '', message: reason || 'The server refused this change.' };
	}
}

/**
 * The live copy of one pipeline's board document in this browser: loaded
 * from IndexedDB at once (the board opens instantly and works offline),
 * kept in sync with the server over the stock y-websocket protocol, with
 * presence over awareness. Nothing here knows about the UI.
 */
export class BoardConnection {
	readonly doc = new Y.Doc();
	readonly provider: WebsocketProvider;
	readonly persistence: IndexeddbPersistence;

	/** True once the local copy from IndexedDB is loaded (it may be empty). */
	loadedLocally = $state(false);
	/** True once the server's state has been merged at least once on this page. */
	syncedOnce = $state(false);
	state = $state<ConnectionState>('syncing');
	peers = $state<Peer[]>([]);
	refusals = $state<Refusal[]>([]);

	#refusalKey = 0;
	#destroyed = false;
	#cleanups: Array<() => void> = [];

	constructor(pipelineId: string, user: PresenceUser) {
		this.persistence = new IndexeddbPersistence(`voronka-board-${pipelineId}`, this.doc);
		this.provider = new WebsocketProvider(`${location.origin.replace(/^http/, 'ws')}/sync`, pipelineId, this.doc, {
			maxBackoffTime: 5000,
			connect: false,
			// Tabs share the board through the server and IndexedDB. The
			// BroadcastChannel would re-encode the whole board for every tab on
			// every connect: hundreds of milliseconds on a board of 5,000 deals.
			disableBc: true
		});
		// Connect once the local copy is loaded: the first sync then asks the
		// server only for what this device lacks, not for the whole board again.
		this.persistence.whenSynced.then(() => {
			if (this.#destroyed) return;
			this.loadedLocally = true;
			if (navigator.onLine) this.provider.connect();
			this.#updateState();
		});
		// The server reverts a refused update and says why with the stock auth message.
		this.provider.messageHandlers[messageAuth] = (_encoder, decoder) => {
			authProtocol.readAuthMessage(decoder, this.doc, (_doc, reason) => this.#refused(reason));
		};
		this.provider.awareness.setLocalState({ user, holding: null });
		this.#watch();
	}

	/** Tells the others which card this browser is dragging (null: none). */
	setHolding(dealId: string | null): void {
		if (this.provider.awareness.getLocalState()?.holding === dealId) return;
		this.provider.awareness.setLocalStateField('holding', dealId);
	}

	dismissRefusal(key: number): void {
		this.refusals = this.refusals.filter((refusal) => refusal.key !== key);
	}

	destroy(): void {
		this.#destroyed = true;
		for (const cleanup of this.#cleanups) cleanup();
		this.provider.awareness.setLocalState(null);
		this.provider.destroy();
		this.persistence.destroy();
		this.doc.destroy();
	}

	#refused(reason: string): void {
		const refusal = parseRefusal(reason, ++this.#refusalKey);
		this.refusals = [...this.refusals.slice(-4), refusal];
		const timer = setTimeout(() => this.dismissRefusal(refusal.key), refusalShownMs);
		this.#cleanups.push(() => clearTimeout(timer));
	}

	#updateState(): void {
		const provider = this.provider;
		if (provider.wsconnected && provider.synced) this.state = 'live';
		else if (navigator.onLine && (!this.loadedLocally || provider.wsconnected || (provider.wsconnecting && !this.syncedOnce))) this.state = 'syncing';
		else this.state = 'offline';
	}

	#watch(): void {
		const provider = this.provider;
		const onStatus = () => this.#updateState();
		const onSync = (synced: boolean) => {
			if (synced) this.syncedOnce = true;
			this.#updateState();
		};
		// The browser knows before the socket does: a dead network can take the
		// socket 30 s to notice. Offline, stop trying; online, reconnect at once.
		const onOffline = () => {
			provider.disconnect();
			this.#updateState();
		};
		const onOnline = () => {
			if (this.loadedLocally) provider.connect();
			this.#updateState();
		};
		const onPeers = () => this.#readPeers();
		provider.on('status', onStatus);
		provider.on('sync', onSync);
		provider.awareness.on('change', onPeers);
		window.addEventListener('offline', onOffline);
		window.addEventListener('online', onOnline);
		this.#cleanups.push(() => {
			provider.off('status', onStatus);
			provider.off('sync', onSync);
			provider.awareness.off('change', onPeers);
			window.removeEventListener('offline', onOffline);
			window.removeEventListener('online', onOnline);
		});
		this.#updateState();
	}

	#readPeers(): void {
		const peers: Peer[] = [];
		const self = this.doc.clientID;
		this.provider.awareness.getStates().forEach((state, clientId) => {
			if (clientId === self) return;
			const user = state.user as PresenceUser | undefined;
			if (!user || typeof user.id !== 'string' || typeof user.name !== 'string') return;
			const holding = typeof state.holding === 'string' ? state.holding : null;
			peers.push({ clientId, user, holding });
		});
		this.peers = peers;
	}
}
