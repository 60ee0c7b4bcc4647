import { ApiFailure } from '$lib/api/client';
import { newId } from '$lib/board/ids';
import { logInteraction } from '$lib/deal/deal-api';
import type { InteractionKind } from '$lib/deal/types';
import { deleteRecord, listRecords, putRecord } from './device-store';
import { offlineUser, setOfflineUser, type OfflineUser } from './offline-user';
import { noteQueued, noteSynced } from './sync-status.svelte';

/** A call, meeting, email or note logged without a connection, waiting to be sent. */
export interface QueuedInteraction {
	/** The idempotency key: a retry whose first answer was lost never logs it twice. */
	clientId: string;
	dealId: string;
	kind: InteractionKind;
	text: string;
	/** When the user logged it, which is when it happened, not when it was sent. */
	at: string;
	userId: string;
	userName: string;
}

let flushing: Promise<void> | null = null;

/** Whose outbox this page sends, and whose boards open offline; set once the signed-in user is known. */
export function useOutboxOf(user: OfflineUser): void {
	setOfflineUser(user);
	void refreshCount();
	void flushOutbox();
}

/**
 * Logs a call, meeting, email or note: sent at once when the server answers,
 * else kept in the outbox (true: queued). The entry's id is chosen before the
 * first attempt, so an attempt whose answer was lost and the queued retry
 * are the same entry to the server.
 */
export async function logOrQueueInteraction(dealId: string, kind: InteractionKind, text: string): Promise<boolean> {
	const user = offlineUser();
	const entry = { clientId: newId(), dealId, kind, text, at: new Date().toISOString() };
	if (navigator.onLine || !user) {
		try {
			await logInteraction(dealId, kind, text, { at: entry.at, clientId: entry.clientId });
			return false;
		} catch (failure) {
			if (!user || !(failure instanceof ApiFailure && failure.status === 0)) throw failure;
		}
	}
	await putRecord('outbox', entry.clientId, user.id, { ...entry, userId: user.id, userName: user.name } satisfies QueuedInteraction);
	await refreshCount();
	return true;
}

/** What waits to be sent for one deal, oldest first (the deal page shows it as pending). */
export async function queuedFor(dealId: string): Promise<QueuedInteraction[]> {
	const currentUser = offlineUser();
	if (!currentUser) return [];
	const all = await listRecords<QueuedInteraction>('outbox', currentUser.id).catch(() => []);
	return all.filter((entry) => entry.dealId === dealId).sort((a, b) => a.at.localeCompare(b.at));
}

async function refreshCount(): Promise<number> {
	const currentUser = offlineUser();
	if (!currentUser) return 0;
	const count = (await listRecords('outbox', currentUser.id).catch(() => [])).length;
	noteQueued(count);
	return count;
}

/**
 * Sends what waits, oldest first, one at a time; stops at the first network
 * failure (the next `online` event tries again). An entry the server refuses
 * (the deal is gone, the user lost access) is dropped: sending it again would
 * only be refused again.
 */
export function flushOutbox(): Promise<void> {
	flushing ??= sendAll().finally(() => (flushing = null));
	return flushing;
}

async function sendAll(): Promise<void> {
	const user = offlineUser();
	if (!user || !navigator.onLine) return;
	const entries = (await listRecords<QueuedInteraction>('outbox', user.id).catch(() => [])).sort((a, b) => a.at.localeCompare(b.at));
	if (entries.length === 0) return;
	for (const entry of entries) {
		try {
			await logInteraction(entry.dealId, entry.kind, entry.text, { at: entry.at, clientId: entry.clientId });
		} catch (failure) {
			if (failure instanceof ApiFailure && (failure.status === 0 || failure.status === 401 || failure.status >= 500)) break;
		}
		await deleteRecord('outbox', entry.clientId).catch(() => {});
	}
	if ((await refreshCount()) === 0) {
		noteSynced();
		window.dispatchEvent(new CustomEvent('voronka:outbox-sent'));
	}
}

if (typeof window !== 'undefined') window.addEventListener('online', () => void flushOutbox());
