import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { ConnectionMatch } from './connections.js';
import type { WorkspaceEvent } from '../live/workspace-event.js';

/**
 * What one node tells the others when several serve the same Postgres
 * (docs/ARCHITECTURE.md, "Several nodes"). Room updates are already on disk
 * when they are published; a node that misses one still reads it from the
 * database on its next load or compaction.
 */
export type FanoutMessage =
	/**
	 * An update on disk under its id in the update log; a node that misses one fetches it by id (Room.catchUp).
	 * Its epoch tells a node still holding an earlier one that the board was rebuilt.
	 */
	| { kind: 'update'; docId: string; bytes: Uint8Array; updateId: number; epoch: number }
	| { kind: 'awareness'; docId: string; bytes: Uint8Array }
	/** A right was taken away: close the matching connections (see connections.ts). */
	| { kind: 'disconnect'; match: ConnectionMatch; reason: string }
	/** A workspace's members changed: rooms refresh who may own deals and be assigned tasks. */
	| { kind: 'members-changed'; workspaceId: string }
	/** Something the workspace's event streams on every node pass on (server/live/). */
	| { kind: 'workspace-event'; workspaceId: string; event: WorkspaceEvent }
	/** An admin changed the workspace's custom fields: rooms reload the definitions. */
	| { kind: 'fields-changed'; workspaceId: string }
	/** An admin changed stage rules or the team's calendar: rooms reload their stage rules. */
	| { kind: 'stage-rules-changed'; workspaceId: string };

export interface Fanout {
	publish(message: FanoutMessage): void;
	/** Starts receiving a room's updates and presence; resolves once subscribed. */
	joinRoom(docId: string): Promise<void>;
	leaveRoom(docId: string): Promise<void>;
	onMessage(handler: (message: FanoutMessage) => void): void;
	close(): Promise<void>;
}

const roomPrefix = 'voronka:room:';
const controlChannel = 'voronka:control';
const kinds = ['update', 'awareness'] as const;
const nodeIdBytes = 12;
const updateIdBytes = 8;
const epochBytes = 4;

/**
 * Redis pub/sub between nodes: a channel per loaded room (binary: kind byte,
 * sender node id, for updates their 8-byte id in the update log and 4-byte epoch, Yjs bytes)
 * and one control channel (JSON). A node ignores its own messages.
 */
export async function connectRedisFanout(url: string): Promise<Fanout> {
	const nodeId = randomBytes(nodeIdBytes);
	const publisher = new Redis(url, { maxRetriesPerRequest: 3 });
	const subscriber = new Redis(url, { maxRetriesPerRequest: 3 });
	const handlers: Array<(message: FanoutMessage) => void> = [];
	const deliver = (message: FanoutMessage) => {
		for (const handler of handlers) handler(message);
	};

	subscriber.on('messageBuffer', (channelBytes: Buffer, payload: Buffer) => {
		const channel = channelBytes.toString();
		try {
			if (channel === controlChannel) {
				const { from, ...message } = JSON.parse(payload.toString()) as FanoutMessage & { from: string };
				if (from !== nodeId.toString('hex')) deliver(message as FanoutMessage);
				return;
			}
			if (!channel.startsWith(roomPrefix) || payload.length < 1 + nodeIdBytes) return;
			if (payload.subarray(1, 1 + nodeIdBytes).equals(nodeId)) return;
			const kind = kinds[payload[0]!];
			const docId = channel.slice(roomPrefix.length);
			const body = payload.subarray(1 + nodeIdBytes);
			if (kind === 'awareness') deliver({ kind, docId, bytes: new Uint8Array(body) });
			else if (kind === 'update' && body.length >= updateIdBytes + epochBytes) {
				const epoch = body.readUInt32BE(updateIdBytes);
				deliver({ kind, docId, updateId: body.readDoubleBE(0), epoch, bytes: new Uint8Array(body.subarray(updateIdBytes + epochBytes)) });
			}
		} catch (error) {
			console.error(`fanout: dropped a malformed message on ${channel}`, error);
		}
	});
	subscriber.on('error', (error) => console.error('fanout: redis subscriber', error.message));
	publisher.on('error', (error) => console.error('fanout: redis publisher', error.message));
	try {
		await Promise.all([publisher.ping(), subscriber.subscribe(controlChannel)]);
	} catch (error) {
		publisher.disconnect();
		subscriber.disconnect();
		throw new Error(`REDIS_URL: Redis does not answer at ${url} (${(error as Error).message}).`);
	}

	return {
		publish(message) {
			const sent =
				message.kind === 'update' || message.kind === 'awareness'
					? publisher.publish(roomPrefix + message.docId, Buffer.concat([Buffer.from([kinds.indexOf(message.kind)]), nodeId, idBytes(message), message.bytes]))
					: publisher.publish(controlChannel, JSON.stringify({ ...message, from: nodeId.toString('hex') }));
			sent.catch((error: Error) => console.error(`fanout: could not publish ${message.kind}`, error.message));
		},
		async joinRoom(docId) {
			await subscriber.subscribe(roomPrefix + docId);
		},
		async leaveRoom(docId) {
			await subscriber.unsubscribe(roomPrefix + docId);
		},
		onMessage(handler) {
			handlers.push(handler);
		},
		async close() {
			await Promise.allSettled([publisher.quit(), subscriber.quit()]);
		}
	};
}

function idBytes(message: FanoutMessage): Buffer {
	if (message.kind !== 'update') return Buffer.alloc(0);
	const bytes = Buffer.alloc(updateIdBytes + epochBytes);
	bytes.writeDoubleBE(message.updateId, 0);
	bytes.writeUInt32BE(message.epoch, updateIdBytes);
	return bytes;
}
