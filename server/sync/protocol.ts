import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as authProtocol from 'y-protocols/auth';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';

/** The y-websocket message types, by name. */
export const messageType = { sync: 0, awareness: 1, auth: 2, queryAwareness: 3 } as const;

export type ClientMessage =
	| { kind: 'sync-step-1'; stateVector: Uint8Array }
	| { kind: 'update'; update: Uint8Array }
	| { kind: 'awareness'; update: Uint8Array }
	| { kind: 'query-awareness' };

/**
 * Parses one message from a client. Throws on anything malformed, so the
 * caller can drop the connection instead of applying half a message.
 */
export function decodeClientMessage(data: Uint8Array): ClientMessage {
	const decoder = decoding.createDecoder(data);
	const type = decoding.readVarUint(decoder);
	switch (type) {
		case messageType.sync: {
			const step = decoding.readVarUint(decoder);
			const payload = decoding.readVarUint8Array(decoder);
			if (step === syncProtocol.messageYjsSyncStep1) return { kind: 'sync-step-1', stateVector: payload };
			if (step === syncProtocol.messageYjsSyncStep2 || step === syncProtocol.messageYjsUpdate) {
				return { kind: 'update', update: payload };
			}
			throw new Error(`unknown sync step ${step}`);
		}
		case messageType.awareness:
			return { kind: 'awareness', update: decoding.readVarUint8Array(decoder) };
		case messageType.queryAwareness:
			return { kind: 'query-awareness' };
		default:
			throw new Error(`unknown message type ${type}`);
	}
}

export function encodeSyncStep1(doc: Y.Doc): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, messageType.sync);
	syncProtocol.writeSyncStep1(encoder, doc);
	return encoding.toUint8Array(encoder);
}

export function encodeSyncStep2(doc: Y.Doc, stateVector: Uint8Array): Uint8Array {
	return encodeSyncStep2Of(Y.encodeStateAsUpdate(doc, stateVector));
}

/** A sync step 2 that carries an update as it is (a stored one: stored-preview.ts; a kept one: full-state.ts). */
export function encodeSyncStep2Of(update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, messageType.sync);
	encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2);
	encoding.writeVarUint8Array(encoder, update);
	return encoding.toUint8Array(encoder);
}

export function encodeUpdate(update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, messageType.sync);
	syncProtocol.writeUpdate(encoder, update);
	return encoding.toUint8Array(encoder);
}

export function encodeAwareness(awareness: awarenessProtocol.Awareness, clients: number[]): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, messageType.awareness);
	encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, clients));
	return encoding.toUint8Array(encoder);
}

/**
 * A refused update is reported with the stock auth message ("permission
 * denied"), which every y-websocket client understands; the reason is JSON
 * so that Voronka's UI can show it next to the card.
 */
export function encodeRefusal(reason: Refusal): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, messageType.auth);
	authProtocol.writePermissionDenied(encoder, JSON.stringify(reason));
	return encoding.toUint8Array(encoder);
}

export interface Refusal {
	type: 'refused';
	rule: string;
	entity: string;
	id: string;
	message: string;
}

/** One client's entry in an awareness update. */
export interface AwarenessEntry {
	clientId: number;
	clock: number;
	/** The state's JSON text; "null" when the client left. */
	json: string;
}

/** Splits an awareness update into its entries; throws on malformed bytes. */
export function readAwarenessEntries(update: Uint8Array): AwarenessEntry[] {
	const decoder = decoding.createDecoder(update);
	const count = decoding.readVarUint(decoder);
	const entries: AwarenessEntry[] = [];
	for (let i = 0; i < count; i += 1) {
		entries.push({ clientId: decoding.readVarUint(decoder), clock: decoding.readVarUint(decoder), json: decoding.readVarString(decoder) });
	}
	return entries;
}

export function writeAwarenessEntries(entries: AwarenessEntry[]): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, entries.length);
	for (const entry of entries) {
		encoding.writeVarUint(encoder, entry.clientId);
		encoding.writeVarUint(encoder, entry.clock);
		encoding.writeVarString(encoder, entry.json);
	}
	return encoding.toUint8Array(encoder);
}
