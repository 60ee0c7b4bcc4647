import * as Y from 'yjs';
import { LocalCopy, boardCopyName } from './local-copy';

/** A board document loading from this device's copy before its page is shown. */
export interface PreloadedBoard {
	doc: Y.Doc;
	localCopy: LocalCopy;
}

/** A preloaded board no page took (the user went elsewhere) is let go after this long. */
const unclaimedMs = 30_000;

/** Boards a page has open: never preloaded again (a second copy would only cost time). */
const openBoards = new Set<string>();
let pending: (PreloadedBoard & { pipelineId: string; timer: ReturnType<typeof setTimeout> }) | null = null;

function discard(): void {
	if (!pending) return;
	clearTimeout(pending.timer);
	pending.localCopy.destroy();
	pending.doc.destroy();
	pending = null;
}

/**
 * Starts reading a board from IndexedDB as soon as its route is known, while
 * the app still asks the server who is signed in: on a big board that read
 * is most of the time to the first cards. One board at a time.
 */
export function preloadBoard(pipelineId: string): void {
	if (typeof indexedDB === 'undefined' || pending?.pipelineId === pipelineId || openBoards.has(pipelineId)) return;
	discard();
	performance.mark('board:preload');
	const doc = new Y.Doc();
	pending = { pipelineId, doc, localCopy: new LocalCopy(boardCopyName(pipelineId), doc), timer: setTimeout(discard, unclaimedMs) };
}

/**
 * Called by the page that opens the board: the preloaded board of this
 * pipeline, now the caller's to destroy, or null if there is none. Until
 * `closeBoard`, the board is not preloaded again.
 */
export function openBoard(pipelineId: string): PreloadedBoard | null {
	openBoards.add(pipelineId);
	if (pending?.pipelineId !== pipelineId) return null;
	const { doc, localCopy, timer } = pending;
	clearTimeout(timer);
	pending = null;
	return { doc, localCopy };
}

/** The page that opened the board has closed it. */
export function closeBoard(pipelineId: string): void {
	openBoards.delete(pipelineId);
}

/** True while a page (or the background sender, board-flush.ts) has the board open. */
export function isBoardOpen(pipelineId: string): boolean {
	return openBoards.has(pipelineId);
}
