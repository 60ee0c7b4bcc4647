import * as Y from 'yjs';
import { boardMaps } from '../../src/lib/model/board.js';

/*
 * Epochs (docs/BOARD-DOCUMENT.md, "Epochs"). Yjs keeps a struct for every
 * overwritten field, so a board's document grows with every move. Past a
 * size, the server writes the same content once into a fresh document (a new
 * epoch) and keeps the old epoch's final state, so that a client still
 * holding the old epoch can have its unsaved edits carried over, field by
 * field, instead of merged (its structs build on items the new epoch lacks).
 */

const entityRoots = ['stages', 'deals', 'tasks'] as const;
type EntityRoot = (typeof entityRoots)[number];
const rootNames = new Set<string>(['meta', ...entityRoots]);

/**
 * When a room rebuilds its document into a new epoch. Loading a document
 * costs one integration per struct, and a struct stays for every field ever
 * overwritten: the measure is structs per live field. A new board has one;
 * 10,000 deals after 100,000 moves have 2.6 (460,000 structs, loaded in
 * 1.3 s against 0.46 s written once).
 */
export interface EpochPolicy {
	/** The encoded state's size under which a board is never rebuilt (small boards load fast anyway). */
	afterBytes: number;
	/** Structs per live field from which a rebuild is due. */
	minGain: number;
}

export const defaultEpochPolicy: EpochPolicy = { afterBytes: 1024 * 1024, minGain: 2 };

/** The document's structs (tombstones included) and its live fields (entities and their fields, meta fields). */
export function measureHistory(doc: Y.Doc): { structs: number; live: number } {
	let structs = 0;
	doc.store.clients.forEach((list) => (structs += list.length));
	const maps = boardMaps(doc);
	let live = maps.meta.size;
	for (const root of entityRoots) {
		for (const entity of maps[root].values()) live += 1 + (entity instanceof Y.Map ? entity.size : 0);
	}
	return { structs, live };
}

export function isRebuildDue(policy: EpochPolicy, doc: Y.Doc, stateBytes: number): boolean {
	if (stateBytes < policy.afterBytes) return false;
	const { structs, live } = measureHistory(doc);
	return structs >= policy.minGain * Math.max(1, live);
}

/**
 * The board's content written once by a fresh client (the new epoch's base
 * client), without history: same entities, same fields, same values. Null
 * when the board holds content outside the schema (a foreign top-level type,
 * an entity that is not a map, a shared type as a value): such content is
 * reported, never rewritten, so that board is not rebuilt.
 */
export function rebuildDocument(doc: Y.Doc): Y.Doc | null {
	for (const name of doc.share.keys()) if (!rootNames.has(name)) return null;
	const source = boardMaps(doc);
	const plain = isPlain;
	for (const value of source.meta.values()) if (!plain(value)) return null;
	for (const root of entityRoots) {
		for (const entity of source[root].values()) {
			if (!(entity instanceof Y.Map)) return null;
			for (const value of entity.values()) if (!plain(value)) return null;
		}
	}
	const next = new Y.Doc({ gc: true });
	const target = boardMaps(next);
	next.transact(() => {
		for (const [key, value] of source.meta.entries()) target.meta.set(key, value);
		for (const root of entityRoots) {
			for (const [id, entity] of source[root].entries()) target[root].set(id, copyEntity(entity));
		}
	});
	return next;
}

function copyEntity(entity: Y.Map<unknown>): Y.Map<unknown> {
	const copy = new Y.Map<unknown>();
	for (const [key, value] of entity.entries()) copy.set(key, value);
	return copy;
}

/** A field's new value, or its removal. */
type FieldWrite = { value: unknown } | { removed: true };

/** What an old-epoch client's update changed, entity by entity and field by field. */
export interface CarriedEdits {
	meta: Map<string, FieldWrite>;
	/** Per root, per entity id: created (all its fields), removed, or these fields written. */
	entities: Map<EntityRoot, Map<string, { kind: 'created'; fields: Map<string, unknown> } | { kind: 'removed' } | { kind: 'fields'; fields: Map<string, FieldWrite> }>>;
}

export function countCarried(edits: CarriedEdits): number {
	let count = edits.meta.size;
	for (const entities of edits.entities.values()) count += entities.size;
	return count;
}

/**
 * Applies an old-epoch client's update to that epoch's frozen state and
 * reads what it changed there. A write that lost to one the frozen state
 * already had (Yjs's order of concurrent writes) changes nothing and is not
 * carried, as it would not have shown had the board not been rebuilt.
 */
export function readCarriedEdits(frozen: Y.Doc, update: Uint8Array): CarriedEdits {
	const edits: CarriedEdits = { meta: new Map(), entities: new Map() };
	const maps = boardMaps(frozen);
	const entityOf = (root: EntityRoot) => {
		let entities = edits.entities.get(root);
		if (!entities) edits.entities.set(root, (entities = new Map()));
		return entities;
	};
	const onMeta = (event: Y.YMapEvent<unknown>) => {
		for (const [key, change] of event.changes.keys) {
			if (change.action === 'update' && sameValue(change.oldValue, maps.meta.get(key))) continue;
			if (!maps.meta.has(key)) edits.meta.set(key, { removed: true });
			else if (isPlain(maps.meta.get(key))) edits.meta.set(key, { value: maps.meta.get(key) });
		}
	};
	const observers = entityRoots.map((root) => {
		const observer = (events: Array<Y.YEvent<any>>) => {
			const entities = entityOf(root);
			// The root's own event first: an entity created or removed here is carried whole.
			for (const event of events) {
				if (event.target !== maps[root]) continue;
				for (const id of event.changes.keys.keys()) {
					const entity = maps[root].get(id);
					// Anything but a map of plain values is outside the schema: not carried.
					if (entity === undefined) entities.set(id, { kind: 'removed' });
					else if (entity instanceof Y.Map) entities.set(id, { kind: 'created', fields: new Map([...entity.entries()].filter(([, value]) => isPlain(value))) });
				}
			}
			for (const event of events) {
				if (event.target === maps[root] || !(event.target instanceof Y.Map)) continue;
				const id = event.path[0];
				if (typeof id !== 'string' || entities.get(id)?.kind === 'created' || entities.get(id)?.kind === 'removed') continue;
				let entry = entities.get(id);
				if (!entry) entities.set(id, (entry = { kind: 'fields', fields: new Map() }));
				if (entry.kind !== 'fields') continue;
				const entity = event.target as Y.Map<unknown>;
				// Only what changed what the frozen state shows: a write that lost to one already there has no change.
				for (const [key, change] of event.changes.keys) {
					if (change.action === 'update' && sameValue(change.oldValue, entity.get(key))) continue;
					if (!entity.has(key)) entry.fields.set(key, { removed: true });
					else if (isPlain(entity.get(key))) entry.fields.set(key, { value: entity.get(key) });
				}
				if (entry.fields.size === 0) entities.delete(id);
			}
		};
		maps[root].observeDeep(observer);
		return () => maps[root].unobserveDeep(observer);
	});
	maps.meta.observe(onMeta);
	try {
		Y.applyUpdate(frozen, update);
	} finally {
		maps.meta.unobserve(onMeta);
		for (const stop of observers) stop();
	}
	return edits;
}

/**
 * Writes carried edits into a copy of the live document (the caller's
 * transaction). An edit to an entity the live board no longer has is
 * dropped, as a concurrent edit to a removed map is in Yjs; a created entity
 * whose id the live board has already is written field by field.
 */
export function writeCarriedEdits(doc: Y.Doc, edits: CarriedEdits): void {
	const maps = boardMaps(doc);
	for (const [key, write] of edits.meta) writeField(maps.meta, key, write);
	for (const [root, entities] of edits.entities) {
		for (const [id, edit] of entities) {
			const entity = maps[root].get(id);
			if (edit.kind === 'removed') {
				if (entity) maps[root].delete(id);
			} else if (edit.kind === 'created') {
				if (entity instanceof Y.Map) for (const [key, value] of edit.fields) entity.set(key, value);
				else {
					const created = new Y.Map<unknown>();
					for (const [key, value] of edit.fields) created.set(key, value);
					maps[root].set(id, created);
				}
			} else if (entity instanceof Y.Map) {
				for (const [key, write] of edit.fields) writeField(entity, key, write);
			}
		}
	}
}

/** A field value the schema allows: JSON, never a shared type. */
function isPlain(value: unknown): boolean {
	return !(value instanceof Y.AbstractType);
}

/** Field values are JSON (the schema allows nothing else): equal when their JSON is. */
function sameValue(a: unknown, b: unknown): boolean {
	return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function writeField(map: Y.Map<unknown>, key: string, write: FieldWrite): void {
	if ('removed' in write) map.delete(key);
	else map.set(key, write.value);
}

/**
 * Which epoch a client holds, from its state vector: the current one if the
 * vector is empty or has the current base client; otherwise the newest
 * earlier epoch whose base client it has; otherwise epoch 0 (which has no
 * base client). A board never rebuilt has only epoch 0.
 */
export function findClientEpoch(
	stateVector: Map<number, number>,
	current: { epoch: number; baseClient: number | null },
	earlier: Array<{ epoch: number; baseClient: number | null }>
): number {
	if (current.epoch === 0 || stateVector.size === 0) return current.epoch;
	if (current.baseClient !== null && stateVector.has(current.baseClient)) return current.epoch;
	for (const frozen of earlier) {
		if (frozen.baseClient !== null && stateVector.has(frozen.baseClient)) return frozen.epoch;
	}
	return 0;
}
