import type * as Y from 'yjs';
import { ApiFailure } from '$lib/api/client';
import type { Role } from '$lib/api/types';
import { m } from '$lib/i18n';
import { cachedPipeline } from '$lib/board/board-api';
import { newId } from '$lib/board/ids';
import { strictRefusal } from '$lib/board/strict';
import { cachedFields } from '$lib/fields/fields-api';
import * as model from '$lib/model';
import { readCopy, saveCopy } from '$lib/offline/device-store';
import { boardOfDeal, boardOfTask, boardsOnDevice, openBoardOffline, openOfflineBoards, type OfflineBoard } from '$lib/offline/offline-boards';
import { offlineUser } from '$lib/offline/offline-user';
import type { Deal, DealPage, DealTask, MyTask, MyTasks, NewTask } from './types';

/**
 * The deal page and My tasks without the API: read from the board documents
 * on this device and written through them (the model's commands), so the
 * edits sync with the board. The timeline comes from the deal page last seen
 * online (kept per user in IndexedDB, deleted on logout).
 */
const clock: model.Clock = { now: () => new Date().toISOString() };
const copyKey = (dealId: string) => `deal:${dealId}`;

export function isNetworkFailure(error: unknown): boolean {
	return error instanceof ApiFailure && error.status === 0;
}

/** Keeps the deal page as last seen, for opening it offline. */
export function rememberDealPage(page: DealPage): void {
	const user = offlineUser();
	if (user) saveCopy(copyKey(page.deal.id), user.id, page);
}

async function lastSeen(dealId: string): Promise<DealPage | null> {
	const user = offlineUser();
	return user ? readCopy<DealPage>(copyKey(dealId), user.id) : null;
}

/** Opens, from this device's copies, the board that holds the deal; null when none does. */
export async function openDealBoard(dealId: string): Promise<OfflineBoard | null> {
	const open = boardOfDeal(dealId);
	if (open) return open;
	const seen = await lastSeen(dealId);
	const candidates = seen ? [seen.deal.pipelineId] : await boardsOnDevice();
	for (const pipelineId of candidates) {
		const board = await openBoardOffline(pipelineId);
		if (board && model.readDeal(board.doc, dealId)) return board;
	}
	return null;
}

function roleOn(pipelineId: string, seen: DealPage | null): Role {
	return cachedPipeline(pipelineId)?.role ?? seen?.role ?? 'viewer';
}

function toDealJson(deal: model.Deal, pipelineId: string, seen: DealPage | null): Deal {
	const before = seen?.deal;
	return {
		id: deal.id,
		pipelineId,
		title: deal.title,
		valueMinor: deal.valueMinor,
		currency: deal.currency,
		stageId: deal.stageId,
		ownerId: deal.ownerId,
		contactId: deal.contactId ?? null,
		companyId: deal.companyId ?? null,
		source: deal.source,
		status: deal.status,
		lostReason: deal.lostReason ?? null,
		lostNote: deal.lostNote ?? null,
		expectedCloseDate: deal.expectedCloseDate ?? null,
		custom: (deal.fields ?? {}) as Record<string, model.FieldValue>,
		createdAt: deal.createdAt,
		updatedAt: deal.updatedAt,
		closedAt: deal.closedAt ?? null,
		stageEnteredAt: before && before.stageId === deal.stageId ? before.stageEnteredAt : deal.updatedAt,
		archivedAt: null,
		deletedAt: null
	};
}

/** The deal page from an open offline board, with the timeline as last seen. */
export async function dealPageFromBoard(board: OfflineBoard, dealId: string): Promise<DealPage | null> {
	const deal = model.readDeal(board.doc, dealId);
	if (!deal) return null;
	const seen = await lastSeen(dealId);
	return {
		deal: toDealJson(deal, board.pipelineId, seen),
		role: roleOn(board.pipelineId, seen),
		tasks: model.listTasksOfDeal(board.doc, dealId) as DealTask[],
		stageHistory: seen?.stageHistory ?? [],
		interactions: seen?.interactions ?? [],
		history: seen?.history ?? []
	};
}

function refused(status: number, code: string, message: string): ApiFailure {
	return new ApiFailure(status, code, message);
}

function dealOf(doc: Y.Doc, dealId: string): model.Deal {
	const deal = model.readDeal(doc, dealId);
	if (!deal) throw refused(404, 'not_found', m.deal_offline_deal_gone());
	return deal;
}

/** The writes of deal-api.ts, through an offline board. Same answers, same refusals as the API. */
export const offlineWrites = {
	updateTask(board: OfflineBoard, taskId: string, changes: { type?: NewTask['type']; title?: string; dueAt?: string; assigneeId?: string; done?: boolean; next?: NewTask }) {
		const { doc } = board;
		const task = model.readTask(doc, taskId);
		if (!task) throw refused(404, 'not_found', m.deal_offline_task_gone());
		const deal = dealOf(doc, task.dealId);
		if (changes.done === true && !task.done && !changes.next && deal.status === 'open') {
			const others = model.listTasksOfDeal(doc, deal.id).filter((other) => !other.done && other.id !== taskId);
			if (others.length === 0) throw refused(409, 'rule_deal_without_task', m.deal_offline_needs_next_step());
		}
		let next: model.Task | null = null;
		doc.transact(() => {
			model.updateTask(doc, taskId, { type: changes.type, title: changes.title, dueAt: changes.dueAt, assigneeId: changes.assigneeId });
			if (changes.done !== undefined && changes.done !== task.done) {
				next = model.setTaskDone(doc, taskId, changes.done, clock, changes.next ? { ...changes.next, id: newId() } : undefined);
			}
		});
		return { task: model.readTask(doc, taskId) as DealTask, next: next as DealTask | null };
	},

	addTask(board: OfflineBoard, dealId: string, task: NewTask) {
		dealOf(board.doc, dealId);
		return { task: model.addTask(board.doc, dealId, { ...task, id: newId() }) as DealTask };
	},

	moveDeal(board: OfflineBoard, dealId: string, stageId: string) {
		const { doc } = board;
		const deal = dealOf(doc, dealId);
		const stages = model.listStages(doc);
		const target = stages.find((stage) => stage.id === stageId);
		if (!target || target.kind !== 'open') throw refused(422, 'validation_failed', m.deal_offline_open_stage());
		if (model.readMeta(doc)?.mode === 'strict') {
			// The field labels as this device last saw them: a required custom field binds offline too.
			const workspaceId = model.readMeta(doc)?.workspaceId ?? '';
			const fields = cachedFields(workspaceId) ?? [];
			const refusal = strictRefusal(stages, deal, stageId, (fieldId) => fields.find((field) => field.id === fieldId && field.entity === 'deal')?.label);
			if (refusal) throw refused(409, 'rule_strict_move', refusal);
		}
		model.moveDeal(doc, dealId, stageId, undefined, clock);
		return { deal: toDealJson(dealOf(doc, dealId), board.pipelineId, null) };
	},

	closeDeal(board: OfflineBoard, dealId: string, outcome: 'won' | 'lost', reason: string | undefined, note: string | undefined, completeTaskIds: string[]) {
		const { doc } = board;
		if (dealOf(doc, dealId).status !== 'open') throw refused(409, 'deal_closed', m.deal_offline_closed_already());
		if (outcome === 'lost' && !reason) throw refused(422, 'validation_failed', m.deal_offline_lost_reason());
		model.closeDeal(doc, dealId, outcome, { reason, note }, clock, completeTaskIds);
		return { deal: toDealJson(dealOf(doc, dealId), board.pipelineId, null) };
	}
};

export { boardOfDeal, boardOfTask };

const dayMs = 24 * 60 * 60 * 1000;

/**
 * My tasks from every board on this device: the caller's open tasks of open
 * deals, soonest first, and what they completed in the last 24 hours.
 */
export async function myTasksFromBoards(workspaceId: string): Promise<MyTasks | null> {
	const user = offlineUser();
	if (!user) return null;
	for (const pipelineId of await boardsOnDevice()) await openBoardOffline(pipelineId);
	const boards = openOfflineBoards().filter((board) => model.readMeta(board.doc)?.workspaceId === workspaceId);
	if (boards.length === 0) return null;
	const now = Date.now();
	const open: MyTask[] = [];
	const done: MyTask[] = [];
	for (const { pipelineId, doc } of boards) {
		const pipeline = { id: pipelineId, name: model.readMeta(doc)?.name ?? cachedPipeline(pipelineId)?.name ?? '' };
		const deals = new Map(model.listDeals(doc).map((deal) => [deal.id, deal]));
		for (const task of model.listTasks(doc)) {
			const deal = deals.get(task.dealId);
			if (task.assigneeId !== user.id || !deal) continue;
			const row: MyTask = {
				id: task.id,
				type: task.type,
				title: task.title,
				dueAt: task.dueAt,
				doneAt: task.done ? (task.doneAt ?? null) : null,
				assigneeId: task.assigneeId,
				auto: task.auto ?? false,
				overdue: !task.done && Date.parse(task.dueAt) < now,
				deal: { id: deal.id, title: deal.title, status: deal.status },
				pipeline
			};
			if (!task.done && deal.status === 'open') open.push(row);
			else if (task.done && task.doneAt && now - Date.parse(task.doneAt) < dayMs) done.push(row);
		}
	}
	open.sort((a, b) => a.dueAt.localeCompare(b.dueAt));
	done.sort((a, b) => (b.doneAt ?? '').localeCompare(a.doneAt ?? ''));
	return { tasks: open, done, overdue: open.filter((task) => task.overdue).length };
}
