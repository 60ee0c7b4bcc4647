// y-websocket protocol clients for load generators, lighter than the stock
// WebsocketProvider (no awareness timers, no reconnect loop of their own):
// a decoding client keeps a Y.Doc and applies every update; a passive
// socket completes the handshake and then only counts the bytes it gets.
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';

const messageSync = 0;
const messageAuth = 2;

/** Where a board's socket goes: Voronka's /sync/<board>?token=… or the reference's /<room>. */
export interface SyncTarget {
	kind: 'voronka' | 'reference';
	socketUrl(board: string): string;
}

export function voronkaTarget(baseUrl: string, token: string): SyncTarget {
	const ws = baseUrl.replace(/^http/, 'ws');
	return { kind: 'voronka', socketUrl: (board) => `${ws}/sync/${board}?token=${encodeURIComponent(token)}` };
}

export function referenceTarget(baseUrl: string): SyncTarget {
	const ws = baseUrl.replace(/^http/, 'ws');
	return { kind: 'reference', socketUrl: (board) => `${ws}/${board}` };
}

const emptyUpdate = Y.encodeStateAsUpdate(new Y.Doc());

function syncStep1(doc: Y.Doc | null): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, messageSync);
	if (doc) syncProtocol.writeSyncStep1(encoder, doc);
	else {
		encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep1);
		encoding.writeVarUint8Array(encoder, Y.encodeStateVector(new Y.Doc()));
	}
	return encoding.toUint8Array(encoder);
}

function updateMessage(update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, messageSync);
	syncProtocol.writeUpdate(encoder, update);
	return encoding.toUint8Array(encoder);
}

const passiveStep2 = (() => {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, messageSync);
	encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2);
	encoding.writeVarUint8Array(encoder, emptyUpdate);
	return encoding.toUint8Array(encoder);
})();

/**
 * One socket on one board. With a doc it is a full client: local changes are
 * sent, received updates applied (so the doc's own events time arrival);
 * without one it is passive. `connect()` resolves when the server's sync
 * step 2 arrived (the handshake is complete); it may be called again after
 * a drop, and a doc client then syncs with its existing state both ways.
 */
export class SyncClient {
	socket: WebSocket | null = null;
	synced = false;
	bytesReceived = 0;
	messagesReceived = 0;
	/** Updates the server refused (Voronka reports them with the auth message). */
	refusals = 0;
	closes = 0;
	/** Why the server closed this socket, by close code and reason, counted. */
	readonly closeReasons = new Map<string, number>();
	private readonly onLocalUpdate = (update: Uint8Array, origin: unknown) => {
		if (origin === this || !this.socket || this.socket.readyState !== WebSocket.OPEN) return;
		this.socket.send(updateMessage(update));
	};

	constructor(
		readonly url: string,
		readonly doc: Y.Doc | null
	) {
		doc?.on('update', this.onLocalUpdate);
	}

	connect(timeoutMs = 30_000): Promise<void> {
		this.synced = false;
		const socket = new WebSocket(this.url, { perMessageDeflate: false });
		socket.binaryType = 'nodebuffer';
		this.socket = socket;
		return new Promise<void>((resolve, reject) => {
			const timer = setTimeout(() => fail(new Error(`no sync within ${timeoutMs} ms on ${this.url.replace(/token=[^&]+/, 'token=…')}`)), timeoutMs);
			const fail = (error: Error) => {
				clearTimeout(timer);
				reject(error);
			};
			socket.on('open', () => socket.send(syncStep1(this.doc)));
			socket.on('error', (error) => fail(error));
			socket.on('close', (code: number, reason: Buffer) => {
				this.closes += 1;
				const why = `${code} ${reason.toString()}`.trim();
				this.closeReasons.set(why, (this.closeReasons.get(why) ?? 0) + 1);
				if (this.socket === socket) this.synced = false;
				fail(new Error('closed before sync'));
			});
			socket.on('message', (data: Buffer) => {
				this.bytesReceived += data.byteLength;
				this.messagesReceived += 1;
				if (this.receive(socket, data)) {
					clearTimeout(timer);
					resolve();
				}
			});
		});
	}

	/** Handles one message; true when it completed the handshake. */
	private receive(socket: WebSocket, data: Buffer): boolean {
		if (data[0] === messageAuth) {
			this.refusals += 1;
			return false;
		}
		if (data[0] !== messageSync) return false;
		if (!this.doc) {
			// Passive: answer the server's step 1 with an empty step 2 and never decode.
			if (data[1] === syncProtocol.messageYjsSyncStep1) socket.send(passiveStep2);
			const completes = !this.synced && data[1] === syncProtocol.messageYjsSyncStep2;
			if (completes) this.synced = true;
			return completes;
		}
		const decoder = decoding.createDecoder(data);
		decoding.readVarUint(decoder);
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, messageSync);
		const kind = syncProtocol.readSyncMessage(decoder, encoder, this.doc, this);
		if (encoding.length(encoder) > 1) socket.send(encoding.toUint8Array(encoder));
		const completes = !this.synced && kind === syncProtocol.messageYjsSyncStep2;
		if (completes) this.synced = true;
		return completes;
	}

	/** Ends the socket at once, as a dead network would (no close handshake). */
	drop(): void {
		this.socket?.removeAllListeners('close');
		this.socket?.on('error', () => undefined);
		this.socket?.terminate();
		this.socket = null;
		this.synced = false;
	}

	close(): void {
		this.doc?.off('update', this.onLocalUpdate);
		this.socket?.close();
		this.socket = null;
	}
}

/** Opens many clients with a bounded number of handshakes in flight. */
export async function connectAll(clients: SyncClient[], inFlight = 100, timeoutMs = 60_000): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < clients.length) await clients[next++]!.connect(timeoutMs);
	};
	await Promise.all(Array.from({ length: Math.min(inFlight, clients.length) }, worker));
}
