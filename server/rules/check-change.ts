import type * as Y from 'yjs';
import { boardMaps } from '../../src/lib/model/board.js';
import { checkDeal, checkMeta, checkStage, checkStrictMove, checkTask, type Violation } from '../../src/lib/model/validate.js';
import type { ChangeSet } from '../sync/changes.js';
import { hasRoleAtLeast, type Role } from '../workspaces/roles.js';

/** Who made a change: a member with a role, or the server itself. */
export type Writer = { kind: 'member'; userId: string; role: Role } | { kind: 'system'; userId: string | null };

/**
 * Checks a change that was just applied to a board against the schema, the
 * writer's role and "every open deal has an active task". Only what the change
 * touched is checked, so the cost follows the change, not the board's size.
 * `index` knows each task's deal and each deal's tasks as they were before.
 */
export interface TaskIndex {
	dealOf(taskId: string): string | undefined;
	tasksOf(dealId: string): Iterable<string>;
}

export function checkChange(doc: Y.Doc, changes: ChangeSet, writer: Writer, index: TaskIndex): Violation[] {
	if (writer.kind === 'member' && writer.role === 'viewer') {
		return [{ entity: 'board', id: '', rule: 'read-only', message: 'Viewers cannot change the board.' }];
	}
	if (changes.foreign) {
		return [{ entity: 'board', id: '', rule: 'schema', message: 'Only meta, stages, deals and tasks may be written.' }];
	}
	const violations: Violation[] = [];
	const mayEditPipeline = writer.kind === 'system' || hasRoleAtLeast(writer.role, 'manager');
	if ((changes.meta || changes.stages.size > 0) && !mayEditPipeline) {
		return [{ entity: 'stage', id: '', rule: 'forbidden', message: 'Only managers and admins edit the pipeline and its stages.' }];
	}
	if (changes.meta) violations.push(...checkMeta(doc));
	const { deals, stages } = boardMaps(doc);
	for (const stageId of changes.stages) {
		if (stages.has(stageId)) {
			violations.push(...checkStage(doc, stageId));
			continue;
		}
		const holding = [...deals.entries()].find(([, deal]) => deal.get?.('stageId') === stageId);
		if (holding) {
			violations.push({
				entity: 'stage',
				id: stageId,
				rule: 'stage-not-empty',
				message: 'Move the deals out of this stage before deleting it.'
			});
		}
	}
	const dealIds = new Set<string>();
	const strict = boardMaps(doc).meta.get('mode') === 'strict' && writer.kind === 'member';
	for (const [dealId, change] of changes.deals) {
		if (change.deleted && writer.kind === 'member') {
			violations.push({ entity: 'deal', id: dealId, rule: 'forbidden', message: 'Deals are closed as won or lost, not deleted.' });
			continue;
		}
		dealIds.add(dealId);
		const moved = !change.created && change.oldStageId !== undefined && change.oldStageId !== deals.get(dealId)?.get?.('stageId');
		if (strict && moved) violations.push(...checkStrictMove(doc, dealId, change.oldStageId!));
	}
	for (const [taskId, change] of changes.tasks) {
		const before = index.dealOf(taskId);
		if (before) dealIds.add(before);
		if (change.deleted) continue;
		violations.push(...checkTask(doc, taskId));
		const now = boardMaps(doc).tasks.get(taskId)?.get?.('dealId');
		if (typeof now === 'string') dealIds.add(now);
	}
	// A deal's tasks: those it had, plus those this change gave it.
	const added = new Map<string, string[]>();
	for (const taskId of changes.tasks.keys()) {
		const dealId = boardMaps(doc).tasks.get(taskId)?.get?.('dealId');
		if (typeof dealId === 'string') added.set(dealId, [...(added.get(dealId) ?? []), taskId]);
	}
	for (const dealId of dealIds) {
		violations.push(...checkDeal(doc, dealId, [...index.tasksOf(dealId), ...(added.get(dealId) ?? [])]));
	}
	return violations;
}
