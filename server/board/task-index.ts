import * as Y from 'yjs';
import { boardMaps } from '../../src/lib/model/board.js';
import type { ChangeSet } from './change-set.js';

/**
 * Which deal each task belongs to, and back. Rule checks follow the change,
 * not the board: "does this deal still have an active task" looks at the
 * deal's tasks only, so a move costs the same on a board of 50 or 5,000 deals.
 */
export interface TaskIndex {
	dealOf(taskId: string): string | undefined;
	tasksOf(dealId: string): Iterable<string>;
}

export class TaskDealIndex implements TaskIndex {
	private readonly dealByTask = new Map<string, string>();
	private readonly tasksByDeal = new Map<string, Set<string>>();

	/** Indexes every task of a document (on load). */
	static of(doc: Y.Doc): TaskDealIndex {
		const index = new TaskDealIndex();
		// One pass, straight into both maps: every task id is seen once, so
		// there is nothing to remove first (set() does, for later changes).
		boardMaps(doc).tasks.forEach((task, taskId) => {
			const dealId = task instanceof Y.Map ? task.get('dealId') : undefined;
			if (typeof dealId !== 'string') return;
			index.dealByTask.set(taskId, dealId);
			const tasks = index.tasksByDeal.get(dealId);
			if (tasks) tasks.add(taskId);
			else index.tasksByDeal.set(dealId, new Set([taskId]));
		});
		return index;
	}

	dealOf(taskId: string): string | undefined {
		return this.dealByTask.get(taskId);
	}

	tasksOf(dealId: string): Iterable<string> {
		return this.tasksByDeal.get(dealId) ?? [];
	}

	/** Follows an accepted change. */
	update(doc: Y.Doc, changes: ChangeSet): void {
		const { tasks } = boardMaps(doc);
		for (const [taskId, change] of changes.tasks) {
			const task = tasks.get(taskId);
			const dealId = task instanceof Y.Map ? task.get('dealId') : undefined;
			if (change.deleted || typeof dealId !== 'string') this.remove(taskId);
			else this.set(taskId, dealId);
		}
	}

	private set(taskId: string, dealId: string): void {
		this.remove(taskId);
		this.dealByTask.set(taskId, dealId);
		let tasks = this.tasksByDeal.get(dealId);
		if (!tasks) this.tasksByDeal.set(dealId, (tasks = new Set()));
		tasks.add(taskId);
	}

	private remove(taskId: string): void {
		const dealId = this.dealByTask.get(taskId);
		if (dealId === undefined) return;
		this.dealByTask.delete(taskId);
		this.tasksByDeal.get(dealId)?.delete(taskId);
	}
}
