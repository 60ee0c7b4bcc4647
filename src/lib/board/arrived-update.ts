import * as Y from 'yjs';

export type UpdateListener = (update: Uint8Array, origin: unknown) => void;

/**
 * Applies an update that arrived from the server with the given `update`
 * listeners set aside, then hands them the bytes as they arrived.
 *
 * Yjs encodes every transaction again for the document's `update` listeners.
 * On a 5,000-deal board's first sync that was over a third of the time to
 * apply it (400 of 1,100 ms in a profile), spent only for the provider to
 * ignore its own origin and for the local copy to store what had just
 * arrived. The listeners get the arrived bytes instead: they hold what was
 * applied, and structs the document already had change nothing when the
 * copy is loaded again. A listener not named here stays attached (Yjs then
 * still encodes the transaction, and that listener sees it as before).
 *
 * An observer that writes to the document while the update is applied opens
 * a transaction of its own, which the set-aside listeners would miss (the
 * provider would never send it). If one does, they are handed the document's
 * changes since before the update, encoded the slow way, with no origin.
 */
export function applyArrivedUpdate(doc: Y.Doc, update: Uint8Array, origin: unknown, candidates: ReadonlyArray<UpdateListener>): void {
	// Only listeners that are attached: one detached (a closed local copy) must stay so.
	const listeners = candidates.filter((listener) => isListening(doc, listener));
	let wroteMeanwhile = false;
	const watch = (transaction: Y.Transaction) => {
		if (transaction.origin !== origin) wroteMeanwhile = true;
	};
	const before = Y.encodeStateVector(doc);
	const handOver = (bytes: Uint8Array, from: unknown) => {
		for (const listener of listeners) listener(bytes, from);
	};
	for (const listener of listeners) doc.off('update', listener);
	doc.on('afterTransaction', watch);
	try {
		Y.applyUpdate(doc, update, origin);
	} catch (error) {
		// An update that did not decode, or an observer that threw: the bytes
		// that arrived may be unreadable, so the listeners get what the document
		// took in, encoded from it (as Yjs would have handed them).
		handOver(Y.encodeStateAsUpdate(doc, before), wroteMeanwhile ? null : origin);
		throw error;
	} finally {
		doc.off('afterTransaction', watch);
		for (const listener of listeners) doc.on('update', listener);
	}
	handOver(update, origin);
	if (wroteMeanwhile) handOver(Y.encodeStateAsUpdate(doc, before), null);
}

/** Whether the listener is on the document's `update` event (lib0's Observable keeps them in `_observers`). */
function isListening(doc: Y.Doc, listener: UpdateListener): boolean {
	const observers = (doc as unknown as { _observers?: Map<string, Set<unknown>> })._observers;
	return observers?.get('update')?.has(listener) ?? false;
}
