/**
 * From a CSV row to a typed record: which columns feed which field of a
 * contact, a company or a deal (the mapping the person chose), and how each
 * cell is read. Old CRMs write money, dates and statuses every which way, in
 * Russian and in English; a cell that cannot be read keeps its row out of
 * the import with a reason that names the column and the value, so the
 * report says exactly what to fix. Nothing here reads the database: member
 * emails, stage names and duplicates are the import job's.
 */
import { z } from 'zod';
import type { CsvDelimiter, CsvRow } from './csv-read.js';
import { limits } from '../../src/lib/model/schema.js';
import { isStorableText } from '../../src/lib/model/validate.js';
import { m } from '../../src/lib/paraglide/messages.js';
import type { Locale } from '../../src/lib/paraglide/runtime.js';
import { schemaMessage } from '../../src/lib/schema-text.js';
import { renderText, t, type Text } from '../i18n/text.js';

export const importEntities = ['contacts', 'companies', 'deals'] as const;
export type ImportEntity = (typeof importEntities)[number];

export const contactStatuses = ['potential', 'customer', 'lapsed'] as const;
export type ContactStatus = (typeof contactStatuses)[number];

export const importDealSources = ['form', 'phone', 'email', 'import', 'manual'] as const;
export type ImportDealSource = (typeof importDealSources)[number];

/** A field a column can be mapped to, as the mapping screen lists it. */
export interface ImportField {
	key: string;
	label: Text;
	/** The import cannot start until a column is mapped to it (or to one of `anyOf`). */
	required: boolean;
	/** Several columns may feed it ("Work phone" and "Mobile phone"); their values are collected. */
	multiple: boolean;
	/** Fields that satisfy `required` in this one's place: a contact's first or last name. */
	anyOf?: readonly string[];
}

type FieldKind = 'text' | 'note' | 'title' | 'phone' | 'email' | 'owner' | 'tags' | 'date' | 'datetime' | 'money' | 'currency' | 'status' | 'source';

interface FieldSpec extends ImportField {
	kind: FieldKind;
	/** The record's property, when not the key. */
	property?: string;
}

const field = (key: string, kind: FieldKind, label: Text, more: Partial<FieldSpec> = {}): FieldSpec => ({
	key,
	kind,
	label,
	required: false,
	multiple: false,
	...more
});

const fieldSpecs: Record<ImportEntity, readonly FieldSpec[]> = {
	contacts: [
		field('name', 'text', t(m.import_field_full_name), { required: true, anyOf: ['firstName', 'lastName'] }),
		field('firstName', 'text', t(m.import_field_first_name)),
		field('lastName', 'text', t(m.import_field_last_name)),
		field('phone', 'phone', t(m.import_field_phone), { multiple: true, property: 'phones' }),
		field('email', 'email', t(m.import_field_email), { multiple: true, property: 'emails' }),
		field('company', 'text', t(m.import_field_company)),
		field('position', 'text', t(m.import_field_position)),
		field('address', 'text', t(m.import_field_address)),
		field('website', 'text', t(m.import_field_website)),
		field('birthday', 'date', t(m.import_field_birthday)),
		field('segment', 'text', t(m.import_field_segment)),
		field('status', 'status', t(m.import_field_status)),
		field('tags', 'tags', t(m.import_field_tags), { multiple: true }),
		field('owner', 'owner', t(m.import_field_owner)),
		field('note', 'note', t(m.import_field_note))
	],
	companies: [
		field('name', 'text', t(m.import_field_company_name), { required: true }),
		field('taxId', 'text', t(m.import_field_tax_id)),
		field('phone', 'phone', t(m.import_field_phone), { multiple: true, property: 'phones' }),
		field('email', 'email', t(m.import_field_email), { multiple: true, property: 'emails' }),
		field('address', 'text', t(m.import_field_address)),
		field('website', 'text', t(m.import_field_website)),
		field('segment', 'text', t(m.import_field_segment)),
		field('status', 'status', t(m.import_field_status)),
		field('tags', 'tags', t(m.import_field_tags), { multiple: true }),
		field('owner', 'owner', t(m.import_field_owner))
	],
	deals: [
		field('title', 'title', t(m.import_field_title), { required: true }),
		field('value', 'money', t(m.import_field_value), { property: 'valueMinor' }),
		field('currency', 'currency', t(m.import_field_currency)),
		field('stage', 'text', t(m.import_field_stage)),
		field('owner', 'owner', t(m.import_field_owner)),
		field('contact', 'text', t(m.import_field_contact)),
		field('contactPhone', 'phone', t(m.import_field_contact_phone)),
		field('contactEmail', 'email', t(m.import_field_contact_email)),
		field('company', 'text', t(m.import_field_company)),
		field('companyTaxId', 'text', t(m.import_field_company_tax_id)),
		field('source', 'source', t(m.import_field_source)),
		field('createdAt', 'datetime', t(m.import_field_created_at)),
		field('expectedCloseDate', 'date', t(m.import_field_expected_close_date))
	]
};

/** The fields of each entity, in the order the mapping screen shows them. */
export const importFields: Record<ImportEntity, readonly ImportField[]> = {
	contacts: fieldSpecs.contacts.map(describeField),
	companies: fieldSpecs.companies.map(describeField),
	deals: fieldSpecs.deals.map(describeField)
};

function describeField({ key, label, required, multiple, anyOf }: FieldSpec): ImportField {
	return anyOf ? { key, label, required, multiple, anyOf } : { key, label, required, multiple };
}

export interface ContactRecord {
	/** Mapped custom field cells, by field id. */
	custom?: CustomCells;
	/** The full name, or the first and last name joined. */
	name: string;
	firstName?: string;
	lastName?: string;
	phones: string[];
	emails: string[];
	company?: string;
	position?: string;
	address?: string;
	website?: string;
	/** YYYY-MM-DD. */
	birthday?: string;
	segment?: string;
	status?: ContactStatus;
	tags: string[];
	/** A member's email, lower-cased; the job finds the member. */
	owner?: string;
	note?: string;
}

export interface CompanyRecord {
	/** Mapped custom field cells, by field id. */
	custom?: CustomCells;
	name: string;
	taxId?: string;
	phones: string[];
	emails: string[];
	address?: string;
	website?: string;
	segment?: string;
	status?: ContactStatus;
	tags: string[];
	owner?: string;
}

export interface DealRecord {
	/** Mapped custom field cells, by field id. */
	custom?: CustomCells;
	title: string;
	/** In minor units of `currency` (kopecks, cents). */
	valueMinor?: number;
	/** ISO 4217; from the currency column, the value's own sign (₽, $) or the import's default. */
	currency?: string;
	/** A stage's name, as the old system called it. */
	stage?: string;
	owner?: string;
	/** The contact's name. */
	contact?: string;
	contactPhone?: string;
	contactEmail?: string;
	company?: string;
	companyTaxId?: string;
	source?: ImportDealSource;
	/** ISO 8601 in UTC. */
	createdAt?: string;
	/** YYYY-MM-DD. */
	expectedCloseDate?: string;
}

/** A column mapped to a custom field: `custom:<fieldId>`. The job reads the cell against the field. */
export const customFieldKey = (fieldId: string) => `custom:${fieldId}`;

/** The raw text of each mapped custom field's cell, by field id (custom-values are read by the job, which knows the fields). */
export type CustomCells = Record<string, string>;

export interface ImportRecords {
	contacts: ContactRecord;
	companies: CompanyRecord;
	deals: DealRecord;
}

/** CSV column name → field key; a column mapped to null, or left out, is not imported. */
export type ImportMapping = Record<string, string | null>;

export type MappedRow<E extends ImportEntity> = { ok: true; record: ImportRecords[E] } | { ok: false; line: number; reason: Text };

export interface MapRowOptions {
	/** The file's delimiter: cells holding several values are split on ";" too unless it is ";". */
	delimiter?: CsvDelimiter;
	/** The zone a date and time without an offset was written in; UTC by default. */
	timeZone?: string;
	/** The currency of values that name none (no currency column, no ₽ or $). */
	currency?: string;
}

const requiredMessages = {
	contacts: m.import_mapping_contact_name,
	companies: m.import_mapping_company_name,
	deals: m.import_mapping_deal_title
} satisfies Record<ImportEntity, unknown>;

/**
 * The mapping of an import of `entity`: every key a column (of `columns`,
 * when given), every value a field of the entity or null, a field that takes
 * one value fed by one column at most, and the required fields mapped.
 */
export function importMappingSchema(entity: ImportEntity, columns?: readonly string[], customFieldIds: readonly string[] = []): z.ZodType<ImportMapping> {
	const specs = [...fieldSpecs[entity], ...customFieldIds.map((id) => field(customFieldKey(id), 'text', id))];
	const keys = specs.map((spec) => spec.key) as [string, ...string[]];
	const known = columns ? new Set(columns) : null;
	return z.record(z.string().min(1), z.enum(keys).nullable()).superRefine((mapping, context) => {
		const used = new Set<string>();
		for (const [column, key] of Object.entries(mapping)) {
			if (known && !known.has(column)) {
				context.addIssue({ code: 'custom', path: [column], message: schemaMessage(m.import_mapping_unknown_column, { column }) });
			}
			if (key === null) continue;
			const spec = specs.find((candidate) => candidate.key === key);
			if (!spec) continue;
			if (used.has(key) && !spec.multiple) {
				const message = (_: object, options: { locale?: Locale }) =>
					m.import_mapping_field_twice({ field: renderText(spec.label, options.locale ?? 'en') }, options);
				context.addIssue({ code: 'custom', path: [column], message: schemaMessage(message) });
			}
			used.add(key);
		}
		for (const spec of specs) {
			if (spec.required && !used.has(spec.key) && !spec.anyOf?.some((key) => used.has(key))) {
				context.addIssue({ code: 'custom', path: [], message: schemaMessage(requiredMessages[entity]) });
			}
		}
	});
}

/**
 * One row as a record of `entity`, or the reason it cannot be imported:
 * every unreadable cell is named, with its column, in one reason. Cells are
 * trimmed, and the apostrophe our own export puts before "=", "+", "-" and
 * "@" is taken off again, so an exported list imports as it was.
 */
export function mapRow<E extends ImportEntity>(row: CsvRow, mapping: ImportMapping, entity: E, options: MapRowOptions = {}): MappedRow<E> {
	const record: Record<string, unknown> = {};
	const reasons: Text[] = [];
	const failed = new Set<string>();
	let money: { cell: Cell; amount: Amount } | null = null;
	for (const spec of fieldSpecs[entity]) {
		const property = spec.property ?? spec.key;
		if (spec.multiple) record[property] = [];
		const cells = readCells(row, mapping, spec);
		if (cells.length === 0) continue;
		const unstorable = cells.find((cell) => !isStorableText(cell.text));
		if (unstorable) {
			reasons.push(inColumn(unstorable.column, t(m.error_plain_text)));
			failed.add(spec.key);
			continue;
		}
		if (spec.multiple) {
			const values: string[] = [];
			for (const cell of cells) {
				for (const item of splitValues(cell.text, options.delimiter ?? ',')) {
					const read = readValue(spec.kind, item, options);
					if ('reason' in read) reasons.push(inColumn(cell.column, read.reason));
					else values.push(read.value as string);
				}
			}
			record[property] = removeRepeats(values, spec.kind);
			continue;
		}
		const cell = cells[0]!;
		if (spec.kind === 'money') {
			const amount = readAmount(cell.text);
			if ('reason' in amount) reasons.push(inColumn(cell.column, amount.reason));
			else money = { cell, amount };
			continue;
		}
		const read = readValue(spec.kind, cell.text, options);
		if ('reason' in read) {
			reasons.push(inColumn(cell.column, read.reason));
			failed.add(spec.key);
		} else record[property] = read.value;
	}
	if (money) {
		const value = settleMoney(money.amount, record.currency as string | undefined, options.currency);
		if ('reason' in value) reasons.push(inColumn(money.cell.column, value.reason));
		else {
			record.valueMinor = value.minor;
			if (value.currency) record.currency = value.currency;
		}
	}
	// Custom fields: their cells as typed; the job reads them against the fields and names any that does not fit.
	for (const [column, key] of Object.entries(mapping)) {
		if (!key?.startsWith('custom:')) continue;
		let text = (Object.hasOwn(row.values, column) ? row.values[column]! : '').trim();
		if (guardedFormula.test(text)) text = text.slice(1).trim();
		if (text === '') continue;
		if (!isStorableText(text)) reasons.push(inColumn(column, t(m.error_plain_text)));
		else ((record.custom ??= {}) as CustomCells)[key.slice('custom:'.length)] = text;
	}
	const missing = findMissingName(entity, record, mapping, failed);
	if (missing) reasons.push(missing);
	if (reasons.length > 0) return { ok: false, line: row.line, reason: joinReasons(reasons) };
	return { ok: true, record: record as unknown as ImportRecords[E] };
}

interface Cell {
	column: string;
	text: string;
}

type Read<T> = { value: T } | { reason: Text };

// What csv-write.ts puts before a cell that would start a formula.
const guardedFormula = /^'[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

function readCells(row: CsvRow, mapping: ImportMapping, spec: FieldSpec): Cell[] {
	const cells: Cell[] = [];
	for (const [column, key] of Object.entries(mapping)) {
		if (key !== spec.key) continue;
		const raw = Object.hasOwn(row.values, column) ? row.values[column]! : '';
		let text = raw.trim();
		if (guardedFormula.test(text)) text = text.slice(1).trim();
		// A note keeps its lines; a list is split on them first (splitValues); anything else is one line.
		if (spec.kind === 'note') text = text.replace(/\r\n?/g, '\n');
		else if (!spec.multiple) text = foldSpaces(text);
		if (text !== '') cells.push({ column, text });
	}
	return cells;
}

function splitValues(text: string, delimiter: CsvDelimiter): string[] {
	// A ";" inside a ";"-separated file had to be quoted: it is part of the value.
	const separators = delimiter === ';' ? /[,\n]/ : /[,;\n]/;
	return text
		.split(separators)
		.map(foldSpaces)
		.filter((item) => item !== '');
}

function foldSpaces(text: string): string {
	return text.replace(/\s+/g, ' ').trim();
}

function removeRepeats(values: string[], kind: FieldKind): string[] {
	const seen = new Set<string>();
	return values.filter((value) => {
		const key = kind === 'phone' ? value.replace(/\D/g, '') : value.toLowerCase();
		if (seen.has(key)) return false;
		seen.add(key);
		return true;
	});
}

function readValue(kind: FieldKind, text: string, options: MapRowOptions): Read<unknown> {
	switch (kind) {
		case 'text':
		case 'note':
		case 'tags':
			return { value: text };
		case 'title':
			return text.length > limits.titleLength ? { reason: t(m.import_too_long, { max: limits.titleLength }) } : { value: text };
		case 'phone':
			return readPhone(text);
		case 'email':
			return readEmail(text);
		case 'owner': {
			const email = readEmail(text);
			return 'reason' in email ? email : { value: email.value.toLowerCase() };
		}
		case 'date': {
			const date = readDate(text);
			return 'reason' in date ? date : { value: isoDate(date.value) };
		}
		case 'datetime': {
			const date = readDate(text);
			return 'reason' in date ? date : { value: toInstant(date.value, options.timeZone ?? 'UTC') };
		}
		case 'currency':
			return readCurrency(text);
		case 'status':
			return readWord(text, statusWords, t(m.import_not_status, { value: text }));
		case 'source':
			return readWord(text, sourceWords, t(m.import_not_source, { value: text }));
		case 'money':
			throw new Error('money is read with its currency');
	}
}

// An extension may follow the number: "+7 495 123-45-67 доб. 123".
const phoneExtension = /\s*(?:доб\.?|ext\.?|x|#)\s*\d{1,6}$/i;
const phoneNumber = /^\+?[\d\s().\-/]+$/;

function readPhone(text: string): Read<string> {
	const number = text.replace(phoneExtension, '');
	const digits = number.replace(/\D/g, '').length;
	if (!phoneNumber.test(number) || digits < 5 || digits > 15) return { reason: t(m.import_not_phone, { value: text }) };
	return { value: text };
}

const emailAddress = /^[^\s@<>(),;:"]+@[^\s@<>(),;:".]+(?:\.[^\s@<>(),;:".]+)+$/;

function readEmail(text: string): Read<string> {
	return emailAddress.test(text) ? { value: text } : { reason: t(m.import_not_email, { value: text }) };
}

const statusWords: Record<string, ContactStatus> = {
	potential: 'potential',
	prospect: 'potential',
	lead: 'potential',
	'potential customer': 'potential',
	потенциальный: 'potential',
	потенциальная: 'potential',
	'потенциальный клиент': 'potential',
	лид: 'potential',
	customer: 'customer',
	client: 'customer',
	клиент: 'customer',
	покупатель: 'customer',
	'действующий клиент': 'customer',
	'постоянный клиент': 'customer',
	lapsed: 'lapsed',
	former: 'lapsed',
	'former customer': 'lapsed',
	бывший: 'lapsed',
	бывшая: 'lapsed',
	'бывший клиент': 'lapsed',
	ушедший: 'lapsed',
	'ушедший клиент': 'lapsed'
};

const sourceWords: Record<string, ImportDealSource> = {
	form: 'form',
	'web form': 'form',
	website: 'form',
	форма: 'form',
	'веб-форма': 'form',
	'форма на сайте': 'form',
	сайт: 'form',
	заявка: 'form',
	phone: 'phone',
	call: 'phone',
	телефон: 'phone',
	звонок: 'phone',
	email: 'email',
	'e-mail': 'email',
	mail: 'email',
	почта: 'email',
	'электронная почта': 'email',
	письмо: 'email',
	import: 'import',
	импорт: 'import',
	manual: 'manual',
	manually: 'manual',
	вручную: 'manual',
	'ручной ввод': 'manual'
};

function readWord<T>(text: string, words: Record<string, T>, otherwise: Text): Read<T> {
	const word = text.toLowerCase().replaceAll('ё', 'е').replace(/\s+/g, ' ');
	return Object.hasOwn(words, word) ? { value: words[word]! } : { reason: otherwise };
}

interface DateParts {
	year: number;
	month: number;
	day: number;
	time?: { hour: number; minute: number; second: number };
	/** Minutes east of UTC, when the text gave one. */
	offset?: number;
}

const time = String.raw`(?:,?\s+|T)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?`;
const isoPattern = new RegExp(String.raw`^(\d{4})-(\d{1,2})-(\d{1,2})(?:${time}\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$`, 'i');
const dottedPattern = new RegExp(String.raw`^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:${time})?$`);
const slashedPattern = new RegExp(String.raw`^(\d{1,2})/(\d{1,2})/(\d{4})(?:${time})?$`);

/**
 * "2024-12-31", "31.12.2024" (day first, as in Russia) or "12/31/2024"; a
 * time may follow. Slashes are written month first in the US and day first
 * in Britain, so "12/31/2024" and "31/12/2024" are read, and "03/04/2024" is
 * refused with both readings named rather than guessed.
 */
function readDate(text: string): Read<DateParts> {
	let match = isoPattern.exec(text);
	let parts: DateParts | null = null;
	if (match) parts = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
	else if ((match = dottedPattern.exec(text))) parts = { year: Number(match[3]), month: Number(match[2]), day: Number(match[1]) };
	else if ((match = slashedPattern.exec(text))) {
		const [first, second, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
		if (first > 12 && second > 12) return { reason: t(m.import_not_date, { value: text }) };
		if (first <= 12 && second <= 12 && first !== second) {
			const us = { year, month: first, day: second };
			const british = { year, month: second, day: first };
			return { reason: t(m.import_date_ambiguous, { value: text, first: formatDate(us), second: formatDate(british) }) };
		}
		parts = first > 12 ? { year, month: second, day: first } : { year, month: first, day: second };
	}
	if (!match || !parts) return { reason: t(m.import_not_date, { value: text }) };
	if (match[4] !== undefined) {
		parts.time = { hour: Number(match[4]), minute: Number(match[5]), second: Number(match[6] ?? 0) };
	}
	if (match[7] !== undefined) parts.offset = readOffset(match[7]);
	if (!isRealDate(parts)) return { reason: t(m.import_no_such_date, { value: text }) };
	return { value: parts };
}

function readOffset(text: string): number {
	if (text.toUpperCase() === 'Z') return 0;
	const digits = text.slice(1).replace(':', '');
	const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0);
	return text.startsWith('-') ? -minutes : minutes;
}

function isRealDate({ year, month, day, time: clock }: DateParts): boolean {
	const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
	const dayFits = month >= 1 && month <= 12 && day >= 1 && day <= days;
	return dayFits && (!clock || (clock.hour <= 23 && clock.minute <= 59 && clock.second <= 59));
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

function isoDate({ year, month, day }: DateParts): string {
	return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** A date the way the reader writes one ("4 марта 2024 г.", "March 4, 2024"), for naming both readings. */
function formatDate(parts: DateParts): Text {
	return (locale) =>
		new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(parts.year, parts.month - 1, parts.day)));
}

/** The instant a date and time stand for: with their offset, or as the wall clock of `timeZone`. */
function toInstant(parts: DateParts, timeZone: string): string {
	const clock = parts.time ?? { hour: 0, minute: 0, second: 0 };
	const wall = Date.UTC(parts.year, parts.month - 1, parts.day, clock.hour, clock.minute, clock.second);
	if (parts.offset !== undefined) return new Date(wall - parts.offset * 60_000).toISOString();
	// The zone's offset at the guess, then again at the result, which differs only across a clock change.
	let instant = wall - zoneOffset(wall, timeZone);
	instant = wall - zoneOffset(instant, timeZone);
	return new Date(instant).toISOString();
}

function zoneOffset(instant: number, timeZone: string): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: 'numeric',
		day: 'numeric',
		hour: 'numeric',
		minute: 'numeric',
		second: 'numeric'
	}).formatToParts(new Date(instant));
	const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((part) => part.type === type)?.value);
	const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
	return asUtc - Math.floor(instant / 1000) * 1000;
}

const currencyCodes = new Set(Intl.supportedValuesOf('currency'));
const currencySigns: Record<string, string> = {
	'₽': 'RUB',
	руб: 'RUB',
	'руб.': 'RUB',
	р: 'RUB',
	'р.': 'RUB',
	$: 'USD',
	'us$': 'USD',
	'€': 'EUR',
	'£': 'GBP',
	'₸': 'KZT',
	'₴': 'UAH'
};

function findCurrency(text: string): string | null {
	const word = text.toLowerCase();
	if (Object.hasOwn(currencySigns, word)) return currencySigns[word]!;
	const code = text.toUpperCase();
	return /^[A-Z]{3}$/.test(code) && currencyCodes.has(code) ? code : null;
}

function readCurrency(text: string): Read<string> {
	const code = findCurrency(text);
	return code ? { value: code } : { reason: t(m.import_not_currency, { value: text }) };
}

interface Amount {
	text: string;
	whole: string;
	fraction: string;
	currency?: string;
}

const signBefore = /^(₽|\$|€|£|₸|₴|[a-zа-я$]{1,3}\.?)\s*/i;
const signAfter = /\s*(₽|\$|€|£|₸|₴|[a-zа-я$]{1,3}\.?)$/i;
// Spaces of every width, and the apostrophes Swiss and some 1C exports group thousands with.
const groupSpaces = /[\s\u00A0\u202F\u2009'’]/g;

/**
 * "1 234 567,89", "1,234,567.89", "1.234.567,89", "12 000 ₽", "$1,200",
 * "1200 USD". The last of "," and "." is the decimal mark when both appear;
 * a lone "," before exactly three digits groups thousands ("1,200"), before
 * one or two it is the Russian decimal comma ("1,5"); a lone "." is decimal.
 */
function readAmount(text: string): Amount | { reason: Text } {
	const notMoney = { reason: t(m.import_not_money, { value: text }) };
	let rest = text;
	let negative = false;
	let currency: string | undefined;
	for (const sign of [signBefore, signAfter]) {
		// "-1 200 ₽", "-$1,200" and "$-1,200" alike.
		if (/^[-−]/.test(rest)) [negative, rest] = [true, rest.slice(1).trimStart()];
		const match = sign.exec(rest);
		if (!match) continue;
		const code = findCurrency(match[1]!);
		if (!code || (currency && currency !== code)) return notMoney;
		currency = code;
		rest = sign === signBefore ? rest.slice(match[0].length) : rest.slice(0, match.index);
	}
	if (/^[-−]/.test(rest)) [negative, rest] = [true, rest.slice(1)];
	rest = rest.replace(groupSpaces, '');
	if (!/^\d[\d.,]*$/.test(rest)) return notMoney;
	const decimal = findDecimalMark(rest);
	const at = decimal ? rest.lastIndexOf(decimal) : rest.length;
	let whole = rest.slice(0, at);
	const fraction = decimal ? rest.slice(at + 1) : '';
	if (decimal && !/^\d+$/.test(fraction)) return notMoney;
	const group = whole.includes(',') ? ',' : whole.includes('.') ? '.' : null;
	if (group) {
		const groups = whole.split(group);
		if (!/^[1-9]\d{0,2}$/.test(groups[0]!) || groups.slice(1).some((digits) => !/^\d{3}$/.test(digits))) return notMoney;
		whole = groups.join('');
	}
	if (!/^\d+$/.test(whole)) return notMoney;
	if (negative) return { reason: t(m.import_money_negative, { value: text }) };
	return currency ? { text, whole, fraction, currency } : { text, whole, fraction };
}

function findDecimalMark(digits: string): ',' | '.' | null {
	const lastComma = digits.lastIndexOf(',');
	const lastDot = digits.lastIndexOf('.');
	if (lastComma >= 0 && lastDot >= 0) return lastComma > lastDot ? ',' : '.';
	if (lastDot >= 0) return digits.indexOf('.') === lastDot ? '.' : null;
	if (lastComma < 0 || digits.indexOf(',') !== lastComma) return null;
	const after = digits.length - lastComma - 1;
	// "0,125" has no thousands to group.
	return after !== 3 || digits.startsWith('0,') ? ',' : null;
}

/** The amount in minor units of its currency: the currency column's, else its own sign's, else the import's default. */
function settleMoney(amount: Amount, column: string | undefined, fallback: string | undefined): { minor: number; currency?: string } | { reason: Text } {
	if (column && amount.currency && column !== amount.currency) {
		return { reason: t(m.import_currency_mismatch, { found: amount.currency, currency: column }) };
	}
	const currency = column ?? amount.currency ?? fallback;
	const digits = currency ? minorDigits(currency) : 2;
	const fraction = amount.fraction.replace(/0+$/, '');
	if (fraction.length > digits) {
		return { reason: currency ? t(m.import_money_too_precise, { value: amount.text, currency }) : t(m.import_money_two_decimals, { value: amount.text }) };
	}
	const minor = BigInt(amount.whole + fraction.padEnd(digits, '0'));
	if (minor > BigInt(limits.maxValueMinor)) return { reason: t(m.import_money_too_large, { value: amount.text }) };
	return currency ? { minor: Number(minor), currency } : { minor: Number(minor) };
}

const digitsByCurrency = new Map<string, number>();

function minorDigits(currency: string): number {
	let digits = digitsByCurrency.get(currency);
	if (digits === undefined) {
		digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
		digitsByCurrency.set(currency, digits);
	}
	return digits;
}

const nameFields = {
	contacts: { keys: ['name', 'firstName', 'lastName'], message: m.import_contact_no_name },
	companies: { keys: ['name'], message: m.import_company_no_name },
	deals: { keys: ['title'], message: m.import_deal_no_title }
} satisfies Record<ImportEntity, unknown>;

/** Fills a contact's name from its parts; the reason when the row names nothing. */
function findMissingName(entity: ImportEntity, record: Record<string, unknown>, mapping: ImportMapping, failed: Set<string>): Text | null {
	if (entity === 'contacts' && record.name === undefined) {
		const parts = [record.firstName, record.lastName].filter((part) => part !== undefined);
		if (parts.length > 0) record.name = parts.join(' ');
	}
	const { keys, message } = nameFields[entity];
	// A name cell that could not be read has its own reason already.
	if (record[keys[0]!] !== undefined || keys.some((key) => failed.has(key))) return null;
	const columns = Object.entries(mapping)
		.filter(([, key]) => key !== null && keys.includes(key))
		.map(([column]) => column);
	return t(message, { columns: listColumns(columns) });
}

function listColumns(columns: string[]): Text {
	return (locale) => columns.map((column) => renderText(t(m.import_column_name, { column }), locale)).join(', ');
}

function inColumn(column: string, reason: Text): Text {
	return t(m.import_in_column, { column: t(m.import_column_name, { column }), reason });
}

function joinReasons(reasons: Text[]): Text {
	return (locale) => reasons.map((reason) => renderText(reason, locale)).join(' ');
}
