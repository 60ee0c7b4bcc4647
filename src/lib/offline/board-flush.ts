import { BoardConnection, type PresenceUser } from '$lib/board/board-connection.svelte';
import { isBoardOpen } from '$lib/board/board-preload';
import { colorOf } from '$lib/board/people';
import { pendingBoardIds } from './sync-status.svelte';

/** Long enough for a board to connect and sync; a board that cannot is tried at the next chance. */
const giveUpAfterMs = 30_000;
/** After the server's answer, the device's own changes are still on the wire. */
const lingerMs = 1500;

let user: PresenceUser | null = null;
let running: Promise<void> | null = null;

/**
 * Sends the offline edits of boards no page has open: a rep who added a task
 * on a deal page offline and then went elsewhere still gets it to the team
 * when the network returns, without opening that board again. Each board is
 * opened from its local copy, synced and closed, one at a time.
 */
export function flushPendingBoards(me: { id: string; name: string }): void {
	user = { id: me.id, name: me.name, color: colorOf(me.id) };
	if (navigator.onLine) running ??= sendAll().finally(() => (running = null));
}

async function sendAll(): Promise<void> {
	for (const pipelineId of pendingBoardIds()) {
		if (!user || !navigator.onLine) return;
		if (isBoardOpen(pipelineId)) continue;
		const connection = new BoardConnection(pipelineId, user);
		const started = Date.now();
		while (!connection.syncedOnce && navigator.onLine && Date.now() - started < giveUpAfterMs) await pause(200);
		if (connection.syncedOnce) await pause(lingerMs);
		connection.destroy();
	}
}

function pause(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

if (typeof window !== 'undefined') {
	window.addEventListener('online', () => {
		if (user) flushPendingBoards(user);
	});
}
