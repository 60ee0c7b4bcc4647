/**
 * Custom fields in CSV files: one column per active field, headed by its
 * label; a cell is written as a person reads and types it (choices by label,
 * a team member by email, money as "1200.50 EUR") and read back the same way,
 * so an export imports again as it was.
 */
import type { CsvColumn } from '../imports/csv-write.js';
import { checkFieldValue, type CustomFieldDef, type FieldValue } from '../../src/lib/model/fields.js';
import type { Text } from '../../src/lib/text.js';

const columnPrefix = 'custom:';

export function customColumns(fields: CustomFieldDef[]): CsvColumn[] {
	return fields.map((field) => ({ key: columnPrefix + field.id, label: field.label }));
}

function digitsOf(currency: string): number {
	try {
		return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
	} catch {
		return 2;
	}
}

function formatCell(field: CustomFieldDef, value: unknown, emailOf: (userId: string) => string | undefined): string {
	if (value === undefined || value === null) return '';
	switch (field.type) {
		case 'money': {
			const { amountMinor, currency } = value as { amountMinor: number; currency: string };
			const digits = digitsOf(currency);
			return `${digits === 0 ? amountMinor : (amountMinor / 10 ** digits).toFixed(digits)} ${currency}`;
		}
		case 'choice':
			return field.options.find((option) => option.id === value)?.label ?? '';
		case 'multi_choice':
			return (Array.isArray(value) ? value : [])
				.map((id) => field.options.find((option) => option.id === id)?.label)
				.filter(Boolean)
				.join('; ');
		case 'user':
			return typeof value === 'string' ? (emailOf(value) ?? '') : '';
		default:
			return String(value);
	}
}

/** The custom cells of one record's row, keyed as customColumns names them. */
export function customCells(fields: CustomFieldDef[], custom: Record<string, unknown> | null | undefined, emailOf: (userId: string) => string | undefined) {
	return Object.fromEntries(fields.map((field) => [columnPrefix + field.id, formatCell(field, custom?.[field.id], emailOf)]));
}

export interface FieldPerson {
	id: string;
	email: string;
	name: string;
}

const sameText = (a: string, b: string) => a.trim().toLocaleLowerCase() === b.trim().toLocaleLowerCase();

function readNumber(text: string): number | null {
	const cleaned = text.replace(/[\s\u00a0']/g, '').replace(/,(\d+)$/, '.$1').replace(/,/g, '');
	return /^-?\d+(\.\d+)?$/.test(cleaned) ? Number(cleaned) : null;
}

function readValue(field: CustomFieldDef, text: string, people: FieldPerson[]): unknown {
	switch (field.type) {
		case 'number':
			return readNumber(text);
		case 'money': {
			const match = /^([A-Za-z]{3})?\s*([-\d\s\u00a0.,']+?)\s*([A-Za-z]{3})?$/.exec(text.trim());
			const currency = (match?.[1] ?? match?.[3])?.toUpperCase();
			const amount = match ? readNumber(match[2]!) : null;
			return currency && amount !== null ? { amountMinor: Math.round(amount * 10 ** digitsOf(currency)), currency } : null;
		}
		case 'date': {
			const dotted = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text.trim());
			return dotted ? `${dotted[3]}-${dotted[2]!.padStart(2, '0')}-${dotted[1]!.padStart(2, '0')}` : text.trim();
		}
		case 'choice':
			return field.options.find((option) => option.id === text.trim() || sameText(option.label, text))?.id ?? null;
		case 'multi_choice': {
			const ids = text
				.split(/[;,\n]/)
				.filter((part) => part.trim() !== '')
				.map((part) => field.options.find((option) => option.id === part.trim() || sameText(option.label, part))?.id ?? null);
			return ids.includes(null) ? null : [...new Set(ids)];
		}
		case 'user':
			return people.find((person) => sameText(person.email, text) || sameText(person.name, text))?.id ?? null;
		default:
			return text.trim();
	}
}

/**
 * Reads a cell into the field's value: an empty cell is no value (undefined);
 * one that does not fit is the reason, naming the field.
 */
export function parseFieldCell(field: CustomFieldDef, text: string, people: FieldPerson[]): { value?: FieldValue; problem?: Text } {
	if (text.trim() === '') return {};
	const value = readValue(field, text, people);
	const problem = checkFieldValue(field, value, { members: new Set(people.map((person) => person.id)) });
	return problem ? { problem } : { value: value as FieldValue };
}
