import { api, call, type CallOptions } from '$lib/api/client';
import type { DealPage, InteractionKind, LostReason, NewTask } from './types';

const deals = api.api.deals[':dealId'];

export function fetchDeal(dealId: string): Promise<DealPage> {
	return call(deals.$get({ param: { dealId } }));
}

export function updateDeal(dealId: string, json: { title?: string; valueMinor?: number; currency?: string; ownerId?: string }) {
	return call(deals.$patch({ param: { dealId }, json }));
}

export function moveDeal(dealId: string, stageId: string) {
	return call(deals.move.$post({ param: { dealId }, json: { stageId } }));
}

/** Closes the deal; `completeTaskIds` are marked done in the same step, so no state ever breaks a rule. */
export function closeDeal(dealId: string, outcome: 'won' | 'lost', reason?: string, note?: string, completeTaskIds: string[] = []) {
	return call(deals.close.$post({ param: { dealId }, json: { outcome, reason, note: note?.trim() || undefined, completeTaskIds } }));
}

export function reopenDeal(dealId: string, task: NewTask) {
	return call(deals.reopen.$post({ param: { dealId }, json: { task } }));
}

export function addTask(dealId: string, task: NewTask) {
	return call(deals.tasks.$post({ param: { dealId }, json: task }));
}

export function updateTask(
	taskId: string,
	json: { type?: NewTask['type']; title?: string; dueAt?: string; assigneeId?: string; done?: boolean; next?: NewTask }
) {
	return call(api.api.tasks[':taskId'].$patch({ param: { taskId }, json }));
}

export function logInteraction(dealId: string, kind: InteractionKind, text: string) {
	return call(deals.interactions.$post({ param: { dealId }, json: { kind, text } }));
}

export async function fetchLostReasons(workspaceId: string): Promise<LostReason[]> {
	const answer = await call(api.api.workspaces[':workspaceId']['lost-reasons'].$get({ param: { workspaceId } }));
	return answer.reasons;
}

export async function fetchMyTasks(workspaceId: string, options?: CallOptions) {
	return call(api.api.workspaces[':workspaceId']['my-tasks'].$get({ param: { workspaceId } }), options);
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
