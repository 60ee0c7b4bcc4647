import { afterEach, expect, it } from 'vitest';
import type WebSocket from 'ws';
import * as Y from 'yjs';
import { createDeal, listDeals, listStages, moveDeal, rankForDrop } from '../../src/lib/model/index.js';
import { contentOf } from '../support/board-load.js';
import { describeEachDatabase } from '../support/databases.js';
import { openRaw } from '../support/raw-sync-client.js';
import { connectBoard, eventually, signUpOwner, startTestServer, type BoardClient } from '../support/sync-server.js';
import type { RunningServer } from '../../server/server.js';

/*
 * A loaded room encodes a large board once for the peers that hold nothing
 * (server/sync/full-state.ts): a later one gets what changed since as an
 * update, then the same step 2, and holds the board as it is once the step 2
 * is applied.
 */

const clock = { now: () => new Date().toISOString() };

describeEachDatabase('a loaded room answers peers holding nothing', (database) => {
	let server: RunningServer | null = null;
	const clients: BoardClient[] = [];
	const sockets: WebSocket[] = [];
	afterEach(async () => {
		for (const client of clients.splice(0)) client.destroy();
		for (const socket of sockets.splice(0)) socket.terminate();
		await server?.close();
		server = null;
	});

	/** A client holding nothing; resolves with its messages once the room's answer (a step 2) is applied. */
	async function openEmpty(pipelineId: string, token: string) {
		const peer = openRaw(server!.url, pipelineId, token, new Y.Doc());
		sockets.push(peer.socket);
		await eventually(() => peer.received.some((message) => message.kind === 'step2'), 'the room answered');
		return peer;
	}

	it('sends one encoding of a large board again, with the changes since ahead of it', async () => {
		server = await startTestServer(database(), 60_000);
		const owner = await signUpOwner(server.url);
		const pipelineId = owner.pipeline.id;
		const writer = connectBoard(server.url, pipelineId, owner.token);
		clients.push(writer);
		await writer.synced();
		const stageIds = listStages(writer.doc).filter((stage) => stage.kind === 'open').map((stage) => stage.id);
		// Large enough to be kept (256 KiB encoded).
		writer.doc.transact(() => {
			for (let i = 0; i < 800; i++) {
				createDeal(
					writer.doc,
					{ id: `big-${i}-${pipelineId}`, title: `Deal number ${i} with a longer title`, valueMinor: i, currency: 'EUR', stageId: stageIds[i % stageIds.length]!, ownerId: owner.userId },
					{ id: `big-task-${i}-${pipelineId}`, type: 'call', title: 'Call back about the offer', dueAt: '2030-01-01T09:00:00.000Z' },
					clock
				);
			}
		});
		const watcher = connectBoard(server.url, pipelineId, owner.token);
		clients.push(watcher);
		await watcher.synced();
		await eventually(() => contentOf(watcher.doc) === contentOf(writer.doc), 'the board is in the room', 20_000);

		const first = await openEmpty(pipelineId, owner.token);
		const kept = first.received.find((message) => message.kind === 'step2')!.payload;
		expect(kept.byteLength).toBeGreaterThan(256 * 1024);
		expect(contentOf(watcher.doc)).toBe(first.atFirstStep2.content);

		// A move: new structs, and deletions (the fields it overwrote), since the encoding.
		const moved = listDeals(writer.doc)[0]!;
		moveDeal(writer.doc, moved.id, stageIds.at(-1)!, rankForDrop(writer.doc, stageIds.at(-1)!, null, null), clock);
		await eventually(() => listDeals(watcher.doc).find((deal) => deal.id === moved.id)?.stageId === stageIds.at(-1), 'the move is in the room');

		const later = await openEmpty(pipelineId, owner.token);
		const roomStep1 = later.received.findIndex((message) => message.kind === 'step1');
		const answer = later.received.slice(roomStep1 + 1).filter((message) => message.kind === 'update' || message.kind === 'step2');
		expect(answer.map((message) => message.kind)).toEqual(['update', 'step2']);
		expect(Buffer.from(answer[1]!.payload).equals(Buffer.from(kept))).toBe(true);
		expect(answer[0]!.payload.byteLength).toBeLessThan(kept.byteLength / 10);
		// Synced means the board as it is: the move came with the kept encoding.
		expect(later.atFirstStep2.content).toBe(contentOf(writer.doc));
	});
});
