import { boardCopyPrefix } from '$lib/board/local-copy';
import { closeDeviceStore, deviceStoreName } from './device-store';
import { closeOfflineBoards } from './offline-boards';
import { setOfflineUser } from './offline-user';
import { resetSyncStatus } from './sync-status.svelte';

/** Whose data this device holds: board copies, last-seen pages, the outbox. */
const ownerKey = 'voronka.deviceUser';
/** The device's own settings, not the user's data: they stay after logging out. */
const devicePreferences = new Set(['voronka.theme']);

/** Deletes an IndexedDB database; when another connection holds it, the deletion waits for it (and for nothing else). */
export function deleteDatabase(name: string): Promise<void> {
	return new Promise((resolve) => {
		const request = indexedDB.deleteDatabase(name);
		// Blocked (another tab holds it open): it goes once that tab lets go.
		request.onsuccess = request.onerror = request.onblocked = () => resolve();
	});
}

/**
 * Removes everything of the signed-in user from this device: every board's
 * local copy, the last-seen pages and the outbox, what localStorage remembers
 * (board details, members, last pipeline), and every cache but the service
 * worker's app shell; the device's theme stays. Called on logout, and when another user signs in.
 */
export async function forgetDeviceData(): Promise<void> {
	closeOfflineBoards();
	setOfflineUser(null);
	resetSyncStatus();
	closeDeviceStore();
	const databases = typeof indexedDB.databases === 'function' ? await indexedDB.databases().catch(() => []) : [];
	const names = databases.map((db) => db.name ?? '').filter((name) => name.startsWith(boardCopyPrefix));
	await Promise.all([deviceStoreName, ...names].map(deleteDatabase));
	try {
		for (const key of Object.keys(localStorage)) if (key.startsWith('voronka.') && !devicePreferences.has(key)) localStorage.removeItem(key);
	} catch {
		// Storage unavailable: nothing was remembered there either.
	}
	if (typeof caches !== 'undefined') {
		for (const name of await caches.keys()) if (!name.startsWith('voronka-shell-')) await caches.delete(name);
	}
}

/** A different user signs in on this device: the previous one's data goes first. */
export async function claimDevice(userId: string): Promise<void> {
	let owner: string | null = null;
	try {
		owner = localStorage.getItem(ownerKey);
	} catch {
		return;
	}
	if (owner === userId) return;
	if (owner !== null) await forgetDeviceData();
	try {
		localStorage.setItem(ownerKey, userId);
	} catch {
		// Not remembered: the next sign-in checks again.
	}
}
