/**
 * What is waiting for the network and when the app was last in step with the
 * server, for the top bar (OfflineStatus.svelte). Board edits made while a
 * board was not live are counted per pipeline and remembered on the device,
 * so a board closed before it could sync is sent later (board-flush.ts).
 */
const pendingBoardsKey = 'voronka.pendingBoards';
const lastSyncedKey = 'voronka.lastSyncedAt';

function readJson<T>(key: string, fallback: T): T {
	try {
		const text = localStorage.getItem(key);
		return text ? (JSON.parse(text) as T) : fallback;
	} catch {
		return fallback;
	}
}

function writeJson(key: string, value: unknown): void {
	try {
		localStorage.setItem(key, JSON.stringify(value));
	} catch {
		// Not remembered; the counts are still right on this page.
	}
}

class SyncStatus {
	online = $state(typeof navigator === 'undefined' ? true : navigator.onLine);
	/** Edits per board not yet sent to the server. */
	boardEdits = $state<Record<string, number>>(readJson(pendingBoardsKey, {}));
	/** Notes and calls logged offline, waiting in the outbox. */
	queued = $state(0);
	lastSyncedAt = $state<string | null>(readJson(lastSyncedKey, null));
	/** Set when everything waiting has gone out after being offline: "Back online — synced". */
	justSynced = $state(false);

	readonly waiting = $derived(this.queued + Object.values(this.boardEdits).reduce((sum, count) => sum + count, 0));
}

export const syncStatus = new SyncStatus();

let syncedTimer: ReturnType<typeof setTimeout> | undefined;
let wasBehind = syncStatus.waiting > 0 || !syncStatus.online;

function settle(): void {
	if (!syncStatus.online || syncStatus.waiting > 0) {
		wasBehind = true;
		syncStatus.justSynced = false;
		return;
	}
	if (!wasBehind) return;
	wasBehind = false;
	syncStatus.justSynced = true;
	clearTimeout(syncedTimer);
	syncedTimer = setTimeout(() => (syncStatus.justSynced = false), 5000);
}

/** The server has everything this device had: now is the last time in sync. */
export function noteSynced(): void {
	syncStatus.lastSyncedAt = new Date().toISOString();
	writeJson(lastSyncedKey, syncStatus.lastSyncedAt);
	settle();
}

export function noteBoardEdit(pipelineId: string): void {
	syncStatus.boardEdits = { ...syncStatus.boardEdits, [pipelineId]: (syncStatus.boardEdits[pipelineId] ?? 0) + 1 };
	writeJson(pendingBoardsKey, syncStatus.boardEdits);
	settle();
}

/** The board's server has merged this device's copy. */
export function noteBoardSynced(pipelineId: string): void {
	if (pipelineId in syncStatus.boardEdits) {
		const { [pipelineId]: _sent, ...rest } = syncStatus.boardEdits;
		syncStatus.boardEdits = rest;
		writeJson(pendingBoardsKey, rest);
	}
	noteSynced();
}

export function noteQueued(count: number): void {
	syncStatus.queued = count;
	settle();
}

export function pendingBoardIds(): string[] {
	return Object.keys(syncStatus.boardEdits);
}

if (typeof window !== 'undefined') {
	window.addEventListener('online', () => {
		syncStatus.online = true;
		settle();
	});
	window.addEventListener('offline', () => {
		syncStatus.online = false;
		settle();
	});
}

/** After logging out: nothing waits any more. */
export function resetSyncStatus(): void {
	syncStatus.boardEdits = {};
	syncStatus.queued = 0;
	syncStatus.lastSyncedAt = null;
	syncStatus.justSynced = false;
	wasBehind = false;
}
