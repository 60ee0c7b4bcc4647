import type { Database } from '../db/client.js';
import { unprocessable, type Issue } from '../http/errors.js';
import { listMemberIds } from '../workspaces/member.js';
import { checkFieldValue, fieldLimits, type CustomFieldDef, type CustomFieldEntity } from '../../src/lib/model/fields.js';
import { listFields } from './field-store.js';
import type { FieldCondition } from './field-filter.js';
import { t } from '../i18n/text.js';
import { m } from '../../src/lib/paraglide/messages.js';

/** Values by field id as a request sends them: null clears a value. */
export type CustomInput = Record<string, unknown>;

/**
 * Checks custom values against the workspace's active fields of the entity:
 * an unknown id (another workspace's field, an archived one) and a value
 * that does not fit its type are issues at `custom.<fieldId>`.
 */
export function listValueIssues(fields: CustomFieldDef[], input: CustomInput, members: ReadonlySet<string>): Issue[] {
	const byId = new Map(fields.map((field) => [field.id, field]));
	const issues: Issue[] = [];
	for (const [fieldId, value] of Object.entries(input)) {
		const path = `custom.${fieldId.slice(0, 64)}`;
		const field = byId.get(fieldId);
		if (!field) issues.push({ path, message: t(m.field_unknown, { id: fieldId.slice(0, 64) }) });
		else if (value !== null) {
			const problem = checkFieldValue(field, value, { members });
			if (problem) issues.push({ path, message: problem });
		}
	}
	return issues;
}

/** Checks a request's custom values or throws 422 naming each field and why. */
export async function assertCustomValues(db: Database, workspaceId: string, entity: CustomFieldEntity, input: CustomInput | undefined): Promise<void> {
	if (!input || Object.keys(input).length === 0) return;
	const [fields, members] = await Promise.all([listFields(db, workspaceId, { entity }), listMemberIds(db, workspaceId)]);
	const issues = listValueIssues(fields, input, members);
	if (issues.length > 0) throw unprocessable('invalid_custom_values', t(m.error_custom_values_invalid), issues);
}

/** The stored values after a change: null removes a value, the rest replace theirs. */
export function mergeCustomValues(existing: Record<string, unknown>, input: CustomInput | undefined): Record<string, unknown> {
	if (!input) return existing;
	const merged = { ...existing };
	for (const [fieldId, value] of Object.entries(input)) {
		if (value === null) delete merged[fieldId];
		else merged[fieldId] = value;
	}
	return merged;
}

/** The `custom` object a request may send: bounded, keyed by id; each value is checked against its field afterwards. */
export const customInputLimits = { keys: fieldLimits.perEntity, keyLength: fieldLimits.idLength } as const;

/**
 * Reads a list's `field=<fieldId>:<value>` filters against the workspace's
 * fields of the entity: an unknown field is a 422, not an empty list.
 */
export async function readFieldFilters(
	db: Database,
	workspaceId: string,
	entity: CustomFieldEntity,
	raw: string | string[] | undefined
): Promise<FieldCondition[]> {
	const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
	if (list.length === 0) return [];
	const fields = new Map((await listFields(db, workspaceId, { entity })).map((field) => [field.id, field]));
	return list.map((filter) => {
		const split = filter.indexOf(':');
		const fieldId = split > 0 ? filter.slice(0, split) : filter;
		const field = fields.get(fieldId);
		if (!field || split < 0) {
			throw unprocessable('unknown_field', t(m.field_unknown, { id: fieldId.slice(0, 64) }), [{ path: 'field', message: t(m.field_unknown, { id: fieldId.slice(0, 64) }) }]);
		}
		return { fieldId, type: field.type, value: filter.slice(split + 1) };
	});
}
