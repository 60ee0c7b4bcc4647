import * as Y from 'yjs';
import { encodeSyncStep2Of, encodeUpdate } from './protocol.js';

/** Below this size a board is encoded afresh for every peer: it is quick, and memory is not doubled. */
const minCachedBytes = 256 * 1024;

/**
 * The whole board as a sync step 2, for loaded rooms' peers that hold
 * nothing (a new device, a cleared one). Encoding a board of 10,000 deals
 * takes Yjs about 100 ms of the room's thread, for every such peer. The
 * encoding is kept instead, with the state vector it was made at; a later
 * peer gets what changed since as an update first, then the kept step 2:
 * the update waits in its document for the content it builds on and
 * integrates with it, so once the step 2 is applied it holds the board as it
 * is (the stored preview does the same, stored-preview.ts). When the changes
 * since grow past a quarter of the kept encoding, the board is encoded
 * afresh.
 */
export class FullStateAnswer {
	private kept: { message: Uint8Array; stateVector: Uint8Array; version: number } | null = null;
	/** Counts the document's transactions: an equal count means nothing changed, deletions included. */
	private version = 0;

	constructor(private readonly doc: Y.Doc) {}

	/** The document changed (call on each of its updates). */
	changed(): void {
		this.version += 1;
	}

	/** The messages that answer a sync request holding nothing, in order. */
	answer(): Uint8Array[] {
		const kept = this.kept;
		if (kept && kept.version === this.version) return [kept.message];
		if (kept) {
			// The structs written since, and the whole delete set (which Yjs always sends whole).
			const since = Y.encodeStateAsUpdate(this.doc, kept.stateVector);
			if (since.byteLength * 4 < kept.message.byteLength) return [encodeUpdate(since), kept.message];
		}
		const update = Y.encodeStateAsUpdate(this.doc);
		const message = encodeSyncStep2Of(update);
		this.kept = update.byteLength >= minCachedBytes ? { message, stateVector: Y.encodeStateVector(this.doc), version: this.version } : null;
		return [message];
	}
}
