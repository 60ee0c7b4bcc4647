import { sql, type SQL } from 'drizzle-orm';
import { companies, contacts, type CompanyRow, type ContactRow, type PartyKind, type PartyStatus } from '../db/schema.js';
import { matchKeys, normaliseCompanyName, normaliseName, phoneSearchDigits } from './normalise.js';

/**
 * Contacts (people) and companies (organisations) are both "parties": the
 * same phones, emails, owner, segment and status, kept in two tables because
 * each has fields of its own (a person's company and birthday, a company's
 * tax id). This module holds what they share.
 */
export type PartyRow = ContactRow | CompanyRow;

export function partyTable(kind: PartyKind) {
	// The shared columns have the same names in both tables; queries that use
	// only those treat the two alike through this union.
	return (kind === 'contact' ? contacts : companies) as typeof contacts;
}

/** What a person types for a contact or a company; every field but the name may be left out. */
export interface PartyInput {
	name: string;
	phones?: string[];
	emails?: string[];
	address?: string | null;
	website?: string | null;
	segment?: string | null;
	status?: PartyStatus;
	ownerId?: string | null;
	tags?: string[];
	note?: string | null;
	// Contacts only
	companyId?: string | null;
	position?: string | null;
	birthday?: string | null;
	// Companies only
	taxId?: string | null;
	/** Custom field values by field id, already checked against the workspace's fields. */
	custom?: Record<string, unknown>;
}

/** The country a phone without a country code is read in, until workspaces choose their own. */
export const defaultPhoneCountry = 'RU';

/**
 * The columns derived from what was typed: the normalised keys duplicate
 * control matches on, and the one string search looks in (the name, every
 * email, the digits of every phone, the tax id), lower-cased.
 */
export function derivePartyKeys(kind: PartyKind, input: { name: string; phones: string[]; emails: string[]; taxId?: string | null }) {
	const keys = matchKeys({ phones: input.phones, emails: input.emails, taxId: input.taxId ?? null }, defaultPhoneCountry);
	const nameKey = kind === 'company' ? normaliseCompanyName(input.name) : normaliseName(input.name);
	const phoneDigits = keys.phones.map((phone) => phone.replace(/\D/g, ''));
	const typedDigits = input.phones.map(phoneSearchDigits).filter((digits) => digits.length > 0);
	const searchText = [input.name.toLowerCase(), nameKey, ...input.emails.map((email) => email.toLowerCase()), ...keys.emails, ...phoneDigits, ...typedDigits, keys.taxId ?? '']
		.filter((part, index, all) => part && all.indexOf(part) === index)
		.join(' ');
	return { nameKey, phoneKeys: keys.phones, emailKeys: keys.emails, taxKey: keys.taxId, searchText };
}

/** Several values typed in one list: trimmed, empties dropped, each once. */
export function cleanList(values: string[] | undefined): string[] {
	const seen = new Set<string>();
	const out: string[] = [];
	for (const raw of values ?? []) {
		const value = raw.trim();
		if (!value || seen.has(value.toLowerCase())) continue;
		seen.add(value.toLowerCase());
		out.push(value);
	}
	return out;
}

/** The fields a stored row has, from the input (after it passed the API's schema). */
export function toPartyValues(kind: PartyKind, input: PartyInput) {
	const phones = cleanList(input.phones);
	const emails = cleanList(input.emails);
	const tags = cleanList(input.tags);
	const { taxKey, ...keys } = derivePartyKeys(kind, { name: input.name, phones, emails, taxId: input.taxId });
	const common = {
		name: input.name.trim(),
		phones,
		emails,
		tags,
		address: input.address ?? null,
		website: input.website ?? null,
		segment: input.segment ?? null,
		status: input.status ?? 'potential',
		ownerId: input.ownerId ?? null,
		note: input.note ?? null,
		custom: input.custom ?? {},
		...keys
	};
	if (kind === 'company') return { ...common, taxId: input.taxId ?? null, taxKey };
	return { ...common, companyId: input.companyId ?? null, position: input.position ?? null, birthday: input.birthday ?? null };
}

/** A text[] literal of bound values (both drivers; no driver-specific array binding). */
export function textArray(values: string[]): SQL {
	return sql`ARRAY[${sql.join(
		values.map((value) => sql`${value}`),
		sql`, `
	)}]::text[]`;
}
