import { getContext, setContext } from 'svelte';
import type { BoardConnection } from './board-connection.svelte';
import type { BoardStore } from './board-store.svelte';
import type { BoardDrag } from './drag.svelte';

/** What every part of one open board shares. */
export interface BoardContext {
	store: BoardStore;
	connection: BoardConnection;
	drag: BoardDrag;
	meId: string;
	canWrite: () => boolean;
	canEditStages: () => boolean;
	ownerName: (userId: string) => string;
	/** Minute-precision "now" for overdue and rotting marks. */
	now: () => number;
}

const key = Symbol('board');

export function setBoardContext(context: BoardContext): void {
	setContext(key, context);
}

export function boardContext(): BoardContext {
	return getContext<BoardContext>(key);
}
