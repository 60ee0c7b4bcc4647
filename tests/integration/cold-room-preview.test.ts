import { afterEach, expect, it } from 'vitest';
import type WebSocket from 'ws';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { createDeal, listDeals, listStages, moveDeal, rankForDrop } from '../../src/lib/model/index.js';
import { loadConfig } from '../../server/config.js';
import { appendUpdate, createDocStore, loadDoc, type DocStore } from '../../server/sync/persistence.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { contentOf } from '../support/board-load.js';
import { describeEachDatabase } from '../support/databases.js';
import { closeCodesOf, connectBoard, eventually, signUpOwner, type BoardClient } from '../support/sync-server.js';
import { openRaw } from '../support/raw-sync-client.js';

/*
 * A cold room answers a peer that holds nothing from the stored board while
 * its document loads (server/sync/stored-preview.ts): the stored bytes go
 * out first, the room's own handshake after, and the board is not sent twice.
 */

const clock = { now: () => new Date().toISOString() };
const task = (id: string) => ({ id, type: 'call' as const, title: 'Call back', dueAt: '2030-01-01T09:00:00.000Z' });

function moveAround(doc: Y.Doc, moves: number): void {
	const stageIds = listStages(doc).filter((stage) => stage.kind === 'open').map((stage) => stage.id);
	const deals = listDeals(doc);
	for (let step = 0; step < moves; step++) {
		const deal = deals[step % deals.length]!;
		const stageId = stageIds[(step + 1) % stageIds.length]!;
		const column = listDeals(doc).filter((other) => other.stageId === stageId && other.id !== deal.id);
		moveDeal(doc, deal.id, stageId, rankForDrop(doc, stageId, column.at(-1)?.id ?? null, null), clock);
	}
}

describeEachDatabase('a cold room answers from the stored board', (database) => {
	let server: RunningServer | null = null;
	const clients: BoardClient[] = [];
	const sockets: WebSocket[] = [];
	afterEach(async () => {
		for (const client of clients.splice(0)) client.destroy();
		for (const socket of sockets.splice(0)) socket.terminate();
		await server?.close();
		server = null;
	});

	/** A server on the test database; `rebuildAfterBytes` 0 never rebuilds a board. */
	const start = (rebuildAfterBytes: number, docStore?: DocStore) =>
		startServer({
			database: database(),
			config: loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', BOARD_REBUILD_AFTER_BYTES: String(rebuildAfterBytes) }),
			unloadRoomsAfterMs: 60_000,
			docStore
		});

	/**
	 * A server whose rooms read their board only once a peer has asked for the
	 * preview: the first message is then surely handled while the room loads,
	 * however fast the database answers.
	 */
	async function startHeld(rebuildAfterBytes: number): Promise<RunningServer> {
		let asked!: () => void;
		const previewAsked = new Promise<void>((resolve) => (asked = resolve));
		const store = createDocStore(database().db);
		const running = await start(rebuildAfterBytes, { ...store, loadDoc: async (docId) => (await previewAsked, store.loadDoc(docId)) });
		const preview = running.rooms.preview.bind(running.rooms);
		running.rooms.preview = (docId, deliver) => {
			preview(docId, deliver);
			asked();
		};
		return running;
	}

	/** Writes a board of `deals` deals moved `moves` times through a stock client, then stops the server (which snapshots it). */
	async function storeBoard(deals: number, moves: number) {
		server = await start(0);
		const owner = await signUpOwner(server.url);
		const writer = connectBoard(server.url, owner.pipeline.id, owner.token);
		clients.push(writer);
		await writer.synced();
		const stageId = listStages(writer.doc).find((stage) => stage.kind === 'open')!.id;
		for (let i = 0; i < deals; i++) {
			createDeal(writer.doc, { id: `deal-${i}-${Math.random().toString(36).slice(2)}`, title: `Deal ${i}`, valueMinor: 100 * i, currency: 'EUR', stageId, ownerId: owner.userId }, task(`task-${i}-${Math.random().toString(36).slice(2)}`), clock);
		}
		moveAround(writer.doc, moves);
		const content = contentOf(writer.doc);
		await eventually(async () => {
			const { state } = await loadDoc(database().db, owner.pipeline.id);
			return state !== null && contentOf(docOf(state)) === content;
		}, 'the board is on disk');
		for (const client of clients.splice(0)) client.destroy();
		await server.close();
		server = null;
		return { owner, content };
	}

	it('sends the stored board before its own handshake to a peer holding nothing, and then only what it lacks', async () => {
		const { owner } = await storeBoard(12, 20);
		const { db } = database();
		const stored = await loadDoc(db, owner.pipeline.id);
		expect(stored.snapshot, 'stopping the server wrote a snapshot').not.toBeNull();
		// A row after the snapshot (as a crash leaves them): one more move.
		const board = docOf(stored.state!);
		const beforeRow = Y.encodeStateVector(board);
		moveAround(board, 1);
		const row = Y.encodeStateAsUpdate(board, beforeRow);
		await appendUpdate(db, owner.pipeline.id, row);
		const content = contentOf(board);

		server = await startHeld(0);
		const doc = new Y.Doc();
		const peer = openRaw(server.url, owner.pipeline.id, owner.token, doc);
		sockets.push(peer.socket);
		await eventually(() => peer.received.filter((message) => message.kind === 'step2').length >= 2, 'the preview and the room’s answer');

		// The stored bytes as they are, ahead of the room's sync step 1: the row, then the snapshot it builds on.
		const roomStep1 = peer.received.findIndex((message) => message.kind === 'step1');
		expect(peer.received.slice(0, roomStep1).map((message) => message.kind)).toEqual(['update', 'step2']);
		expect(Buffer.from(peer.received[0]!.payload).equals(Buffer.from(row))).toBe(true);
		expect(Buffer.from(peer.received[1]!.payload).equals(Buffer.from(stored.snapshot!))).toBe(true);
		// Synced as of the read the moment the step 2 is applied: the row waited for the snapshot and came in with it.
		expect(peer.atFirstStep2.content).toBe(content);
		// The room's answer to "I hold nothing" is what it holds beyond the preview: nothing here, not the board again.
		const answer = peer.received.slice(roomStep1).find((message) => message.kind === 'step2')!;
		const decoded = Y.decodeUpdate(answer.payload);
		expect(decoded.structs).toHaveLength(0);
		// (Only the delete set, which Yjs always sends whole.)
		expect(answer.payload.byteLength).toBeLessThan(stored.snapshot!.byteLength / 10);
		expect(contentOf(doc)).toBe(content);

		// A peer that was previewed edits like any other: its move is stored and reaches another client.
		const stageIds = listStages(doc).filter((stage) => stage.kind === 'open').map((stage) => stage.id);
		const moved = listDeals(doc)[0]!;
		const before = Y.encodeStateVector(doc);
		moveDeal(doc, moved.id, stageIds.at(-1)!, rankForDrop(doc, stageIds.at(-1)!, null, null), clock);
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, 0);
		syncProtocol.writeUpdate(encoder, Y.encodeStateAsUpdate(doc, before));
		peer.socket.send(encoding.toUint8Array(encoder));
		const other = connectBoard(server.url, owner.pipeline.id, owner.token);
		clients.push(other);
		await other.synced();
		await eventually(() => listDeals(other.doc).find((deal) => deal.id === moved.id)?.stageId === stageIds.at(-1), 'the previewed peer’s move reached another client');
		expect(peer.closes).toEqual([]);
	});

	it('gives a peer that holds part of the board no preview, and a loaded room none either', async () => {
		const { owner, content } = await storeBoard(5, 0);
		const snapshot = (await loadDoc(database().db, owner.pipeline.id)).snapshot!;

		server = await start(0);
		// Holding the stored board already: the room's own handshake comes first.
		const holder = docOf(snapshot);
		const warm = openRaw(server.url, owner.pipeline.id, owner.token, holder);
		sockets.push(warm.socket);
		await eventually(() => warm.received.some((message) => message.kind === 'step2'), 'the warm peer synced');
		expect(warm.received[0]!.kind).toBe('step1');

		// The room is loaded now: a new peer is answered by it, with the whole board once.
		const fresh = new Y.Doc();
		const late = openRaw(server.url, owner.pipeline.id, owner.token, fresh);
		sockets.push(late.socket);
		await eventually(() => late.received.some((message) => message.kind === 'step2'), 'the late peer synced');
		expect(late.received[0]!.kind).toBe('step1');
		expect(late.received.filter((message) => message.kind === 'step2')).toHaveLength(1);
		expect(contentOf(fresh)).toBe(content);
	});

	it('tells a previewed peer to load the board afresh when stored changes could not be loaded', async () => {
		const { owner } = await storeBoard(3, 0);
		const { db } = database();
		// A row whose change builds on one that was never stored (a damaged log): the room drops it as it loads.
		const stored = await loadDoc(db, owner.pipeline.id);
		const elsewhere = docOf(stored.state!);
		const stageId = listStages(elsewhere).find((stage) => stage.kind === 'open')!.id;
		createDeal(elsewhere, { id: `lost-${Math.random().toString(36).slice(2)}`, title: 'Never stored', valueMinor: 1, currency: 'EUR', stageId, ownerId: owner.userId }, task(`lost-task-${Math.random().toString(36).slice(2)}`), clock);
		const afterLost = Y.encodeStateVector(elsewhere);
		moveAround(elsewhere, 1);
		await appendUpdate(db, owner.pipeline.id, Y.encodeStateAsUpdate(elsewhere, afterLost));

		server = await startHeld(0);
		const peer = openRaw(server.url, owner.pipeline.id, owner.token, new Y.Doc());
		sockets.push(peer.socket);
		await eventually(() => peer.closes.length > 0, 'the previewed peer is closed');
		expect(peer.received.slice(0, 2).map((message) => message.kind)).toEqual(['update', 'step2']);
		expect(peer.closes).toEqual([4510]);
	});

	it('tells a previewed peer to reconnect when the room rebuilt the board as it loaded, and the copy then moves to the new epoch', async () => {
		const { owner, content } = await storeBoard(10, 200);
		const before = await loadDoc(database().db, owner.pipeline.id);
		expect(before.epoch).toBe(0);

		// This server rebuilds boards past 2,000 bytes: the stored board is due one as it loads.
		server = await startHeld(2000);
		const doc = new Y.Doc();
		const peer = openRaw(server.url, owner.pipeline.id, owner.token, doc);
		sockets.push(peer.socket);
		await eventually(() => peer.closes.length > 0, 'the previewed peer is closed');
		expect(peer.received[0]!.kind).toBe('step2');
		expect(peer.closes).toEqual([4509]);
		expect((await loadDoc(database().db, owner.pipeline.id)).epoch).toBe(1);

		// The copy it was sent is of the epoch left: reconnecting, it is carried (nothing to carry) and told to move.
		const copy = connectBoard(server.url, owner.pipeline.id, owner.token, doc);
		clients.push(copy);
		const codes = closeCodesOf(copy, 4510);
		await eventually(() => codes.includes(4510), 'the old copy is told to load the new epoch');
		const fresh = connectBoard(server.url, owner.pipeline.id, owner.token);
		clients.push(fresh);
		await fresh.synced();
		expect(contentOf(fresh.doc)).toBe(content);
	});
});

function docOf(state: Uint8Array): Y.Doc {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, state);
	return doc;
}
