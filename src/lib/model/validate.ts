import { z } from 'zod';
import * as Y from 'yjs';
import { boardMaps, listTasksOfDeal } from './board.js';
import {
	boardSchemaVersion,
	dealSources,
	dealStatuses,
	limits,
	pipelineModes,
	requirableFields,
	stageKinds,
	taskTypes
} from './schema.js';
import { m } from '../paraglide/messages.js';
import type { Locale } from '../paraglide/runtime.js';
import { renderIssue, schemaMessage, valueAtPath } from '../schema-text.js';
import { t, type Text } from '../text.js';
import { fieldIdOfKey, fieldLimits, isFieldValueShape, requiredFieldId, requiredFieldPrefix, isFieldFilled, dealFieldKey } from './fields.js';

const isoTime = z.iso.datetime({ offset: true });
// PostgreSQL cannot store NUL in text and a lone surrogate is not Unicode (the
// drivers would replace it): such a value is refused at every edge, the API's
// fields and the board's alike.
const unstorable = /[\u0000\p{Cs}]/u;

/** True for text PostgreSQL can store as it is: no NUL, no lone surrogate. */
export function isStorableText(value: string): boolean {
	return !unstorable.test(value);
}

export const storableTextMessage = schemaMessage(m.error_plain_text);
const storable = (schema: z.ZodString) => schema.refine(isStorableText, storableTextMessage);
const id = storable(z.string().min(1).max(limits.idLength));
const rank = storable(z.string().min(1).max(limits.rankLength));

export const metaSchema = z.strictObject({
	schema: z.literal(boardSchemaVersion),
	pipelineId: id,
	workspaceId: id,
	name: storable(z.string().min(1).max(limits.nameLength)),
	mode: z.enum(pipelineModes)
});

export const stageSchema = z.strictObject({
	name: storable(z.string().min(1).max(limits.nameLength)),
	rank,
	kind: z.enum(stageKinds),
	probability: z.number().int().min(0).max(100),
	rotDays: z.number().int().min(1).max(3650).optional(),
	color: z.string().regex(/^#[0-9a-fA-F]{6}$/).optional(),
	required: z
		.array(z.union([z.enum(requirableFields), z.string().startsWith(requiredFieldPrefix).max(requiredFieldPrefix.length + limits.idLength)]))
		.max(requirableFields.length + fieldLimits.perEntity)
		.optional()
});

export const dealSchema = z.strictObject({
	title: storable(z.string().trim().min(1).max(limits.titleLength)),
	valueMinor: z.number().int().min(0).max(limits.maxValueMinor),
	currency: z.string().regex(/^[A-Z]{3}$/),
	stageId: id,
	rank,
	ownerId: id,
	contactId: id.optional(),
	companyId: id.optional(),
	source: z.enum(dealSources),
	status: z.enum(dealStatuses),
	lostReason: storable(z.string().max(limits.lostReasonLength)).optional(),
	lostNote: storable(z.string().max(limits.lostReasonLength)).optional(),
	expectedCloseDate: z.iso.date().optional(),
	createdAt: isoTime,
	updatedAt: isoTime,
	closedAt: isoTime.optional()
});

export const taskSchema = z.strictObject({
	dealId: id,
	type: z.enum(taskTypes),
	title: storable(z.string().trim().min(1).max(limits.titleLength)),
	dueAt: isoTime,
	assigneeId: id,
	done: z.boolean(),
	doneAt: isoTime.optional(),
	auto: z.boolean().optional()
});

export type ViolationRule =
	| 'schema'
	| 'unknown-stage'
	| 'unknown-deal'
	| 'deal-without-task'
	| 'stage-not-empty'
	| 'strict-move'
	| 'required-fields'
	| 'read-only'
	| 'forbidden';

export interface Violation {
	entity: 'board' | 'meta' | 'stage' | 'deal' | 'task';
	id: string;
	rule: ViolationRule;
	/** Why, rendered in the reader's language when it is sent (src/lib/text.ts). */
	message: Text;
}

const invalidMessages = {
	board: m.rule_invalid_board,
	meta: m.rule_invalid_meta,
	stage: m.rule_invalid_stage,
	deal: m.rule_invalid_deal,
	task: m.rule_invalid_task
} satisfies Record<Violation['entity'], unknown>;

function schemaViolation(entity: Violation['entity'], entityId: string, error: z.ZodError, json: unknown): Violation {
	const detail = (locale: Locale) =>
		error.issues.map((issue) => `${issue.path.join('.') || '(entity)'}: ${renderIssue(issue, locale, valueAtPath(json, issue.path))}`).join('; ');
	return { entity, id: entityId, rule: 'schema', message: t(invalidMessages[entity], { id: entityId, detail }) };
}

function checkEntity(entity: Violation['entity'], entityId: string, value: unknown, schema: z.ZodType): Violation | null {
	const json = value && typeof (value as Y.Map<unknown>).toJSON === 'function' ? (value as Y.Map<unknown>).toJSON() : value;
	const parsed = schema.safeParse(json);
	return parsed.success ? null : schemaViolation(entity, entityId, parsed.error, json);
}

/**
 * A deal's built-in fields against the strict schema, and its custom values
 * (`f:<fieldId>` keys) against the shape any field value has. Which fields
 * exist and what each takes is the workspace's, not the document's: the
 * server checks values against the definitions (server/rules/custom-values.ts).
 */
function checkDealJson(dealId: string, json: Record<string, unknown>): Violation | null {
	const core: Record<string, unknown> = {};
	let customCount = 0;
	for (const [key, value] of Object.entries(json)) {
		const fieldId = fieldIdOfKey(key);
		if (fieldId === null) {
			core[key] = value;
			continue;
		}
		customCount += 1;
		const badKey = fieldId.length === 0 || fieldId.length > limits.idLength || !isStorableText(fieldId);
		if (badKey || !isFieldValueShape(value) || customCount > fieldLimits.perEntity * 2) {
			return { entity: 'deal', id: dealId, rule: 'schema', message: t(m.rule_custom_field_shape, { id: dealId, key: key.slice(0, 80) }) };
		}
	}
	const parsed = dealSchema.safeParse(core);
	return parsed.success ? null : schemaViolation('deal', dealId, parsed.error, core);
}

/** True when one of the candidate tasks belongs to the deal and is not done. */
function hasActiveTask(doc: Y.Doc, dealId: string, candidates?: Iterable<string>): boolean {
	const { tasks } = boardMaps(doc);
	if (!candidates) return listTasksOfDeal(doc, dealId).some((task) => !task.done);
	for (const taskId of candidates) {
		const task = tasks.get(taskId);
		if (task?.get?.('dealId') === dealId && task.get('done') === false) return true;
	}
	return false;
}

/**
 * Checks one deal: its fields, its stage, and that an open deal has an active
 * task. `taskIds` (the deal's tasks, from an index) avoids scanning every task.
 */
export function checkDeal(doc: Y.Doc, dealId: string, taskIds?: Iterable<string>): Violation[] {
	const { deals, stages } = boardMaps(doc);
	const map = deals.get(dealId);
	if (map === undefined) return [];
	const invalid = map instanceof Y.Map ? checkDealJson(dealId, map.toJSON() as Record<string, unknown>) : checkEntity('deal', dealId, map, dealSchema);
	if (invalid) return [invalid];
	const stageId = map.get('stageId') as string;
	if (!stages.has(stageId)) {
		return [{ entity: 'deal', id: dealId, rule: 'unknown-stage', message: t(m.rule_unknown_stage, { id: dealId, stage: stageId }) }];
	}
	if (map.get('status') === 'open' && !hasActiveTask(doc, dealId, taskIds)) {
		return [
			{
				entity: 'deal',
				id: dealId,
				rule: 'deal-without-task',
				message: t(m.rule_deal_without_task, { title: String(map.get('title')) })
			}
		];
	}
	return [];
}

export function checkTask(doc: Y.Doc, taskId: string): Violation[] {
	const { tasks, deals } = boardMaps(doc);
	const map = tasks.get(taskId);
	if (map === undefined) return [];
	const invalid = checkEntity('task', taskId, map, taskSchema);
	if (invalid) return [invalid];
	const dealId = map.get('dealId') as string;
	if (!deals.has(dealId)) {
		return [{ entity: 'task', id: taskId, rule: 'unknown-deal', message: t(m.rule_unknown_deal, { id: taskId, deal: dealId }) }];
	}
	return [];
}

export function checkStage(doc: Y.Doc, stageId: string): Violation[] {
	const map = boardMaps(doc).stages.get(stageId);
	if (map === undefined) return [];
	const invalid = checkEntity('stage', stageId, map, stageSchema);
	return invalid ? [invalid] : [];
}

export function checkMeta(doc: Y.Doc): Violation[] {
	const invalid = checkEntity('meta', 'meta', boardMaps(doc).meta, metaSchema);
	return invalid ? [invalid] : [];
}

/** Every violation in the whole document (the server checks only what changed). */
export function validateBoard(doc: Y.Doc): Violation[] {
	const { stages, deals, tasks } = boardMaps(doc);
	// Each deal's tasks from one pass over the tasks: asking per deal would read
	// every task once per deal, which is minutes on a board of 10,000 deals.
	const tasksByDeal = new Map<string, string[]>();
	tasks.forEach((task, taskId) => {
		const dealId = task?.get?.('dealId');
		if (typeof dealId !== 'string') return;
		const list = tasksByDeal.get(dealId);
		if (list) list.push(taskId);
		else tasksByDeal.set(dealId, [taskId]);
	});
	const violations = checkMeta(doc);
	for (const stageId of stages.keys()) violations.push(...checkStage(doc, stageId));
	for (const dealId of deals.keys()) violations.push(...checkDeal(doc, dealId, tasksByDeal.get(dealId) ?? []));
	for (const taskId of tasks.keys()) violations.push(...checkTask(doc, taskId));
	return violations;
}

const fieldLabels = { value: m.rule_field_value, contact: m.rule_field_contact, company: m.rule_field_company } satisfies Record<
	(typeof requirableFields)[number],
	unknown
>;

/**
 * The strict-mode rule for a deal that moved from one stage to another: only
 * to the next open stage, and only with that stage's required fields filled.
 */
export function checkStrictMove(doc: Y.Doc, dealId: string, fromStageId: string, fieldLabel: (fieldId: string) => string | undefined = () => undefined): Violation[] {
	const deal = boardMaps(doc).deals.get(dealId);
	if (!deal) return [];
	const stages = [...boardMaps(doc).stages.entries()]
		.map(([id, map]) => ({ id, rank: map.get('rank') as string, kind: map.get('kind'), name: map.get('name') as string, required: map.get('required') as string[] | undefined }))
		.filter((stage) => stage.kind === 'open')
		.sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : a.id < b.id ? -1 : 1));
	const from = stages.findIndex((stage) => stage.id === fromStageId);
	const target = stages.find((stage) => stage.id === deal.get('stageId'));
	const next = stages[from + 1];
	if (!target || !next || target.id !== next.id) {
		return [
			{
				entity: 'deal',
				id: dealId,
				rule: 'strict-move',
				message: next
					? t(m.rule_strict_next_only, { title: String(deal.get('title')), stage: next.name })
					: t(m.rule_strict_last_stage, { title: String(deal.get('title')) })
			}
		];
	}
	const missing = (target.required ?? []).filter((field) => {
		const fieldId = requiredFieldId(field);
		// A requirement on a field since archived (or never defined) binds no one.
		if (fieldId !== null) return fieldLabel(fieldId) !== undefined && !isFieldFilled(deal.get(dealFieldKey(fieldId)));
		if (field === 'value') return !((deal.get('valueMinor') as number) > 0);
		return !deal.get(field === 'contact' ? 'contactId' : 'companyId');
	});
	const labelOf = (field: string, locale: Locale) => {
		const fieldId = requiredFieldId(field);
		if (fieldId !== null) return m.field_label_quoted({ label: fieldLabel(fieldId) ?? fieldId }, { locale });
		return fieldLabels[field as keyof typeof fieldLabels]({}, { locale });
	};
	if (missing.length === 0) return [];
	return [
		{
			entity: 'deal',
			id: dealId,
			rule: 'required-fields',
			message: t(m.rule_required_fields, {
				stage: target.name,
				// "a value and a contact": one list, joined as the locale joins lists.
				fields: (locale) =>
					new Intl.ListFormat(locale, { type: 'conjunction' }).format(missing.map((field) => labelOf(field, locale)))
			})
		}
	];
}
