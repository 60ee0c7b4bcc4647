import * as Y from 'yjs';
import { boardMaps } from '../../src/lib/model/board.js';
import type { Violation } from '../../src/lib/model/validate.js';
import type { ChangeSet } from '../board/change-set.js';
import type { TaskIndex } from '../board/task-index.js';

/**
 * Keeping the valid part of a refused update.
 *
 * A browser that was offline for a day sends all of that day's edits as one
 * update. Reverting all of it because one edit broke a rule (a move into a
 * stage a manager deleted meanwhile) would lose the rest of the day's work.
 * So the room reverts the whole update, then writes back, as its own change,
 * the entities the update left valid: what each of them looked like right
 * after the update. The author's valid edits survive by value; the refused
 * ones are gone; every peer converges on the same state.
 */

type EntityKind = 'meta' | 'stages' | 'deals' | 'tasks';

/** One entity an update touched, as the update left it (null: deleted). */
export interface TouchedEntity {
	kind: EntityKind;
	id: string;
	after: Record<string, unknown> | null;
	/** For a task: the deals it belonged to before and after; refusing one of them refuses the task too. */
	dealIds: string[];
}

/** Reads what the just-applied change did to each entity, before it is reverted. */
export function readTouchedEntities(doc: Y.Doc, changes: ChangeSet, index: TaskIndex): TouchedEntity[] {
	const maps = boardMaps(doc);
	const read = (map: Y.Map<unknown> | undefined) => (map instanceof Y.Map ? (map.toJSON() as Record<string, unknown>) : null);
	const touched: TouchedEntity[] = [];
	if (changes.meta) touched.push({ kind: 'meta', id: '', after: maps.meta.toJSON() as Record<string, unknown>, dealIds: [] });
	for (const id of changes.stages) touched.push({ kind: 'stages', id, after: read(maps.stages.get(id)), dealIds: [] });
	for (const id of changes.deals.keys()) touched.push({ kind: 'deals', id, after: read(maps.deals.get(id)), dealIds: [] });
	for (const id of changes.tasks.keys()) {
		const after = read(maps.tasks.get(id));
		const dealIds = [index.dealOf(id), after?.dealId].filter((dealId): dealId is string => typeof dealId === 'string');
		touched.push({ kind: 'tasks', id, after, dealIds });
	}
	return touched;
}

/**
 * The keys (`kind:id`) of the entities the violations refuse, or null when
 * they refuse the update as a whole (a viewer's write, a foreign type).
 * A refused deal takes its touched tasks with it: "deal without a task"
 * names the deal, but the edit that caused it was to one of its tasks.
 */
export function refusedKeys(violations: Violation[], touched: TouchedEntity[]): Set<string> | null {
	const refused = new Set<string>();
	for (const violation of violations) {
		if (violation.entity === 'board') return null;
		if (violation.entity === 'meta') refused.add('meta:');
		else if (violation.entity === 'stage' && violation.id === '') {
			// The writer may not edit the pipeline at all: none of its stage or meta edits stand.
			for (const entity of touched) if (entity.kind === 'stages' || entity.kind === 'meta') refused.add(keyOf(entity));
		} else if (violation.entity === 'stage') refused.add(`stages:${violation.id}`);
		else if (violation.entity === 'deal') {
			refused.add(`deals:${violation.id}`);
			for (const entity of touched) if (entity.kind === 'tasks' && entity.dealIds.includes(violation.id)) refused.add(keyOf(entity));
		} else refused.add(`tasks:${violation.id}`);
	}
	return refused;
}

export function keyOf(entity: TouchedEntity): string {
	return `${entity.kind}:${entity.id}`;
}

/**
 * Makes each entity look as the refused update had left it, writing only the
 * fields that differ from the current (reverted) state: a concurrent edit of
 * another field by someone else stays theirs.
 */
export function writeEntities(doc: Y.Doc, entities: TouchedEntity[]): void {
	const maps = boardMaps(doc);
	for (const entity of entities) {
		if (entity.kind === 'meta') {
			writeFields(maps.meta, entity.after ?? {});
			continue;
		}
		const root = maps[entity.kind] as Y.Map<unknown>;
		const current = root.get(entity.id);
		if (entity.after === null) {
			if (current !== undefined) root.delete(entity.id);
		} else if (current instanceof Y.Map) {
			writeFields(current, entity.after);
		} else {
			root.set(entity.id, new Y.Map(Object.entries(entity.after)));
		}
	}
}

function writeFields(map: Y.Map<unknown>, after: Record<string, unknown>): void {
	const before = map.toJSON() as Record<string, unknown>;
	for (const [field, value] of Object.entries(after)) {
		if (JSON.stringify(before[field]) !== JSON.stringify(value)) map.set(field, value);
	}
	for (const field of Object.keys(before)) if (!(field in after)) map.delete(field);
}
