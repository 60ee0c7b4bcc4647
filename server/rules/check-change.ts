import * as Y from 'yjs';
import { boardMaps } from '../../src/lib/model/board.js';
import { checkDeal, checkMeta, checkStage, checkStrictMove, checkTask, type Violation } from '../../src/lib/model/validate.js';
import type { ChangeSet, EntityChange } from '../board/change-set.js';
import type { TaskIndex } from '../board/task-index.js';
import type { Writer } from '../board/writer.js';
import { hasRoleAtLeast } from '../workspaces/roles.js';
import { t } from '../i18n/text.js';
import { m } from '../../src/lib/paraglide/messages.js';
import type { CustomFieldDef } from '../../src/lib/model/fields.js';
import { checkCustomValues } from './custom-values.js';

/** What the server knows of a board from the database, not from the document. */
export interface BoardContext {
	pipelineId: string;
	workspaceId: string;
	/** The workspace's members: who may own a deal or be assigned a task. */
	members: ReadonlySet<string>;
	/** The workspace's active deal fields by id: what a deal's `f:<id>` keys may hold. */
	dealFields: ReadonlyMap<string, CustomFieldDef>;
}

/**
 * Checks a change that was just applied to a board against the schema, the
 * writer's role and "every open deal has an active task". Only what the change
 * touched is checked, so the cost follows the change, not the board's size.
 * `index` knows each task's deal and each deal's tasks as they were before.
 */
export function checkChange(doc: Y.Doc, changes: ChangeSet, writer: Writer, index: TaskIndex, context: BoardContext): Violation[] {
	if (writer.kind === 'member' && writer.role === 'viewer') {
		return [{ entity: 'board', id: '', rule: 'read-only', message: t(m.rule_read_only) }];
	}
	if (changes.foreign) {
		return [{ entity: 'board', id: '', rule: 'schema', message: t(m.rule_foreign_maps) }];
	}
	const violations: Violation[] = [];
	const mayEditPipeline = writer.kind === 'system' || hasRoleAtLeast(writer.role, 'manager');
	if ((changes.meta || changes.stages.size > 0) && !mayEditPipeline) {
		return [{ entity: 'stage', id: '', rule: 'forbidden', message: t(m.rule_pipeline_managers) }];
	}
	if (changes.meta) violations.push(...checkMeta(doc), ...checkIdentity(doc, context));
	const { deals, stages, tasks } = boardMaps(doc);
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
				message: t(m.rule_stage_not_empty)
			});
		}
	}
	const member = writer.kind === 'member';
	const dealIds = new Set<string>();
	const strict = boardMaps(doc).meta.get('mode') === 'strict' && member;
	for (const [dealId, change] of changes.deals) {
		if (change.deleted && member) {
			violations.push({ entity: 'deal', id: dealId, rule: 'forbidden', message: t(m.rule_deal_not_deleted) });
			continue;
		}
		if (change.replaced && member) {
			violations.push(replacedViolation('deal', dealId));
			continue;
		}
		dealIds.add(dealId);
		const moved = !change.created && change.oldStageId !== undefined && change.oldStageId !== deals.get(dealId)?.get?.('stageId');
		if (strict && moved) violations.push(...checkStrictMove(doc, dealId, change.oldStageId!, (id) => context.dealFields.get(id)?.label));
		if (member) violations.push(...checkPerson(deals.get(dealId), change, 'ownerId', 'deal', dealId, context));
		violations.push(...checkCustomValues(deals.get(dealId), change, dealId, context.dealFields, context.members));
	}
	for (const [taskId, change] of changes.tasks) {
		const before = index.dealOf(taskId);
		if (before) dealIds.add(before);
		if (change.deleted) continue;
		if (change.replaced && member) {
			violations.push(replacedViolation('task', taskId));
			continue;
		}
		violations.push(...checkTask(doc, taskId));
		const task = tasks.get(taskId);
		const now = task?.get?.('dealId');
		if (typeof now === 'string') dealIds.add(now);
		if (member) violations.push(...checkPerson(task, change, 'assigneeId', 'task', taskId, context));
	}
	// A deal's tasks: those it had, plus those this change gave it.
	const added = new Map<string, string[]>();
	for (const taskId of changes.tasks.keys()) {
		const dealId = tasks.get(taskId)?.get?.('dealId');
		if (typeof dealId === 'string') added.set(dealId, [...(added.get(dealId) ?? []), taskId]);
	}
	for (const dealId of dealIds) {
		violations.push(...checkDeal(doc, dealId, [...index.tasksOf(dealId), ...(added.get(dealId) ?? [])]));
	}
	return violations;
}

/** A board belongs to one pipeline of one workspace for good: the access checks and the disconnect sweep rely on it. */
function checkIdentity(doc: Y.Doc, context: BoardContext): Violation[] {
	const meta = boardMaps(doc).meta;
	if (meta.size === 0) return [];
	if (meta.get('pipelineId') === context.pipelineId && meta.get('workspaceId') === context.workspaceId) return [];
	return [{ entity: 'meta', id: 'meta', rule: 'forbidden', message: t(m.rule_board_identity) }];
}

function replacedViolation(entity: 'deal' | 'task', id: string): Violation {
	return { entity, id, rule: 'schema', message: t(entity === 'deal' ? m.rule_deal_replaced : m.rule_task_replaced, { id }) };
}

/** A member may hand a deal or a task only to a member of the workspace (the REST API checks the same). */
function checkPerson(
	map: Y.Map<unknown> | undefined,
	change: EntityChange,
	field: 'ownerId' | 'assigneeId',
	entity: 'deal' | 'task',
	id: string,
	context: BoardContext
): Violation[] {
	if (!(map instanceof Y.Map) || !(change.created || change.fields.has(field))) return [];
	const person = map.get(field);
	if (typeof person !== 'string' || context.members.has(person)) return [];
	return [{ entity, id, rule: 'forbidden', message: t(m.rule_person_not_member, { field, person: person.slice(0, 64) }) }];
}
