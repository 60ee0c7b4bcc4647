import type * as Y from 'yjs';
import { BoardConnection } from '$lib/board/board-connection.svelte';
import { boardCopyPrefix } from '$lib/board/local-copy';
import { colorOf } from '$lib/board/people';
import { readDeal, readMeta, readTask } from '$lib/model';
import { offlineUser } from './offline-user';

/**
 * Boards opened from this device's copies because the API could not be
 * reached: the deal page and My tasks then read and write the board
 * documents themselves, and the edits sync like any board edit. A board
 * stays open while the server is out of reach; once it has synced it is
 * closed and the pages go back to the API (the `voronka:boards-synced` event).
 */
const open = new Map<string, BoardConnection>();
const loadTimeoutMs = 10_000;
const lingerMs = 1500;

export interface OfflineBoard {
	pipelineId: string;
	doc: Y.Doc;
}

/** The open offline board holding the deal, if any. */
export function boardOfDeal(dealId: string): OfflineBoard | null {
	for (const [pipelineId, connection] of open) if (readDeal(connection.doc, dealId)) return { pipelineId, doc: connection.doc };
	return null;
}

export function boardOfTask(taskId: string): OfflineBoard | null {
	for (const [pipelineId, connection] of open) if (readTask(connection.doc, taskId)) return { pipelineId, doc: connection.doc };
	return null;
}

export function openOfflineBoards(): OfflineBoard[] {
	return [...open].map(([pipelineId, connection]) => ({ pipelineId, doc: connection.doc }));
}

/** The boards this device holds a copy of. */
export async function boardsOnDevice(): Promise<string[]> {
	if (typeof indexedDB.databases !== 'function') return [];
	const databases = await indexedDB.databases().catch(() => []);
	return databases.map((db) => db.name ?? '').filter((name) => name.startsWith(boardCopyPrefix)).map((name) => name.slice(boardCopyPrefix.length));
}

/**
 * Opens a board from its local copy (and connects it, so it syncs as soon as
 * the server answers). Resolves once the copy is loaded; null when the device
 * has nothing of it or nobody is signed in.
 */
export async function openBoardOffline(pipelineId: string): Promise<OfflineBoard | null> {
	const known = open.get(pipelineId);
	if (known) return { pipelineId, doc: known.doc };
	const user = offlineUser();
	if (!user) return null;
	const connection = new BoardConnection(pipelineId, { ...user, color: colorOf(user.id) });
	const started = Date.now();
	while (!connection.loadedLocally && Date.now() - started < loadTimeoutMs) await pause(50);
	if (!connection.loadedLocally || !readMeta(connection.doc)) {
		connection.destroy();
		return null;
	}
	open.set(pipelineId, connection);
	void closeOnceSynced(pipelineId, connection);
	return { pipelineId, doc: connection.doc };
}

async function closeOnceSynced(pipelineId: string, connection: BoardConnection): Promise<void> {
	while (open.get(pipelineId) === connection && connection.state !== 'live') await pause(250);
	await pause(lingerMs);
	if (open.get(pipelineId) !== connection) return;
	open.delete(pipelineId);
	connection.destroy();
	window.dispatchEvent(new CustomEvent('voronka:boards-synced', { detail: { pipelineId } }));
}

/** On logout: close every board before its copy is deleted. */
export function closeOfflineBoards(): void {
	for (const connection of open.values()) connection.destroy();
	open.clear();
}

function pause(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
