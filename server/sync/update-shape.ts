import * as Y from 'yjs';
import { boardMaps } from '../../src/lib/model/board.js';
import { limits } from '../../src/lib/model/schema.js';
import { isStorableText } from '../../src/lib/model/validate.js';

/**
 * Checking an update for what it IS, before it is integrated.
 *
 * The rule checks run on the integrated document and read entities through
 * `toJSON()`, which hides what does not fit the schema: a Y.Text where a
 * title belongs, key-less (array-style) items in a map, a fifth top-level
 * type. And an update whose dependencies the server lacks is not integrated
 * at all: Yjs keeps it "pending" and integrates it later, inside someone
 * else's update. So every update is first decoded and inspected against the
 * document's shape: it must integrate completely, touch only the four maps,
 * put only keyed entity maps in them, and only plain values in entities.
 * An update that fails is refused whole: never applied, sent or stored.
 */

export interface UpdateLimits {
	/** Entities (stages, deals, tasks) one update may create. */
	maxEntitiesPerUpdate: number;
	/** Entities a board may hold. */
	maxBoardEntities: number;
}

export interface UpdateShape {
	/** Entity ids the update creates that the board does not have yet. */
	created: { stages: string[]; deals: string[]; tasks: string[] };
	/** User ids the update writes as a deal's owner or a task's assignee. */
	people: Set<string>;
}

/** `incomplete`: it builds on changes the server does not have yet (an honest client that raced its own sync). */
export type ShapeCheck = { ok: true; shape: UpdateShape } | { ok: false; problem: string; incomplete: boolean };

type Root = 'meta' | 'stages' | 'deals' | 'tasks';
const entityRoots = new Set<Root>(['stages', 'deals', 'tasks']);
const personFields: Partial<Record<Root, string>> = { deals: 'ownerId', tasks: 'assigneeId' };

/** Where an item lands: in a top-level map, in an entity's map, or nowhere (garbage-collected). */
type Place = { kind: 'root'; root: Root | string; key: string | null } | { kind: 'entity'; root: Root; entity: string; key: string | null } | { kind: 'gone' } | { kind: 'deeper' };

class Refusal extends Error {
	constructor(
		message: string,
		readonly incomplete = false
	) {
		super(message);
	}
}

export function inspectUpdate(doc: Y.Doc, update: Uint8Array, limits: UpdateLimits): ShapeCheck {
	let decoded: ReturnType<typeof Y.decodeUpdate>;
	try {
		decoded = Y.decodeUpdate(update);
	} catch {
		return { ok: false, problem: 'the update cannot be decoded', incomplete: false };
	}
	try {
		return { ok: true, shape: new Inspection(doc, decoded.structs, limits).run(decoded.ds) };
	} catch (error) {
		if (error instanceof Refusal) return { ok: false, problem: error.message, incomplete: error.incomplete };
		throw error;
	}
}

class Inspection {
	private readonly maps: ReturnType<typeof boardMaps>;
	/** The update's structs of each client, in clock order. */
	private readonly byClient = new Map<number, Array<Y.Item | Y.GC | Y.Skip>>();
	private readonly places = new Map<Y.Item, Place>();

	constructor(
		private readonly doc: Y.Doc,
		structs: Array<Y.Item | Y.GC | Y.Skip>,
		private readonly limits: UpdateLimits
	) {
		this.maps = boardMaps(doc);
		for (const struct of structs) {
			let list = this.byClient.get(struct.id.client);
			if (!list) this.byClient.set(struct.id.client, (list = []));
			list.push(struct);
		}
		for (const list of this.byClient.values()) list.sort((a, b) => a.id.clock - b.id.clock);
	}

	run(deletions: { clients: Map<number, Array<{ clock: number; len: number }>> }): UpdateShape {
		this.checkComplete(deletions);
		const shape: UpdateShape = { created: { stages: [], deals: [], tasks: [] }, people: new Set() };
		let created = 0;
		for (const list of this.byClient.values()) {
			for (const struct of list) {
				if (!(struct instanceof Y.Item)) continue;
				// Already integrated: Yjs skips it, so it changes nothing.
				if (struct.id.clock + struct.length <= Y.getState(this.doc.store, struct.id.client)) continue;
				const place = this.placeOf(struct);
				this.checkItem(struct, place);
				if (place.kind === 'root' && entityRoots.has(place.root as Root) && !(struct.content instanceof Y.ContentDeleted)) {
					const root = place.root as 'stages' | 'deals' | 'tasks';
					if (!this.maps[root].has(place.key!)) {
						shape.created[root].push(place.key!);
						created += 1;
					}
				}
				if (place.kind === 'entity' && place.key === personFields[place.root] && struct.content instanceof Y.ContentAny) {
					const value = struct.content.arr[0];
					if (typeof value === 'string') shape.people.add(value);
				}
			}
		}
		if (created > this.limits.maxEntitiesPerUpdate) {
			throw new Refusal(`the update creates ${created} entities; at most ${this.limits.maxEntitiesPerUpdate} may come in one update`);
		}
		const size = this.maps.stages.size + this.maps.deals.size + this.maps.tasks.size;
		if (created > 0 && size + created > this.limits.maxBoardEntities) {
			throw new Refusal(`the board would hold ${size + created} entities; its limit is ${this.limits.maxBoardEntities}`);
		}
		return shape;
	}

	/** Everything the update builds on must be in the document or in the update: nothing may stay pending. */
	private checkComplete(deletions: { clients: Map<number, Array<{ clock: number; len: number }>> }): void {
		for (const [client, list] of this.byClient) {
			const known = Y.getState(this.doc.store, client);
			let next = known;
			for (const struct of list) {
				if (struct.id.clock > next) throw new Refusal(`the update depends on changes of client ${client} the server does not have`, true);
				if (struct instanceof Y.Skip) {
					if (struct.id.clock + struct.length > known) throw new Refusal(`the update leaves a gap in the changes of client ${client}`, true);
					continue;
				}
				next = Math.max(next, struct.id.clock + struct.length);
				if (!(struct instanceof Y.Item)) continue;
				for (const id of [struct.origin, struct.rightOrigin, struct.parent instanceof Y.ID ? struct.parent : null]) {
					if (id && !this.isKnown(id)) throw new Refusal(`the update refers to a change (${id.client}:${id.clock}) the server does not have`, true);
				}
			}
		}
		for (const [client, ranges] of deletions.clients) {
			const end = Math.max(Y.getState(this.doc.store, client), this.endOf(client));
			for (const range of ranges) {
				if (range.clock + range.len > end) throw new Refusal(`the update deletes changes of client ${client} the server does not have`, true);
			}
		}
	}

	private endOf(client: number): number {
		const last = this.byClient.get(client)?.findLast((struct) => !(struct instanceof Y.Skip));
		return last ? last.id.clock + last.length : 0;
	}

	private isKnown(id: Y.ID): boolean {
		return id.clock < Y.getState(this.doc.store, id.client) || this.findInUpdate(id) !== null;
	}

	private findInUpdate(id: Y.ID): Y.Item | Y.GC | null {
		const list = this.byClient.get(id.client);
		if (!list) return null;
		let low = 0;
		let high = list.length - 1;
		while (low <= high) {
			const middle = (low + high) >> 1;
			const struct = list[middle]!;
			if (id.clock < struct.id.clock) high = middle - 1;
			else if (id.clock >= struct.id.clock + struct.length) low = middle + 1;
			else return struct instanceof Y.Skip ? null : struct;
		}
		return null;
	}

	/** The struct an id names: the document's when it has it (what Yjs will use), else the update's. */
	private find(id: Y.ID): Y.Item | Y.GC | null {
		if (id.clock < Y.getState(this.doc.store, id.client)) return Y.getItem(this.doc.store, id) as Y.Item | Y.GC;
		return this.findInUpdate(id);
	}

	/** Where an item lands once integrated, following Yjs's own rules (Item.getMissing). */
	private placeOf(item: Y.Item): Place {
		const cached = this.places.get(item);
		if (cached) return cached;
		// Mark before recursing: a cycle of origins in a forged update ends here.
		this.places.set(item, { kind: 'gone' });
		const place = this.resolve(item);
		this.places.set(item, place);
		return place;
	}

	private resolve(item: Y.Item): Place {
		const parent = item.parent as unknown;
		if (typeof parent === 'string') return { kind: 'root', root: parent, key: item.parentSub };
		if (parent instanceof Y.ID) {
			const holder = this.find(parent);
			if (!(holder instanceof Y.Item) || !(holder.content instanceof Y.ContentType)) return { kind: 'gone' };
			return this.placeInside(holder, item.parentSub);
		}
		if (parent instanceof Y.AbstractType) return this.placeOfType(parent, item.parentSub);
		// No parent written: it is the parent of the neighbour the item was inserted next to.
		const neighbourId = item.origin ?? item.rightOrigin;
		const neighbour = neighbourId ? this.find(neighbourId) : null;
		if (!(neighbour instanceof Y.Item)) return { kind: 'gone' };
		if (neighbour.id.clock < Y.getState(this.doc.store, neighbour.id.client)) {
			return neighbour.parent instanceof Y.AbstractType ? this.placeOfType(neighbour.parent, neighbour.parentSub) : { kind: 'gone' };
		}
		return this.placeOf(neighbour);
	}

	/** The place of a key inside the type an item holds. */
	private placeInside(holder: Y.Item, key: string | null): Place {
		if (holder.id.clock < Y.getState(this.doc.store, holder.id.client)) {
			const type = (holder.content as Y.ContentType).type;
			// A type deleted and collected on the server: Yjs drops what is written into it.
			return holder.deleted ? { kind: 'gone' } : this.placeOfType(type, key);
		}
		const outer = this.placeOf(holder);
		if (outer.kind === 'root' && entityRoots.has(outer.root as Root) && outer.key !== null) {
			return { kind: 'entity', root: outer.root as Root, entity: outer.key, key };
		}
		return outer.kind === 'gone' ? outer : { kind: 'deeper' };
	}

	private placeOfType(type: Y.AbstractType<any>, key: string | null): Place {
		for (const root of ['meta', 'stages', 'deals', 'tasks'] as const) {
			if (type === (this.maps[root] as unknown)) return { kind: 'root', root, key };
		}
		const owner = type._item;
		if (owner === null) return { kind: 'root', root: Y.findRootTypeKey(type), key };
		for (const root of entityRoots) {
			if (owner.parent === (this.maps[root] as unknown) && owner.parentSub !== null) {
				return { kind: 'entity', root, entity: owner.parentSub, key };
			}
		}
		return { kind: 'deeper' };
	}

	private checkItem(item: Y.Item, place: Place): void {
		if (place.kind === 'gone') return;
		if (place.kind === 'deeper') throw new Refusal('entity fields hold plain values, not nested types');
		if (place.kind === 'root' && !['meta', 'stages', 'deals', 'tasks'].includes(place.root)) {
			throw new Refusal(`only meta, stages, deals and tasks may be written (not "${place.root.slice(0, 40)}")`);
		}
		if (place.key === null) throw new Refusal('the board holds keyed entries only, not list items');
		if (item.content instanceof Y.ContentDeleted) return;
		const where = place.kind === 'entity' ? `${place.root}.${place.entity}.${place.key}` : `${place.root}.${place.key}`;
		if (place.kind === 'root' && place.root !== 'meta') {
			if (!isStorableId(place.key)) throw new Refusal(`${place.root} ids are 1 to ${maxIdLength} characters of plain text`);
			const isMap = item.content instanceof Y.ContentType && item.content.type instanceof Y.Map;
			if (!isMap) throw new Refusal(`${where} must be an entity map`);
			return;
		}
		if (!(item.content instanceof Y.ContentAny) || item.content.arr.length !== 1) {
			throw new Refusal(`${where} must be a plain value, not ${contentName(item.content)}`);
		}
	}
}

const maxIdLength = limits.idLength;

function isStorableId(id: string): boolean {
	return id.length > 0 && id.length <= maxIdLength && isStorableText(id);
}

function contentName(content: object): string {
	if (content instanceof Y.ContentType) return `a nested ${content.type.constructor.name}`;
	if (content instanceof Y.ContentString) return 'text';
	if (content instanceof Y.ContentFormat) return 'formatting';
	if (content instanceof Y.ContentEmbed) return 'an embed';
	if (content instanceof Y.ContentBinary) return 'binary data';
	if (content instanceof Y.ContentAny) return `${content.arr.length} values`;
	return content.constructor.name;
}
