/**
 * What the database must be asked about a mapped row before it is written:
 * phones and emails that duplicate control can key on, owners who are
 * members, stages of the board. Each failure is the row's reason.
 */
import { normaliseEmail, normalisePhone } from '../contacts/normalise.js';
import { defaultPhoneCountry, type PartyInput } from '../contacts/party.js';
import { renderText, t, type Text } from '../i18n/text.js';
import { m } from '../../src/lib/paraglide/messages.js';
import type { CompanyRecord, ContactRecord } from './import-mapping.js';

const maxName = 200;

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: Text };

/** Reasons joined into one, in the order found. */
export function joinReasons(reasons: Text[]): Text {
	return (locale) => reasons.map((reason) => renderText(reason, locale)).join(' ');
}

/** Every phone a number duplicate control can read, every email an address; the reasons of those that are not. */
export function checkContactPoints(phones: string[], emails: string[]): Text[] {
	const reasons: Text[] = [];
	for (const phone of phones) if (!normalisePhone(phone, defaultPhoneCountry)) reasons.push(t(m.error_phone_invalid, { phone }));
	for (const email of emails) if (!normaliseEmail(email)) reasons.push(t(m.error_email_not_address, { email }));
	return reasons;
}

/** A member's id by their email; the reason when nobody in the workspace has it. */
export function findOwner(email: string | undefined, members: ReadonlyMap<string, string>): Checked<string | undefined> {
	if (!email) return { ok: true, value: undefined };
	const id = members.get(email.toLowerCase());
	return id ? { ok: true, value: id } : { ok: false, reason: t(m.import_owner_not_member, { email }) };
}

function checkName(name: string): Text | null {
	return name.length > maxName ? t(m.import_name_too_long, { max: maxName }) : null;
}

/** A contact row as the fields of a contact (its company by name, resolved by the job). */
export function contactInput(record: ContactRecord, members: ReadonlyMap<string, string>): Checked<PartyInput> {
	const reasons = checkContactPoints(record.phones, record.emails);
	const name = checkName(record.name);
	if (name) reasons.push(name);
	const owner = findOwner(record.owner, members);
	if (!owner.ok) reasons.push(owner.reason);
	if (reasons.length > 0) return { ok: false, reason: joinReasons(reasons) };
	return {
		ok: true,
		value: {
			name: record.name,
			phones: record.phones,
			emails: record.emails,
			position: record.position ?? null,
			address: record.address ?? null,
			website: record.website ?? null,
			birthday: record.birthday ?? null,
			segment: record.segment ?? null,
			status: record.status,
			tags: record.tags,
			note: record.note ?? null,
			...(owner.ok && owner.value ? { ownerId: owner.value } : {})
		}
	};
}

export function companyInput(record: CompanyRecord, members: ReadonlyMap<string, string>): Checked<PartyInput> {
	const reasons = checkContactPoints(record.phones, record.emails);
	const name = checkName(record.name);
	if (name) reasons.push(name);
	const owner = findOwner(record.owner, members);
	if (!owner.ok) reasons.push(owner.reason);
	if (reasons.length > 0) return { ok: false, reason: joinReasons(reasons) };
	return {
		ok: true,
		value: {
			name: record.name,
			taxId: record.taxId ?? null,
			phones: record.phones,
			emails: record.emails,
			address: record.address ?? null,
			website: record.website ?? null,
			segment: record.segment ?? null,
			status: record.status,
			tags: record.tags,
			...(owner.ok && owner.value ? { ownerId: owner.value } : {})
		}
	};
}

/** A stage's name as it is compared: case, "ё" and runs of spaces do not matter. */
export function stageKey(name: string): string {
	return name.trim().toLowerCase().replaceAll('ё', 'е').replace(/\s+/g, ' ');
}
