import { api, ApiFailure, call, type CallOptions } from '$lib/api/client';
import { m } from '$lib/i18n';
import { openOfflineBoards } from '$lib/offline/offline-boards';
import { readCopy, saveCopy } from '$lib/offline/device-store';
import { offlineUser } from '$lib/offline/offline-user';
import {
	boardOfDeal,
	boardOfTask,
	dealPageFromBoard,
	isNetworkFailure,
	myTasksFromBoards,
	offlineWrites,
	openDealBoard,
	rememberDealPage
} from './offline-deal';
import type { DealPage, InteractionKind, LostReason, MyTasks, NewTask } from './types';

const deals = api.api.deals[':dealId'];

/**
 * The deal page. Without a connection it comes from this device's copy of
 * the deal's board (offline-deal.ts), and it keeps coming from there, with
 * every write below going through the board, until that board has synced.
 */
export async function fetchDeal(dealId: string): Promise<DealPage> {
	const board = boardOfDeal(dealId);
	if (board) {
		const page = await dealPageFromBoard(board, dealId);
		if (page) return page;
	}
	try {
		const page = await call(deals.$get({ param: { dealId } }));
		rememberDealPage(page);
		return page;
	} catch (failure) {
		if (!isNetworkFailure(failure)) throw failure;
		const offline = await openDealBoard(dealId);
		const page = offline && (await dealPageFromBoard(offline, dealId));
		if (!page) throw failure;
		return page;
	}
}

/** `contactId`/`companyId` null unlink them; linking needs the server (it checks the records), so there is no offline path. */
export function updateDeal(
	dealId: string,
	json: {
		title?: string;
		valueMinor?: number;
		currency?: string;
		ownerId?: string;
		contactId?: string | null;
		companyId?: string | null;
		expectedCloseDate?: string | null;
		/** Custom field values by field id; null clears one. */
		custom?: Record<string, unknown>;
	}
) {
	return call(deals.$patch({ param: { dealId }, json }));
}

/** Moves a deal to the trash (admins and its owner); restorable for 30 days. */
export function deleteDeal(dealId: string) {
	return call(deals.$delete({ param: { dealId } }));
}

export function restoreDeal(dealId: string) {
	return call(deals.restore.$post({ param: { dealId } }));
}

export async function moveDeal(dealId: string, stageId: string) {
	const board = boardOfDeal(dealId);
	if (board) return offlineWrites.moveDeal(board, dealId, stageId);
	return call(deals.move.$post({ param: { dealId }, json: { stageId } }));
}

/** Closes the deal; `completeTaskIds` are marked done in the same step, so no state ever breaks a rule. */
export async function closeDeal(dealId: string, outcome: 'won' | 'lost', reason?: string, note?: string, completeTaskIds: string[] = []) {
	const board = boardOfDeal(dealId);
	if (board) return offlineWrites.closeDeal(board, dealId, outcome, reason, note?.trim() || undefined, completeTaskIds);
	return call(deals.close.$post({ param: { dealId }, json: { outcome, reason, note: note?.trim() || undefined, completeTaskIds } }));
}

export function reopenDeal(dealId: string, task: NewTask) {
	return call(deals.reopen.$post({ param: { dealId }, json: { task } }));
}

export async function addTask(dealId: string, task: NewTask) {
	const board = boardOfDeal(dealId);
	if (board) return offlineWrites.addTask(board, dealId, task);
	return call(deals.tasks.$post({ param: { dealId }, json: task }));
}

export async function updateTask(
	taskId: string,
	json: { type?: NewTask['type']; title?: string; dueAt?: string; assigneeId?: string; done?: boolean; next?: NewTask }
) {
	const board = boardOfTask(taskId);
	if (board) return offlineWrites.updateTask(board, taskId, json);
	return call(api.api.tasks[':taskId'].$patch({ param: { taskId }, json }));
}

/** `clientId` makes a retry safe (the outbox sends one); `at` is when it happened, if not now. */
export function logInteraction(dealId: string, kind: InteractionKind, text: string, queued?: { at: string; clientId: string }) {
	return call(deals.interactions.$post({ param: { dealId }, json: { kind, text, ...queued } }));
}

/** The workspace's lost reasons; offline, the list last seen on this device, so a deal can be lost there too. */
export async function fetchLostReasons(workspaceId: string): Promise<LostReason[]> {
	const user = offlineUser();
	const key = `lost-reasons:${workspaceId}`;
	try {
		const answer = await call(api.api.workspaces[':workspaceId']['lost-reasons'].$get({ param: { workspaceId } }));
		if (user) saveCopy(key, user.id, answer.reasons);
		return answer.reasons;
	} catch (failure) {
		const saved = user && isNetworkFailure(failure) ? await readCopy<LostReason[]>(key, user.id) : null;
		if (saved) return saved;
		throw failure;
	}
}

/** How many of my tasks are overdue; without a connection, from the boards on this device. */
export function fetchOverdueCount(workspaceId: string, options?: CallOptions): Promise<number> {
	return fromServerOrBoards(
		workspaceId,
		async () => (await call(api.api.workspaces[':workspaceId']['my-tasks']['overdue'].$get({ param: { workspaceId } }), options)).overdue,
		(offline) => offline.overdue
	);
}

/** My tasks; without a connection, from the boards on this device. */
export function fetchMyTasks(workspaceId: string, options?: CallOptions): Promise<MyTasks> {
	return fromServerOrBoards(
		workspaceId,
		() => call(api.api.workspaces[':workspaceId']['my-tasks'].$get({ param: { workspaceId } }), options),
		(offline) => offline
	);
}

/**
 * The server's answer about my tasks or, when it cannot be reached, the same
 * worked out from the boards on this device. While boards are open offline
 * (offline-boards.ts: until they have synced) they answer without asking: the
 * server does not have their changes yet.
 */
async function fromServerOrBoards<T>(workspaceId: string, ask: () => Promise<T>, fromBoards: (offline: MyTasks) => T): Promise<T> {
	if (openOfflineBoards().length === 0) {
		try {
			return await ask();
		} catch (failure) {
			if (!isNetworkFailure(failure)) throw failure;
		}
	}
	const offline = await myTasksFromBoards(workspaceId);
	if (!offline) throw new ApiFailure(0, 'network', m.common_error_network());
	return fromBoards(offline);
}

const reasonsCache = new Map<string, Promise<LostReason[]>>();

/** The workspace's lost reasons, asked once per page load (settings forget them on change). */
export function lostReasonsOf(workspaceId: string): Promise<LostReason[]> {
	let reasons = reasonsCache.get(workspaceId);
	if (!reasons) {
		reasons = fetchLostReasons(workspaceId);
		reasonsCache.set(workspaceId, reasons);
		reasons.catch(() => reasonsCache.delete(workspaceId));
	}
	return reasons;
}

export function forgetLostReasons(workspaceId: string): void {
	reasonsCache.delete(workspaceId);
}
