import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import * as Y from 'yjs';
import { boardMaps } from '../../src/lib/model/board.js';

/** What a peer is known to have seen: a state vector (client id -> next clock). */
export type KnownState = Map<number, number>;

interface ItemId {
	client: number;
	clock: number;
}

/**
 * How a repair task's id starts. Stage rules mark their tasks `auto` too
 * (made by the server), but only repairs are "deals the server repaired".
 */
export const repairTaskIdPrefix = 'auto-';

/** The item that wrote a task's current `done` value, read from Yjs internals. */
function doneItemOf(task: Y.Map<unknown>): ItemId | null {
	const item = (task as unknown as { _map: Map<string, { id: ItemId }> })._map.get('done');
	return item ? item.id : null;
}

function isWithin(id: ItemId, range: { from: Map<number, number>; to: Map<number, number> }): boolean {
	const from = range.from.get(id.client);
	const to = range.to.get(id.client);
	return from !== undefined && to !== undefined && id.clock >= from && id.clock < to;
}

/**
 * When an update leaves an open deal without an active task, tells whether
 * its author could know: returns the completions of the deal's other tasks
 * that the author had not seen (written after its known state, and not in
 * the update itself). Non-empty means two valid edits merged into the
 * violation, which the server repairs instead of refusing.
 */
export function findUnseenCompletions(
	doc: Y.Doc,
	dealId: string,
	taskIds: Iterable<string>,
	known: KnownState,
	update: Uint8Array
): ItemId[] {
	const own = Y.parseUpdateMeta(update);
	const { tasks } = boardMaps(doc);
	const unseen: ItemId[] = [];
	for (const taskId of taskIds) {
		const task = tasks.get(taskId);
		if (!task || task.get('dealId') !== dealId || task.get('done') !== true) continue;
		const id = doneItemOf(task);
		if (!id || isWithin(id, own)) continue;
		if (id.clock >= (known.get(id.client) ?? 0)) unseen.push(id);
	}
	return unseen;
}

/**
 * The repair task's id comes from the deal and every completion of its tasks
 * in the merged state, so two servers repairing the same merge, in whatever
 * order they saw the edits, write the same task.
 */
export function repairTaskId(doc: Y.Doc, dealId: string): string {
	const completions: string[] = [];
	boardMaps(doc).tasks.forEach((task) => {
		if (task.get?.('dealId') !== dealId || task.get('done') !== true) return;
		const id = doneItemOf(task);
		if (id) completions.push(`${id.client}:${id.clock}`);
	});
	const digest = sha256(new TextEncoder().encode(`${dealId}|${completions.sort().join(',')}`));
	return `${repairTaskIdPrefix}${encodeHexLowerCase(digest).slice(0, 24)}`;
}

/** Adds "Plan the next step" for the deal's owner, due now, marked auto. */
export function addRepairTask(doc: Y.Doc, dealId: string, now: Date): string {
	const { deals, tasks } = boardMaps(doc);
	const id = repairTaskId(doc, dealId);
	if (tasks.has(id)) return id;
	const ownerId = deals.get(dealId)?.get('ownerId') as string;
	tasks.set(
		id,
		new Y.Map<unknown>(
			Object.entries({
				dealId,
				type: 'todo',
				title: 'Plan the next step',
				dueAt: now.toISOString(),
				assigneeId: ownerId,
				done: false,
				auto: true
			})
		)
	);
	return id;
}

/** Merges what a peer has now shown it knows into its known state. */
export function learnState(known: KnownState, stateVector: Map<number, number>): void {
	for (const [client, clock] of stateVector) known.set(client, Math.max(known.get(client) ?? 0, clock));
}
