import type { WSContext, WSEvents } from 'hono/ws';
import type { WebSocket } from 'ws';
import type { Writer } from '../rules/check-change.js';
import { decodeClientMessage, type ClientMessage } from './protocol.js';
import type { Peer, Room } from './room.js';
import type { RoomManager } from './rooms.js';

// A client back from a long offline stretch may send a large update; presence is small.
const maxMessageBytes = 16 * 1024 * 1024;
const maxAwarenessBytes = 64 * 1024;

/** A websocket client of a room. Messages that arrive while the room loads wait. */
class SocketPeer implements Peer {
	alive = true;
	room: Room | null = null;
	private waiting: Uint8Array[] = [];
	private closed = false;

	constructor(
		readonly socket: WebSocket,
		readonly writer: Writer
	) {}

	send(message: Uint8Array): void {
		if (this.socket.readyState !== this.socket.OPEN) return;
		this.socket.send(message, (error) => error && this.close(1011, 'send failed'));
	}

	close(code: number, reason: string): void {
		if (this.closed) return;
		this.closed = true;
		this.socket.close(code, reason);
	}

	receive(data: Uint8Array): void {
		if (!this.room) {
			this.waiting.push(data);
			return;
		}
		this.handle(this.room, data);
	}

	ready(room: Room): void {
		this.room = room;
		room.join(this);
		for (const data of this.waiting.splice(0)) this.handle(room, data);
	}

	private handle(room: Room, data: Uint8Array): void {
		let message: ClientMessage;
		try {
			if (data.byteLength > maxMessageBytes) throw new Error(`message of ${data.byteLength} bytes is too large`);
			message = decodeClientMessage(data);
			if (message.kind === 'awareness' && message.update.byteLength > maxAwarenessBytes) {
				throw new Error(`presence of ${message.update.byteLength} bytes is too large`);
			}
		} catch (error) {
			// A malformed message could leave a half-applied state: drop the peer.
			this.close(1003, `invalid message: ${(error as Error).message}`.slice(0, 120));
			return;
		}
		try {
			if (message.kind === 'sync-step-1') void room.answerSyncStep1(this, message.stateVector);
			else if (message.kind === 'update') room.applyPeerUpdate(this, message.update);
			else if (message.kind === 'awareness') {
				const problem = room.applyAwareness(this, message.update);
				if (problem) this.close(1003, `invalid message: ${problem}`.slice(0, 120));
			} else room.sendAwareness(this);
		} catch (error) {
			console.error(`room ${room.docId}: message from ${this.writer.userId} failed`, error);
			this.close(1011, 'could not apply the message');
		}
	}
}

/**
 * The websocket side of /sync/<pipelineId>: joins the pipeline's room, relays
 * messages, pings every `heartbeatMs` (10 s in production) and drops a peer
 * that missed a pong: a dead phone on a train must not hold presence forever.
 */
export function createSyncHandlers(rooms: RoomManager, pipelineId: string, writer: Writer, heartbeatMs: number): WSEvents<WebSocket> {
	let peer: SocketPeer | null = null;
	let heartbeat: NodeJS.Timeout | null = null;
	return {
		onOpen(_event, ws: WSContext<WebSocket>) {
			const socket = ws.raw!;
			const current = new SocketPeer(socket, writer);
			peer = current;
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
					else rooms.release(pipelineId);
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
			if (peer?.room) {
				peer.room.leave(peer);
				rooms.release(pipelineId);
			}
		}
	};
}
