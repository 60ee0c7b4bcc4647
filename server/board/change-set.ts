import * as Y from 'yjs';
import { boardMaps } from '../../src/lib/model/board.js';

/** What happened to one entity in a change. `fields` are those written (all of them when created). */
export interface EntityChange {
	created: boolean;
	deleted: boolean;
	/** An existing entity swapped for a new map under the same id (writers change fields instead). */
	replaced?: boolean;
	fields: Set<string>;
	/** Who made the change (the projection tells a task's assignee who gave it to them). */
	by?: string | null;
}

export interface DealChange extends EntityChange {
	/** The stage the deal was in before the change moved it. */
	oldStageId?: string;
	/** The owner before the change reassigned the deal. */
	oldOwnerId?: string;
	/**
	 * The stages the deal entered, in order, with who moved it and when. Merged
	 * change sets keep every entry, so stage history stays exact when batches
	 * are coalesced (a deal created and moved at once has two).
	 */
	entered?: StageEntry[];
}

export interface StageEntry {
	stageId: string;
	by: string | null;
	at: Date;
}

/** What one transaction touched, by entity id, with the values it replaced. */
export interface ChangeSet {
	meta: boolean;
	stages: Set<string>;
	deals: Map<string, DealChange>;
	tasks: Map<string, EntityChange>;
	/** A write outside the four board maps (an unknown top-level type). */
	foreign: boolean;
	/** Who last changed the stages (the audit log names who deleted one). */
	stagesBy?: string | null;
}

export function emptyChangeSet(): ChangeSet {
	return { meta: false, stages: new Set(), deals: new Map(), tasks: new Map(), foreign: false };
}

export function hasChanges(changes: ChangeSet): boolean {
	return changes.meta || changes.foreign || changes.stages.size + changes.deals.size + changes.tasks.size > 0;
}

/**
 * Reads a finished transaction into a ChangeSet. Must run inside the
 * transaction's afterTransaction callback: Yjs computes event changes from the
 * transaction, which is gone afterwards.
 */
export function collectChanges(doc: Y.Doc, transaction: Y.Transaction, into: ChangeSet): void {
	const maps = boardMaps(doc);
	for (const [changed, events] of transaction.changedParentTypes) {
		const type = changed as unknown;
		if (type === maps.meta) {
			into.meta = true;
			continue;
		}
		const top = type === maps.stages ? 'stages' : type === maps.deals ? 'deals' : type === maps.tasks ? 'tasks' : null;
		if (!top) {
			if (changed._item === null) into.foreign = true;
			continue;
		}
		for (const event of events) readEvent(event, top, type as Y.Map<unknown>, into);
	}
}

function readEvent(event: Y.YEvent<any>, top: 'stages' | 'deals' | 'tasks', root: Y.Map<unknown>, into: ChangeSet): void {
	if (event.target === root) {
		for (const [id, change] of (event as Y.YMapEvent<unknown>).changes.keys) {
			const created = change.action === 'add';
			const deleted = change.action === 'delete';
			const replaced = change.action === 'update';
			if (top === 'stages') into.stages.add(id);
			else addChange(top === 'deals' ? into.deals : into.tasks, id, { created, deleted, replaced, fields: new Set() });
		}
		return;
	}
	// A field of one entity changed: the entity's id is its key in the root map.
	const entityId = findEntityId(event.target, root);
	if (entityId === null) return;
	if (top === 'stages') {
		into.stages.add(entityId);
		return;
	}
	const keys = event instanceof Y.YMapEvent ? event.changes.keys : new Map();
	const fields = new Set<string>(keys.keys());
	if (top === 'tasks') {
		addChange(into.tasks, entityId, { created: false, deleted: false, fields });
		return;
	}
	const replaced = (field: string) => {
		const change = keys.get(field);
		return change?.action === 'update' ? (change.oldValue as string) : undefined;
	};
	addChange(into.deals, entityId, { created: false, deleted: false, fields, oldStageId: replaced('stageId'), oldOwnerId: replaced('ownerId') });
}

function findEntityId(type: Y.AbstractType<any>, root: Y.Map<unknown>): string | null {
	let current: Y.AbstractType<any> | null = type;
	while (current?._item) {
		if (current._item.parent === root) return current._item.parentSub;
		current = current._item.parent as Y.AbstractType<any>;
	}
	return null;
}

function addChange<T extends DealChange>(map: Map<string, T>, id: string, change: T): void {
	const existing = map.get(id);
	if (!existing) {
		map.set(id, change);
		return;
	}
	existing.created ||= change.created;
	existing.deleted = change.deleted;
	existing.replaced ||= change.replaced;
	for (const field of change.fields) existing.fields.add(field);
	existing.oldStageId ??= change.oldStageId;
	existing.oldOwnerId ??= change.oldOwnerId;
	if (change.by !== undefined) existing.by = change.by;
	if (change.entered) existing.entered = [...(existing.entered ?? []), ...change.entered];
}

/** Folds one change set into another (a batch of accepted changes). */
export function mergeChanges(into: ChangeSet, from: ChangeSet): void {
	into.meta ||= from.meta;
	into.foreign ||= from.foreign;
	for (const id of from.stages) into.stages.add(id);
	if (from.stagesBy !== undefined) into.stagesBy = from.stagesBy;
	for (const [id, change] of from.deals) addChange(into.deals, id, { ...change, fields: new Set(change.fields) });
	for (const [id, change] of from.tasks) addChange(into.tasks, id, { ...change, fields: new Set(change.fields) });
}
