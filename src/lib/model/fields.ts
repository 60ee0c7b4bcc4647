/**
 * Custom fields: the shapes a workspace adds to its deals, contacts and
 * companies, and the one check of a value against its field that the API,
 * the board's rules, imports and the forms share.
 *
 * A deal keeps its values on the board, each under its own key `f:<fieldId>`
 * of the deal's map (a plain JSON value, like every deal field), so two
 * people editing two custom fields of one deal merge field by field, offline
 * too. Contacts and companies keep theirs in a `custom` jsonb column.
 */
import { m } from '../paraglide/messages.js';
import { t, type Text } from '../text.js';

export const customFieldTypes = ['text', 'number', 'money', 'date', 'choice', 'multi_choice', 'user', 'link'] as const;
export type CustomFieldType = (typeof customFieldTypes)[number];

export const customFieldEntities = ['deal', 'contact', 'company'] as const;
export type CustomFieldEntity = (typeof customFieldEntities)[number];

export interface FieldOption {
	/** Stable: renaming an option keeps every value that chose it. */
	id: string;
	label: string;
}

export interface CustomFieldDef {
	id: string;
	entity: CustomFieldEntity;
	label: string;
	type: CustomFieldType;
	options: FieldOption[];
	/** Deal: shown on the board card; contact/company: a column of the list. */
	pinned: boolean;
	position: number;
}

export type MoneyValue = { amountMinor: number; currency: string };
/** A stored value of any field type (a choice stores its option's id). */
export type FieldValue = string | number | string[] | MoneyValue;

export const fieldLimits = {
	perEntity: 50,
	labelLength: 60,
	options: 100,
	optionLabelLength: 60,
	textLength: 1000,
	linkLength: 2000,
	idLength: 64,
	/** Numbers beyond ±10^15 lose cents in a double; nobody counts that high by hand. */
	maxNumber: 1e15
} as const;

const fieldKeyPrefix = 'f:';

/** The key of a custom field's value on a deal's board map. */
export function dealFieldKey(fieldId: string): string {
	return fieldKeyPrefix + fieldId;
}

/** The field id a deal map key names, or null for a built-in field. */
export function fieldIdOfKey(key: string): string | null {
	return key.startsWith(fieldKeyPrefix) ? key.slice(fieldKeyPrefix.length) : null;
}

/** Splits a deal's map (as JSON) into its built-in fields and its custom values by field id. */
export function splitDealFields(json: Record<string, unknown>): { core: Record<string, unknown>; custom: Record<string, unknown> } {
	const core: Record<string, unknown> = {};
	const custom: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(json)) {
		const fieldId = fieldIdOfKey(key);
		if (fieldId === null) core[key] = value;
		else custom[fieldId] = value;
	}
	return { core, custom };
}

const unstorable = /[\u0000\p{Cs}]/u;
const isDay = (value: unknown): value is string => {
	if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
	const date = new Date(`${value}T00:00:00Z`);
	return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
};
const isId = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length <= fieldLimits.idLength && !unstorable.test(value);

export function isMoneyValue(value: unknown): value is MoneyValue {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
	const keys = Object.keys(value);
	const { amountMinor, currency } = value as Record<string, unknown>;
	return (
		keys.length === 2 &&
		Number.isSafeInteger(amountMinor) &&
		Math.abs(amountMinor as number) <= Number.MAX_SAFE_INTEGER &&
		typeof currency === 'string' &&
		/^[A-Z]{3}$/.test(currency)
	);
}

export function isWebLink(value: unknown): value is string {
	if (typeof value !== 'string' || value.length > fieldLimits.linkLength || unstorable.test(value)) return false;
	try {
		const url = new URL(value);
		return url.protocol === 'http:' || url.protocol === 'https:';
	} catch {
		return false;
	}
}

/**
 * What any custom value may be, whatever its field: the board's schema check,
 * which knows no definitions, holds every writer to it (bounded text, a
 * finite number, a list of ids, a money object).
 */
export function isFieldValueShape(value: unknown): boolean {
	if (typeof value === 'string') return value.length <= fieldLimits.linkLength && !unstorable.test(value);
	if (typeof value === 'number') return Number.isFinite(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER;
	if (Array.isArray(value)) return value.length <= fieldLimits.options && value.every(isId);
	return isMoneyValue(value);
}

/** Who may be chosen in a user field: the workspace's members. */
export interface FieldContext {
	members: ReadonlySet<string>;
}

/**
 * Checks one value against its field. Returns why it does not fit (naming
 * the field by label), or null. Clearing a value is not a value: callers
 * delete the key (board) or send null (API) instead.
 */
export function checkFieldValue(field: Pick<CustomFieldDef, 'label' | 'type' | 'options'>, value: unknown, context: FieldContext): Text | null {
	const label = field.label;
	switch (field.type) {
		case 'text':
			return typeof value === 'string' && value.trim().length > 0 && value.length <= fieldLimits.textLength && !unstorable.test(value)
				? null
				: t(m.field_value_text, { label, max: String(fieldLimits.textLength) });
		case 'number':
			return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= fieldLimits.maxNumber ? null : t(m.field_value_number, { label });
		case 'money':
			return isMoneyValue(value) ? null : t(m.field_value_money, { label });
		case 'date':
			return isDay(value) ? null : t(m.field_value_date, { label });
		case 'choice':
			return typeof value === 'string' && field.options.some((option) => option.id === value) ? null : t(m.field_value_choice, { label });
		case 'multi_choice': {
			const ok =
				Array.isArray(value) &&
				value.length > 0 &&
				new Set(value).size === value.length &&
				value.every((choice) => field.options.some((option) => option.id === choice));
			return ok ? null : t(m.field_value_multi_choice, { label });
		}
		case 'user':
			return typeof value === 'string' && context.members.has(value) ? null : t(m.field_value_user, { label });
		case 'link':
			return isWebLink(value) ? null : t(m.field_value_link, { label });
	}
}

/** True when a value counts as filled for a stage that requires its field. */
export function isFieldFilled(value: unknown): boolean {
	if (value === undefined || value === null) return false;
	if (typeof value === 'string') return value.trim().length > 0;
	if (Array.isArray(value)) return value.length > 0;
	return true;
}

/** A stage's requirement naming a custom field: `field:<id>`. */
export const requiredFieldPrefix = 'field:';

export function requiredFieldId(requirement: string): string | null {
	return requirement.startsWith(requiredFieldPrefix) ? requirement.slice(requiredFieldPrefix.length) : null;
}
