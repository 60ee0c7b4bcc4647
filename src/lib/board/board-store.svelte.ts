import * as Y from 'yjs';
import { boardMaps, compareByRank, listStages, readDealMap, readMeta, type BoardMeta, type Deal, type Stage, type Task } from '$lib/model';

type EntityMap = Y.Map<unknown>;

function readEntity<T>(id: string, map: unknown): T | null {
	if (!(map instanceof Y.Map)) return null;
	return { id, ...map.toJSON() } as T;
}

function earlierDue(a: Task, b: Task): boolean {
	return a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.id < b.id);
}

/**
 * A read model of one board document for the UI. It keeps plain snapshots
 * of deals and tasks and updates only the entities a transaction touched,
 * then bumps `version`; components derive from it. An unchanged deal keeps
 * its snapshot object, so a keyed list re-renders only the cards that moved
 * or changed, also on a board of thousands of deals.
 */
export class BoardStore {
	/** Bumped after every change of the document; read it to depend on the board. */
	version = $state(0);

	#doc: Y.Doc;
	#deals = new Map<string, Deal>();
	#tasks = new Map<string, Task>();
	#tasksOfDeal = new Map<string, Set<string>>();
	#nextTask = new Map<string, Task | null>();
	#openByStage = new Map<string, Set<string>>();
	#columns = new Map<string, Deal[]>();
	#dirtyColumns = new Set<string>();
	#stages: Stage[] = [];
	#meta: BoardMeta | null = null;
	#unobserve: () => void;

	constructor(doc: Y.Doc) {
		this.#doc = doc;
		const maps = boardMaps(doc);
		this.#loadAll();
		const onDeals = (events: Y.YEvent<EntityMap>[]) => this.#dealsChanged(events);
		const onTasks = (events: Y.YEvent<EntityMap>[]) => this.#tasksChanged(events);
		const onStages = () => {
			this.#stages = listStages(doc);
		};
		const onMeta = () => {
			this.#meta = readMeta(doc);
		};
		// Several maps may change in one transaction; bump once, after all of them.
		const onTransaction = () => this.version++;
		maps.deals.observeDeep(onDeals);
		maps.tasks.observeDeep(onTasks);
		maps.stages.observeDeep(onStages);
		maps.meta.observe(onMeta);
		doc.on('afterTransaction', onTransaction);
		this.#unobserve = () => {
			maps.deals.unobserveDeep(onDeals);
			maps.tasks.unobserveDeep(onTasks);
			maps.stages.unobserveDeep(onStages);
			maps.meta.unobserve(onMeta);
			doc.off('afterTransaction', onTransaction);
		};
	}

	destroy(): void {
		this.#unobserve();
	}

	get doc(): Y.Doc {
		return this.#doc;
	}

	get meta(): BoardMeta | null {
		void this.version;
		return this.#meta;
	}

	/** Every stage in board order, open and closed. */
	get stages(): Stage[] {
		void this.version;
		return this.#stages;
	}

	get dealCount(): number {
		void this.version;
		return this.#deals.size;
	}

	deal(dealId: string): Deal | undefined {
		void this.version;
		return this.#deals.get(dealId);
	}

	/** The open deals of a stage in column order; the same array until that column changes. */
	column(stageId: string): Deal[] {
		void this.version;
		if (this.#dirtyColumns.has(stageId) || !this.#columns.has(stageId)) {
			const ids = this.#openByStage.get(stageId) ?? new Set();
			const deals: Deal[] = [];
			for (const id of ids) {
				const deal = this.#deals.get(id);
				if (deal) deals.push(deal);
			}
			this.#columns.set(stageId, deals.sort(compareByRank));
			this.#dirtyColumns.delete(stageId);
		}
		return this.#columns.get(stageId)!;
	}

	/** The open task due first: what the owner does next for this deal. */
	nextTask(dealId: string): Task | null {
		void this.version;
		let next = this.#nextTask.get(dealId);
		if (next === undefined) {
			next = null;
			for (const taskId of this.#tasksOfDeal.get(dealId) ?? []) {
				const task = this.#tasks.get(taskId);
				if (task && !task.done && (!next || earlierDue(task, next))) next = task;
			}
			this.#nextTask.set(dealId, next);
		}
		return next;
	}

	/** Every task of the deal, open and done, in no order; a new array after each change of the board. */
	tasksOf(dealId: string): Task[] {
		void this.version;
		const tasks: Task[] = [];
		for (const taskId of this.#tasksOfDeal.get(dealId) ?? []) {
			const task = this.#tasks.get(taskId);
			if (task) tasks.push(task);
		}
		return tasks;
	}

	/** How many tasks of the deal are still open. */
	openTaskCount(dealId: string): number {
		void this.version;
		let count = 0;
		for (const taskId of this.#tasksOfDeal.get(dealId) ?? []) if (this.#tasks.get(taskId)?.done === false) count++;
		return count;
	}

	/** The deal a task belongs to, to show a refusal about a task on its card. */
	dealOfTask(taskId: string): string | undefined {
		return this.#tasks.get(taskId)?.dealId;
	}

	/** The contacts and companies the deals are linked to, for the names on the cards. */
	linkedParties(): { contactIds: Set<string>; companyIds: Set<string> } {
		void this.version;
		const contactIds = new Set<string>();
		const companyIds = new Set<string>();
		for (const deal of this.#deals.values()) {
			if (deal.contactId) contactIds.add(deal.contactId);
			if (deal.companyId) companyIds.add(deal.companyId);
		}
		return { contactIds, companyIds };
	}

	/** The currency used by most deals of the board, for new deals. */
	mostUsedCurrency(): string | null {
		void this.version;
		const counts = new Map<string, number>();
		for (const deal of this.#deals.values()) counts.set(deal.currency, (counts.get(deal.currency) ?? 0) + 1);
		let best: string | null = null;
		for (const [currency, count] of counts) if (!best || count > counts.get(best)!) best = currency;
		return best;
	}

	#loadAll(): void {
		const maps = boardMaps(this.#doc);
		this.#meta = readMeta(this.#doc);
		this.#stages = listStages(this.#doc);
		maps.deals.forEach((map, id) => this.#putDeal(id, map));
		maps.tasks.forEach((map, id) => this.#putTask(id, map));
	}

	#dealsChanged(events: Y.YEvent<EntityMap>[]): void {
		const deals = boardMaps(this.#doc).deals;
		const touched = new Set<string>();
		for (const event of events) {
			if (event.target === deals) for (const key of event.changes.keys.keys()) touched.add(key);
			else if (typeof event.path[0] === 'string') touched.add(event.path[0]);
		}
		for (const id of touched) this.#putDeal(id, deals.get(id));
	}

	#tasksChanged(events: Y.YEvent<EntityMap>[]): void {
		const tasks = boardMaps(this.#doc).tasks;
		const touched = new Set<string>();
		for (const event of events) {
			if (event.target === tasks) for (const key of event.changes.keys.keys()) touched.add(key);
			else if (typeof event.path[0] === 'string') touched.add(event.path[0]);
		}
		for (const id of touched) this.#putTask(id, tasks.get(id));
	}

	#putDeal(id: string, map: unknown): void {
		const before = this.#deals.get(id);
		// Custom values (`f:<fieldId>` keys) gathered into `fields`, as everywhere a deal is read.
		const deal = readDealMap(id, map);
		if (before) {
			this.#openByStage.get(before.stageId)?.delete(id);
			this.#dirtyColumns.add(before.stageId);
		}
		if (!deal) {
			this.#deals.delete(id);
			return;
		}
		this.#deals.set(id, deal);
		if (deal.status !== 'open') return;
		let ids = this.#openByStage.get(deal.stageId);
		if (!ids) this.#openByStage.set(deal.stageId, (ids = new Set()));
		ids.add(id);
		this.#dirtyColumns.add(deal.stageId);
	}

	#putTask(id: string, map: unknown): void {
		const before = this.#tasks.get(id);
		const task = readEntity<Task>(id, map);
		if (before) {
			this.#tasksOfDeal.get(before.dealId)?.delete(id);
			this.#nextTask.delete(before.dealId);
		}
		if (!task) {
			this.#tasks.delete(id);
			return;
		}
		this.#tasks.set(id, task);
		let ids = this.#tasksOfDeal.get(task.dealId);
		if (!ids) this.#tasksOfDeal.set(task.dealId, (ids = new Set()));
		ids.add(id);
		this.#nextTask.delete(task.dealId);
	}
}
