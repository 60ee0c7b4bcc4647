import type { WSContext, WSEvents } from 'hono/ws';
import type { WebSocket } from 'ws';
import type { Writer } from '../board/writer.js';
import type { Connections, Credential } from './connections.js';
import { TokenBucket } from './limits.js';
import { decodeClientMessage, type ClientMessage } from './protocol.js';
import { holdsNothing } from './stored-preview.js';
import { closeCodes, type Peer, type Room } from './room.js';
import type { RoomManager } from './rooms.js';
import type { Locale } from '../i18n/locale.js';

/**
 * A websocket client of a room. Messages that arrive while the room loads
 * wait, up to a bound; updates are handled strictly one after another (one
 * may wait for the database), presence and sync requests at once.
 */
class SocketPeer implements Peer {
	alive = true;
	room: Room | null = null;
	private waiting: Uint8Array[] = [];
	/** The sync request answered with the stored board while the room loaded (stored-preview.ts). */
	private previewedRequest: Uint8Array | null = null;
	private updates: Promise<void> = Promise.resolve();
	private updatesInFlight = 0;
	private closed = false;
	private readonly updateBucket: TokenBucket;
	private readonly presenceBucket: TokenBucket;

	constructor(
		readonly socket: WebSocket,
		readonly writer: Writer,
		private readonly rooms: RoomManager,
		readonly locale: Locale,
		private readonly pipelineId: string
	) {
		const limits = rooms.limits;
		this.updateBucket = new TokenBucket(limits.updatesPerSecond, limits.updateBurst);
		this.presenceBucket = new TokenBucket(limits.presencePerSecond, limits.presenceBurst);
	}

	send(message: Uint8Array): void {
		if (this.socket.readyState !== this.socket.OPEN) return;
		this.socket.send(message, (error) => error && this.close(1011, 'send failed'));
	}

	close(code: number, reason: string): void {
		if (this.closed) return;
		this.closed = true;
		this.waiting = [];
		this.socket.close(code, reason);
	}

	receive(data: Uint8Array): void {
		if (this.closed) return;
		if (this.room) return this.handle(this.room, data);
		if (this.waiting.length >= this.rooms.limits.maxQueuedMessages) {
			return this.close(closeCodes.rateLimited, `more than ${this.rooms.limits.maxQueuedMessages} messages before the board loaded`);
		}
		if (this.waiting.length === 0) this.askPreview(data);
		this.waiting.push(data);
	}

	/** A first message that asks for everything (a sync request holding nothing) is answered from the stored board. */
	private askPreview(data: Uint8Array): void {
		let message: ClientMessage;
		try {
			message = decodeClientMessage(data);
		} catch {
			return; // handled, and the peer dropped, when the room is ready
		}
		if (message.kind !== 'sync-step-1' || !holdsNothing(message.stateVector)) return;
		this.rooms.preview(this.pipelineId, (messages) => {
			if (this.closed || this.socket.readyState !== this.socket.OPEN) return Promise.resolve();
			this.previewedRequest = data;
			return new Promise<void>((resolve) =>
				messages.forEach((preview, at) =>
					this.socket.send(preview, (error) => {
						if (error) this.close(1011, 'send failed');
						if (at === messages.length - 1) resolve();
					})
				)
			);
		});
	}

	ready(room: Room): void {
		this.room = room;
		room.join(this);
		for (const data of this.waiting.splice(0)) this.handle(room, data);
	}

	private handle(room: Room, data: Uint8Array): void {
		if (this.closed) return;
		let message: ClientMessage;
		try {
			message = decodeClientMessage(data);
		} catch (error) {
			// A malformed message could leave a half-applied state: drop the peer.
			return this.close(1003, `invalid message: ${(error as Error).message}`.slice(0, 120));
		}
		if (message.kind === 'update') return this.queueUpdate(room, message.update);
		if (message.kind === 'sync-step-1') {
			room.answerSyncStep1(this, message.stateVector, data === this.previewedRequest).catch((error) => this.fail(room, error));
			return;
		}
		if (!this.presenceBucket.take()) return this.close(closeCodes.rateLimited, 'too many presence messages');
		try {
			if (message.kind === 'awareness') {
				const problem = room.applyAwareness(this, message.update);
				if (problem) this.close(1003, `invalid message: ${problem}`.slice(0, 120));
			} else room.sendAwareness(this);
		} catch (error) {
			this.fail(room, error);
		}
	}

	private queueUpdate(room: Room, update: Uint8Array): void {
		if (!this.updateBucket.take()) return this.close(closeCodes.rateLimited, 'too many updates; reconnect to sync');
		// Updates wait here only while the database answers a lookup; a flood of them is refused.
		if (this.updatesInFlight >= this.rooms.limits.maxQueuedMessages) return this.close(closeCodes.rateLimited, 'too many updates waiting');
		this.updatesInFlight += 1;
		this.updates = this.updates
			.then(async () => {
				if (!this.closed) await room.receiveUpdate(this, update);
			})
			.catch((error) => this.fail(room, error))
			.finally(() => {
				this.updatesInFlight -= 1;
			});
	}

	private fail(room: Room, error: unknown): void {
		console.error(`room ${room.docId}: message from ${this.writer.userId} failed`, error);
		this.close(1011, 'could not apply the message');
	}
}

export interface SyncConnection {
	pipelineId: string;
	workspaceId: string;
	writer: Writer & { kind: 'member' };
	credential: Credential;
	/** The language refusals are told in: the account's, else the upgrade request's Accept-Language. */
	locale: Locale;
}

/**
 * The websocket side of /sync/<pipelineId>: joins the pipeline's room, relays
 * messages, pings every `heartbeatMs` (10 s in production) and drops a peer
 * that missed a pong: a dead phone on a train must not hold presence forever.
 */
export function createSyncHandlers(rooms: RoomManager, connections: Connections, connection: SyncConnection, heartbeatMs: number): WSEvents<WebSocket> {
	const { pipelineId } = connection;
	let peer: SocketPeer | null = null;
	let heartbeat: NodeJS.Timeout | null = null;
	let forget: (() => void) | null = null;
	return {
		onOpen(_event, ws: WSContext<WebSocket>) {
			const socket = ws.raw!;
			const current = new SocketPeer(socket, connection.writer, rooms, connection.locale, pipelineId);
			peer = current;
			forget = connections.add({ peer: current, credential: connection.credential, pipelineId, workspaceId: connection.workspaceId, role: connection.writer.role });
			socket.on('pong', () => {
				current.alive = true;
			});
			heartbeat = setInterval(() => {
				if (!current.alive) {
					socket.terminate();
					return;
				}
				current.alive = false;
				socket.ping();
			}, heartbeatMs);
			rooms.acquire(pipelineId).then(
				(room) => {
					if (socket.readyState === socket.OPEN) current.ready(room);
					else rooms.release(pipelineId, room);
				},
				(error) => {
					console.error(`room ${pipelineId}: load failed`, error);
					current.close(1011, 'could not load the board');
				}
			);
		},
		onMessage(event) {
			const data = event.data;
			if (typeof data === 'string') {
				peer?.close(1003, 'binary messages only');
				return;
			}
			peer?.receive(new Uint8Array(data as ArrayBuffer));
		},
		onClose() {
			if (heartbeat) clearInterval(heartbeat);
			forget?.();
			if (peer?.room) {
				peer.room.leave(peer);
				rooms.release(pipelineId, peer.room);
			}
		}
	};
}
