import * as Y from 'yjs';
import { compareByRank } from './ranks.js';
import type { BoardMeta, Deal, Stage, Task } from './schema.js';
import { splitDealFields } from './fields.js';

export type EntityMap = Y.Map<unknown>;

/** The four top-level maps of a board document. */
export function boardMaps(doc: Y.Doc) {
	return {
		meta: doc.getMap<unknown>('meta'),
		stages: doc.getMap<EntityMap>('stages'),
		deals: doc.getMap<EntityMap>('deals'),
		tasks: doc.getMap<EntityMap>('tasks')
	};
}

function readEntity<T>(id: string, map: EntityMap | undefined): T | null {
	if (!(map instanceof Y.Map)) return null;
	return { id, ...map.toJSON() } as T;
}

export function readMeta(doc: Y.Doc): BoardMeta | null {
	const meta = boardMaps(doc).meta;
	if (meta.size === 0) return null;
	return meta.toJSON() as BoardMeta;
}

/** Stages in board order. */
export function listStages(doc: Y.Doc): Stage[] {
	const stages: Stage[] = [];
	boardMaps(doc).stages.forEach((map, id) => {
		const stage = readEntity<Stage>(id, map);
		if (stage) stages.push(stage);
	});
	return stages.sort(compareByRank);
}

/** A deal with its custom values (`f:<fieldId>` keys) gathered into `fields`. */
export function readDealMap(id: string, map: unknown): Deal | null {
	if (!(map instanceof Y.Map)) return null;
	const { core, custom } = splitDealFields(map.toJSON() as Record<string, unknown>);
	// Left out when empty, so a deal without custom values reads as it always did.
	return (Object.keys(custom).length > 0 ? { id, ...core, fields: custom } : { id, ...core }) as Deal;
}

export function readDeal(doc: Y.Doc, dealId: string): Deal | null {
	return readDealMap(dealId, boardMaps(doc).deals.get(dealId));
}

export function listDeals(doc: Y.Doc): Deal[] {
	const deals: Deal[] = [];
	boardMaps(doc).deals.forEach((map, id) => {
		const deal = readDealMap(id, map);
		if (deal) deals.push(deal);
	});
	return deals;
}

/** The open deals of a stage in column order. */
export function listDealsInStage(doc: Y.Doc, stageId: string): Deal[] {
	return listDeals(doc)
		.filter((deal) => deal.stageId === stageId && deal.status === 'open')
		.sort(compareByRank);
}

export function readTask(doc: Y.Doc, taskId: string): Task | null {
	return readEntity<Task>(taskId, boardMaps(doc).tasks.get(taskId));
}

export function listTasks(doc: Y.Doc): Task[] {
	const tasks: Task[] = [];
	boardMaps(doc).tasks.forEach((map, id) => {
		const task = readEntity<Task>(id, map);
		if (task) tasks.push(task);
	});
	return tasks;
}

export function listTasksOfDeal(doc: Y.Doc, dealId: string): Task[] {
	return listTasks(doc)
		.filter((task) => task.dealId === dealId)
		.sort((a, b) => (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : 0));
}
