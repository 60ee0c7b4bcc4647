import WebSocket from 'ws';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import type * as Y from 'yjs';
import { contentOf } from './board-load.js';

export interface Received {
	/** 'step1' | 'step2' | 'update' for sync messages, the message type otherwise. */
	kind: string;
	payload: Uint8Array;
}

/**
 * A bare y-websocket client for tests of the handshake: it says it holds
 * what `doc` holds, keeps every message in order and applies the sync ones
 * (answering the server's sync step 1).
 */
export function openRaw(baseUrl: string, pipelineId: string, token: string, doc: Y.Doc) {
	const received: Received[] = [];
	const closes: number[] = [];
	/** The board as the client held it right after its first sync step 2: a client counts itself synced then. */
	const atFirstStep2: { content: string | null } = { content: null };
	const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/sync/${pipelineId}?token=${token}`);
	socket.binaryType = 'nodebuffer';
	socket.on('open', () => {
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, 0);
		syncProtocol.writeSyncStep1(encoder, doc);
		socket.send(encoding.toUint8Array(encoder));
	});
	socket.on('close', (code) => closes.push(code));
	socket.on('message', (data: Buffer) => {
		const decoder = decoding.createDecoder(new Uint8Array(data));
		if (decoding.readVarUint(decoder) !== 0) return received.push({ kind: `type ${data[0]}`, payload: new Uint8Array(data) });
		const step = decoding.peekVarUint(decoder);
		const copy = decoding.createDecoder(new Uint8Array(data));
		decoding.readVarUint(copy);
		decoding.readVarUint(copy);
		received.push({ kind: ['step1', 'step2', 'update'][step]!, payload: decoding.readVarUint8Array(copy) });
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, 0);
		syncProtocol.readSyncMessage(decoder, encoder, doc, 'server');
		if (step === syncProtocol.messageYjsSyncStep2) atFirstStep2.content ??= contentOf(doc);
		if (encoding.length(encoder) > 1) socket.send(encoding.toUint8Array(encoder));
	});
	return { received, closes, socket, atFirstStep2 };
}

