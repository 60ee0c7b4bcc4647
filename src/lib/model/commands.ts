import * as Y from 'yjs';
import { boardMaps, listDealsInStage, listStages, readDeal } from './board.js';
import { rankBetween, spreadRanks } from './ranks.js';
import { dealFieldKey } from './fields.js';
import {
	boardSchemaVersion,
	type BoardMeta,
	type Deal,
	type DealSource,
	type PipelineMode,
	type Stage,
	type Task,
	type TaskType
} from './schema.js';

/** Every command takes the ids it creates from the caller: the model stays pure. */
export interface Clock {
	now: () => string;
}

function toEntity(fields: object): Y.Map<unknown> {
	// Optional fields that are undefined are left out, not stored as null.
	const entries = Object.entries(fields).filter(([key, value]) => key !== 'id' && key !== 'fields' && value !== undefined);
	// A deal's custom values are keys of their own (`f:<fieldId>`), not one nested value.
	const custom = (fields as { fields?: Record<string, unknown> }).fields ?? {};
	for (const [fieldId, value] of Object.entries(custom)) if (value !== undefined && value !== null) entries.push([dealFieldKey(fieldId), value]);
	return new Y.Map<unknown>(entries);
}

export type StageInput = Omit<Stage, 'rank'> & { rank?: string };

/** Fills an empty document with a pipeline's meta and stages. */
export function initialiseBoard(doc: Y.Doc, meta: Omit<BoardMeta, 'schema'>, stages: StageInput[]): void {
	const maps = boardMaps(doc);
	const ranks = spreadRanks(stages.length);
	doc.transact(() => {
		for (const [key, value] of Object.entries({ schema: boardSchemaVersion, ...meta })) maps.meta.set(key, value);
		stages.forEach((stage, index) => maps.stages.set(stage.id, toEntity({ ...stage, rank: stage.rank ?? ranks[index] })));
	});
}

export function updateBoardMeta(doc: Y.Doc, changes: Partial<{ name: string; mode: PipelineMode }>): void {
	const meta = boardMaps(doc).meta;
	doc.transact(() => {
		for (const [key, value] of Object.entries(changes)) if (value !== undefined) meta.set(key, value);
	});
}

export interface NewDeal {
	id: string;
	title: string;
	valueMinor: number;
	currency: string;
	stageId: string;
	ownerId: string;
	contactId?: string;
	companyId?: string;
	expectedCloseDate?: string;
	/** Custom field values by field id. */
	fields?: Record<string, unknown>;
	source?: DealSource;
	/** Where in the column; default: at the top. */
	rank?: string;
}

export interface NewTask {
	id: string;
	type: TaskType;
	title: string;
	dueAt: string;
	assigneeId?: string;
}

/**
 * Creates a deal together with its first task in one transaction: an open
 * deal is never without an active task, not even for one update.
 */
export function createDeal(doc: Y.Doc, input: NewDeal, firstTask: NewTask, clock: Clock): { deal: Deal; task: Task } {
	const now = clock.now();
	// Only look for the top of the column when no place was given: it reads the whole board.
	const rank = input.rank ?? rankBetween(null, listDealsInStage(doc, input.stageId)[0]?.rank ?? null);
	const deal: Deal = {
		id: input.id,
		title: input.title,
		valueMinor: input.valueMinor,
		currency: input.currency,
		stageId: input.stageId,
		rank,
		ownerId: input.ownerId,
		contactId: input.contactId,
		companyId: input.companyId,
		expectedCloseDate: input.expectedCloseDate,
		fields: input.fields && Object.keys(input.fields).length > 0 ? input.fields : undefined,
		source: input.source ?? 'manual',
		status: 'open',
		createdAt: now,
		updatedAt: now
	};
	const task: Task = {
		id: firstTask.id,
		dealId: deal.id,
		type: firstTask.type,
		title: firstTask.title,
		dueAt: firstTask.dueAt,
		assigneeId: firstTask.assigneeId ?? deal.ownerId,
		done: false
	};
	const maps = boardMaps(doc);
	doc.transact(() => {
		maps.deals.set(deal.id, toEntity(deal));
		maps.tasks.set(task.id, toEntity(task));
	});
	return { deal: stripUndefined(deal), task };
}

/**
 * Moves a deal to a stage and a place in its column: two field writes, so
 * concurrent moves of one card converge on one place (last writer per field).
 * Without a rank the deal goes to the top of the column.
 */
export function moveDeal(doc: Y.Doc, dealId: string, stageId: string, rank: string | undefined, clock: Clock): void {
	const map = boardMaps(doc).deals.get(dealId);
	if (!map) throw new Error(`Unknown deal ${dealId}`);
	const targetRank = rank ?? rankBetween(null, listDealsInStage(doc, stageId).find((d) => d.id !== dealId)?.rank ?? null);
	doc.transact(() => {
		if (map.get('stageId') !== stageId) map.set('stageId', stageId);
		map.set('rank', targetRank);
		map.set('updatedAt', clock.now());
	});
}

/** The rank that places a card between two neighbours of a column (ids, or null for an end). */
export function rankForDrop(doc: Y.Doc, stageId: string, beforeId: string | null, afterId: string | null): string {
	const before = beforeId ? readDeal(doc, beforeId) : null;
	const after = afterId ? readDeal(doc, afterId) : null;
	if (before?.stageId !== stageId && before) throw new Error('neighbour in another stage');
	return rankBetween(before?.rank ?? null, after?.rank ?? null);
}

/**
 * Gives a deal a new owner. The open tasks the previous owner held on it go
 * along: a reassigned deal must not keep its next step with someone who no
 * longer works it.
 */
export function reassignDeal(doc: Y.Doc, dealId: string, ownerId: string, clock: Clock): void {
	const { deals, tasks } = boardMaps(doc);
	const deal = deals.get(dealId);
	if (!deal) throw new Error(`Unknown deal ${dealId}`);
	const previous = deal.get('ownerId');
	if (previous === ownerId) return;
	doc.transact(() => {
		deal.set('ownerId', ownerId);
		deal.set('updatedAt', clock.now());
		tasks.forEach((task) => {
			if (task.get('dealId') === dealId && task.get('done') === false && task.get('assigneeId') === previous) {
				task.set('assigneeId', ownerId);
			}
		});
	});
}

/**
 * Moves several deals to the top of a stage in one transaction, keeping their
 * given order; the column is read once, not once per deal.
 */
export function moveDealsToStage(doc: Y.Doc, dealIds: string[], stageId: string, clock: Clock): void {
	const { deals } = boardMaps(doc);
	const moving = new Set(dealIds);
	let next = listDealsInStage(doc, stageId).find((deal) => !moving.has(deal.id))?.rank ?? null;
	const now = clock.now();
	doc.transact(() => {
		for (const dealId of [...dealIds].reverse()) {
			const deal = deals.get(dealId);
			if (!deal) throw new Error(`Unknown deal ${dealId}`);
			const rank = rankBetween(null, next);
			deal.set('stageId', stageId);
			deal.set('rank', rank);
			deal.set('updatedAt', now);
			next = rank;
		}
	});
}

export function addStage(doc: Y.Doc, stage: Omit<Stage, 'rank'>, afterStageId: string | null): Stage {
	const stages = listStages(doc);
	const index = afterStageId ? stages.findIndex((s) => s.id === afterStageId) : -1;
	const rank = rankBetween(stages[index]?.rank ?? null, stages[index + 1]?.rank ?? null);
	const created = { ...stage, rank };
	doc.transact(() => boardMaps(doc).stages.set(stage.id, toEntity(created)));
	return created;
}

export function updateStage(
	doc: Y.Doc,
	stageId: string,
	changes: Partial<Pick<Stage, 'name' | 'probability' | 'rotDays' | 'color' | 'rank' | 'required'>>
): void {
	const map = boardMaps(doc).stages.get(stageId);
	if (!map) throw new Error(`Unknown stage ${stageId}`);
	doc.transact(() => {
		for (const [key, value] of Object.entries(changes)) {
			if (value === undefined) map.delete(key);
			else map.set(key, value);
		}
	});
}

/** Deletes a stage; a stage that still holds deals must be emptied first. */
export function deleteStage(doc: Y.Doc, stageId: string): void {
	const holding = [...boardMaps(doc).deals.values()].some((deal) => deal.get('stageId') === stageId);
	if (holding) throw new Error('Move the deals out of this stage before deleting it.');
	doc.transact(() => boardMaps(doc).stages.delete(stageId));
}

function stripUndefined<T extends object>(value: T): T {
	return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export interface TaskChanges {
	type?: TaskType;
	title?: string;
	dueAt?: string;
	assigneeId?: string;
}

/** Adds a task to a deal; the assignee defaults to the deal's owner. */
export function addTask(doc: Y.Doc, dealId: string, task: NewTask): Task {
	const deal = boardMaps(doc).deals.get(dealId);
	if (!deal) throw new Error(`Unknown deal ${dealId}`);
	const created: Task = {
		id: task.id,
		dealId,
		type: task.type,
		title: task.title,
		dueAt: task.dueAt,
		assigneeId: task.assigneeId ?? (deal.get('ownerId') as string),
		done: false
	};
	doc.transact(() => boardMaps(doc).tasks.set(created.id, toEntity(created)));
	return created;
}

export function updateTask(doc: Y.Doc, taskId: string, changes: TaskChanges): void {
	const task = boardMaps(doc).tasks.get(taskId);
	if (!task) throw new Error(`Unknown task ${taskId}`);
	doc.transact(() => {
		for (const [key, value] of Object.entries(changes)) if (value !== undefined) task.set(key, value);
	});
}

/**
 * Completes a task, or reopens it. Completing the last active task of an open
 * deal needs the next one in the same transaction (or the deal closed first):
 * the rule holds at every step.
 */
export function setTaskDone(doc: Y.Doc, taskId: string, done: boolean, clock: Clock, next?: NewTask): Task | null {
	const task = boardMaps(doc).tasks.get(taskId);
	if (!task) throw new Error(`Unknown task ${taskId}`);
	let created: Task | null = null;
	doc.transact(() => {
		task.set('done', done);
		if (done) task.set('doneAt', clock.now());
		else task.delete('doneAt');
		if (next) created = addTask(doc, task.get('dealId') as string, next);
	});
	return created;
}

/**
 * Closes a deal as won, or as lost with a reason (and a note); it stays where
 * it was in the funnel. `completeTaskIds` are marked done in the same step.
 */
export function closeDeal(
	doc: Y.Doc,
	dealId: string,
	outcome: 'won' | 'lost',
	lost: { reason?: string; note?: string },
	clock: Clock,
	completeTaskIds: string[] = []
): void {
	const { deals, tasks } = boardMaps(doc);
	const deal = deals.get(dealId);
	if (!deal) throw new Error(`Unknown deal ${dealId}`);
	const now = clock.now();
	doc.transact(() => {
		deal.set('status', outcome);
		deal.set('closedAt', now);
		deal.set('updatedAt', now);
		for (const [key, value] of [['lostReason', lost.reason], ['lostNote', lost.note]] as const) {
			if (outcome === 'lost' && value) deal.set(key, value);
			else deal.delete(key);
		}
		for (const taskId of completeTaskIds) {
			const task = tasks.get(taskId);
			if (task?.get('dealId') !== dealId) throw new Error(`Task ${taskId} is not a task of deal ${dealId}`);
			task.set('done', true);
			task.set('doneAt', now);
		}
	});
}

/** Reopens a closed deal with a new first task, in one transaction. */
export function reopenDeal(doc: Y.Doc, dealId: string, task: NewTask, clock: Clock): Task {
	const deal = boardMaps(doc).deals.get(dealId);
	if (!deal) throw new Error(`Unknown deal ${dealId}`);
	let created!: Task;
	doc.transact(() => {
		deal.set('status', 'open');
		deal.delete('closedAt');
		deal.delete('lostReason');
		deal.delete('lostNote');
		deal.set('updatedAt', clock.now());
		created = addTask(doc, dealId, task);
	});
	return created;
}

/** The fields an edit may change; a contact or company of null unlinks it. */
export type DealChanges = Partial<Pick<Deal, 'title' | 'valueMinor' | 'currency'>> & {
	contactId?: string | null;
	companyId?: string | null;
	expectedCloseDate?: string | null;
	/** Custom field values by field id; null clears one. Fields not named keep their values. */
	fields?: Record<string, unknown>;
};

export function updateDeal(doc: Y.Doc, dealId: string, changes: DealChanges, clock: Clock): void {
	const deal = boardMaps(doc).deals.get(dealId);
	if (!deal) throw new Error(`Unknown deal ${dealId}`);
	const { fields, ...core } = changes;
	doc.transact(() => {
		for (const [key, value] of Object.entries(core)) {
			if (value === null) deal.delete(key);
			else if (value !== undefined) deal.set(key, value);
		}
		for (const [fieldId, value] of Object.entries(fields ?? {})) {
			if (value === null) deal.delete(dealFieldKey(fieldId));
			else if (value !== undefined) deal.set(dealFieldKey(fieldId), value);
		}
		deal.set('updatedAt', clock.now());
	});
}

/**
 * Puts a deal that was archived off the board back on it, as it was, so it
 * can be reopened. It goes to the top of its column.
 */
export function restoreDeal(doc: Y.Doc, deal: Deal, tasks: Task[] = []): void {
	const top = listDealsInStage(doc, deal.stageId)[0];
	doc.transact(() => {
		boardMaps(doc).deals.set(deal.id, toEntity({ ...deal, rank: rankBetween(null, top?.rank ?? null) }));
		// A deal back from the trash brings its tasks, done and open: its history and its next step.
		for (const task of tasks) boardMaps(doc).tasks.set(task.id, toEntity(task));
	});
}
