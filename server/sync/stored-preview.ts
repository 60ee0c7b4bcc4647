import { setImmediate as nextTurn } from 'node:timers/promises';
import type { StoredDoc } from './persistence.js';
import { encodeSyncStep2Of, encodeUpdate } from './protocol.js';

/**
 * A cold room answers its first peers from the stored bytes while its
 * document loads. Integrating a board of 10,000 deals takes Yjs about half a
 * second (docs/BENCHMARKS.md, "The cold board"), and until now a peer waited
 * for that, then for the room to encode the board again, before the first
 * byte left. The stored snapshot and the rows after it are exactly what the
 * room will hold once loaded, and each was checked when it was written, so a
 * peer that holds nothing yet (an empty state vector: a new device, or a
 * cleared one) is sent them as they are: each row as an update, then the
 * snapshot as the sync step 2. The rows come first because a client counts
 * itself synced once it has applied a step 2: the rows wait in its
 * document for the snapshot they build on and integrate with it, so the
 * step 2 leaves it holding all that was read. The peer integrates while the
 * room does.
 *
 * Only a board with a snapshot is previewed: a young board of a few rows
 * loads at once, and a step 2 of nothing would tell the client it holds the
 * whole (empty) board. The room then answers the peer's sync step 1 as if
 * it had said it holds what was sent (room.ts, answerSyncStep1), so the
 * board is not sent twice; if the room's content came out other than what
 * was read (rebuilt as it loaded, or stored changes dropped), the peer is
 * told to reconnect instead.
 */
export function encodePreview(stored: StoredDoc): Uint8Array[] | null {
	if (!stored.snapshot) return null;
	return [...stored.updates.map(encodeUpdate), encodeSyncStep2Of(stored.snapshot)];
}

/** A state vector that says "nothing": no client, one zero byte (Yjs writes the count first). */
export function holdsNothing(stateVector: Uint8Array): boolean {
	return stateVector.byteLength === 1 && stateVector[0] === 0;
}

/** Sends the preview's messages to one peer; resolves once they are handed to the network (or the peer is gone). */
export type DeliverPreview = (messages: Uint8Array[]) => Promise<void>;

/** How long a loading room waits for its previews to leave before it integrates the board (which holds the thread). */
const flushWaitMs = 100;

/** The preview of one loading room: peers ask, the room says when the board is read. */
export class StoredPreview {
	private stored: StoredDoc | null = null;
	/** Encoded once, on the first demand (it copies the snapshot); null: this board is not previewed. */
	private messages: Uint8Array[] | null | undefined;
	private waiting: DeliverPreview[] = [];
	private sent: Array<Promise<void>> = [];
	private ended = false;

	/** A peer holding nothing asks: answered at once if the board is read, else when it is. */
	ask(deliver: DeliverPreview): void {
		if (this.ended) return;
		if (this.stored) this.deliver(this.stored, deliver);
		else this.waiting.push(deliver);
	}

	/**
	 * The board is read: the peers that asked get it. Then, before the room
	 * integrates it, two turns of the event loop let in the first messages of
	 * sockets that opened the room (on PGlite the reads answer in microtasks,
	 * so no socket was read since the upgrade), and the previews get a
	 * moment to leave: what is still queued in the process when the
	 * integration starts goes out only after it.
	 */
	async read(stored: StoredDoc): Promise<void> {
		this.stored = stored;
		for (const deliver of this.waiting.splice(0)) this.deliver(stored, deliver);
		await nextTurn();
		await nextTurn();
		if (this.sent.length === 0) return;
		let timer: NodeJS.Timeout | undefined;
		await Promise.race([Promise.all(this.sent), new Promise<void>((resolve) => (timer = setTimeout(resolve, flushWaitMs)))]);
		clearTimeout(timer);
	}

	/** The room is loaded: it answers from here on, and the bytes are let go. */
	end(): void {
		this.ended = true;
		this.stored = null;
		this.messages = null;
		this.waiting = [];
		this.sent = [];
	}

	private deliver(stored: StoredDoc, deliver: DeliverPreview): void {
		if (this.messages === undefined) this.messages = encodePreview(stored);
		if (this.messages) this.sent.push(deliver(this.messages));
	}
}
