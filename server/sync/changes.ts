import * as Y from 'yjs';
import { boardMaps } from '../../src/lib/model/board.js';

/** What one transaction touched, by entity id, with the values it replaced. */
export interface ChangeSet {
	meta: boolean;
	stages: Set<string>;
	deals: Map<string, { created: boolean; deleted: boolean; oldStageId?: string; by?: string | null }>;
	tasks: Map<string, { created: boolean; deleted: boolean }>;
	/** A write outside the four board maps (an unknown top-level type). */
	foreign: boolean;
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
			if (top === 'stages') into.stages.add(id);
			else if (top === 'deals') merge(into.deals, id, { created, deleted });
			else merge(into.tasks, id, { created, deleted });
		}
		return;
	}
	// A field of one entity changed: the entity's id is its key in the root map.
	const entity = findEntity(event.target, root);
	if (!entity) return;
	if (top === 'stages') into.stages.add(entity.id);
	else if (top === 'tasks') merge(into.tasks, entity.id, { created: false, deleted: false });
	else {
		const stageChange = event instanceof Y.YMapEvent ? event.changes.keys.get('stageId') : undefined;
		const oldStageId = stageChange?.action === 'update' ? (stageChange.oldValue as string) : undefined;
		merge(into.deals, entity.id, { created: false, deleted: false, oldStageId });
	}
}

function findEntity(type: Y.AbstractType<any>, root: Y.Map<unknown>): { id: string } | null {
	let current: Y.AbstractType<any> | null = type;
	while (current?._item) {
		if (current._item.parent === root) return { id: current._item.parentSub as string };
		current = current._item.parent as Y.AbstractType<any>;
	}
	return null;
}

function merge<T extends { created: boolean; deleted: boolean; oldStageId?: string }>(
	map: Map<string, T>,
	id: string,
	change: T
): void {
	const existing = map.get(id);
	if (!existing) {
		map.set(id, change);
		return;
	}
	existing.created ||= change.created;
	existing.deleted = change.deleted;
	if (existing.oldStageId === undefined && change.oldStageId !== undefined) existing.oldStageId = change.oldStageId;
}
