import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';

/**
 * Keys for duplicate control of contacts and companies: the same person typed
 * twice ("8 (912) 345-67-89" and "+7 912 345-67-89", "Ivan.Petrov@ya.ru" and
 * "ivan-petrov@yandex.ru") gets the same key, so create, edit and import can
 * look the key up instead of comparing raw text. Similar names are matched in
 * SQL (pg_trgm) on the normalised name; this module only prepares the text.
 *
 * Pure and free of Node imports, so the browser may use it too (a hint while
 * typing). The `min` metadata of libphonenumber-js is enough: it parses and
 * validates Russian mobile and landline and Hungarian numbers the same as
 * `max` does, at half the size; `max` only adds the number type, not needed.
 */

export type { CountryCode };

// "доб. 123", "(доб 12)", "вн. 5", "ext 12", "x12", "#123" at the end: the
// extension reaches a desk inside the same company, not another party, so it
// is no part of the key. libphonenumber knows some of these words but not "вн.".
const extension = /[\s,;]*\(?\s*(?:доб(?:авочный)?|вн(?:утр(?:енний)?)?|ext(?:ension)?|x|#)\.?\s*:?\s*\d{1,6}\s*\)?\s*$/iu;

function withoutExtension(raw: string): string {
	return raw.replace(extension, '').trim();
}

function validE164(text: string, defaultCountry?: CountryCode): string | null {
	const phone = parsePhoneNumberFromString(text, defaultCountry ? { defaultCountry } : undefined);
	// Valid, not just possible: a placeholder like "+7 (000) 000-00-00" is
	// possible by length, and would make every contact imported with it a
	// duplicate. At most 15 digits as E.164 says: the metadata also calls
	// Japan's domestic-only 0080 numbers valid, 16 digits with +81.
	return phone?.isValid() && phone.number.length <= 16 ? phone.number : null;
}

/**
 * The phone in E.164 ("+79123456789"), or null when it is not a valid number.
 * Read in the workspace's country first, so national prefixes fold ("8 912…"
 * in Russia, "06 30…" in Hungary); then as international with "00" for "+";
 * then the digits as international, so "7 912 3456789" without a plus or a
 * default country still reads as Russian while "89123456789" does not.
 */
export function normalisePhone(raw: string, defaultCountry?: CountryCode): string | null {
	const text = withoutExtension(raw);
	const digits = text.replace(/\D/g, '');
	if (digits.length < 5 || digits.length > 17) return null;
	if (text.startsWith('+')) return validE164(text);
	return (
		(defaultCountry ? validE164(text, defaultCountry) : null) ??
		(digits.startsWith('00') ? validE164(`+${digits.slice(2)}`) : null) ??
		validE164(`+${digits}`)
	);
}

/**
 * Digits to find a phone by a part of it ("912 345" -> "912345"), compared
 * with the digits of stored E.164 numbers. A full Russian number typed with the
 * trunk prefix 8 (11 digits) becomes 7, and a leading "00" of a full
 * international number is dropped, so both find the stored "+7…"/"+36…" form.
 */
export function phoneSearchDigits(raw: string): string {
	const digits = withoutExtension(raw).replace(/\D/g, '');
	if (digits.length === 11 && digits.startsWith('8')) return `7${digits.slice(1)}`;
	if (digits.length >= 12 && digits.startsWith('00')) return digits.slice(2);
	return digits;
}

/**
 * How a mail provider reads the part before the @ of its own addresses. Every
 * provider listed delivers "name+tag@" to "name@" (plus addressing).
 */
interface Mailbox {
	/** The domain every alias of the mailbox is folded to. */
	domain: string;
	/** Rewrites the name once the tag is gone. */
	local?: (local: string) => string;
}

const gmail: Mailbox = { domain: 'gmail.com', local: (local) => local.replaceAll('.', '') };
const yandex: Mailbox = { domain: 'yandex.ru', local: (local) => local.replaceAll('.', '-') };
const proton = (domain: string): Mailbox => ({ domain, local: (local) => local.replace(/[._-]/g, '') });
const plusOnly = (domain: string): Mailbox => ({ domain });

const mailboxes = new Map<string, Mailbox>([
	// Google ignores dots in Gmail addresses ("i.van" is "ivan") and delivers
	// "+tag"; googlemail.com is the same service under its old name in Germany/UK.
	['gmail.com', gmail],
	['googlemail.com', gmail],
	// Yandex delivers "+tag", reads "." and "-" in a login as the same character
	// (Yandex's own code normalises "aa.bb@" to "aa-bb@", so "-" is the stored
	// form), and serves one mailbox under every national domain and ya.ru.
	...['yandex.ru', 'ya.ru', 'yandex.com', 'yandex.by', 'yandex.kz', 'yandex.ua'].map((domain) => [domain, yandex] as const),
	// Outlook.com (and its older names), iCloud and Fastmail deliver "+tag";
	// dots are significant there: "i.van" and "ivan" are two people.
	...['outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'icloud.com', 'me.com', 'mac.com', 'fastmail.com', 'fastmail.fm'].map(
		(domain) => [domain, plusOnly(domain)] as const
	),
	// Proton delivers "+tag" and, by its own canonical form of its addresses
	// (canonicalizeInternalEmail in ProtonMail/WebClients), ignores ".", "-" and
	// "_" in the name. Its domains stay apart: not every account has all four.
	...['protonmail.com', 'protonmail.ch', 'proton.me', 'pm.me'].map((domain) => [domain, proton(domain)] as const)
	// mail.ru (and bk.ru, list.ru, inbox.ru) has no plus addressing: "+" cannot
	// be in its logins, so nothing is folded. Unknown domains are left alone too:
	// a company's own server may well have "sales+eu@" as a separate mailbox.
]);

const localPart = /^[^\s@<>()[\]\\,;:"]+$/u;
const domainLabel = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?$/u;
const topLevel = /^(?:\p{L}{2,}|xn--[a-z0-9-]+)$/u;

/**
 * The email as a key, or null when it is not roughly an address: one @, a
 * name without spaces or stray dots, and a domain with a dot. Lower case,
 * since no mail provider in use tells names apart by case; provider rules above.
 */
export function normaliseEmail(raw: string): string | null {
	const text = raw
		.trim()
		.toLowerCase()
		.replace(/^mailto:/, '')
		.replace(/^<(.*)>$/, '$1');
	const parts = text.split('@');
	if (parts.length !== 2) return null;
	const [local = '', written = ''] = parts;
	const domain = written.replace(/\.$/, '');
	const labels = domain.split('.');
	if (!isLocalPart(local)) return null;
	if (labels.length < 2 || !labels.every((label) => domainLabel.test(label)) || !topLevel.test(labels.at(-1) ?? '')) return null;
	const mailbox = mailboxes.get(domain);
	if (!mailbox) return `${local}@${domain}`;
	const plus = local.indexOf('+');
	const tagless = plus > 0 ? local.slice(0, plus) : local;
	const name = mailbox.local ? mailbox.local(tagless) : tagless;
	// A rule that leaves no name or a broken one ("a.+x" -> "a.") keeps the
	// name as written, so a key read again gives the same key.
	return `${isLocalPart(name) ? name : local}@${mailbox.domain}`;
}

function isLocalPart(local: string): boolean {
	return localPart.test(local) && !local.startsWith('.') && !local.endsWith('.') && !local.includes('..');
}

/** The Hungarian taxpayer number: 7 digits and a check digit, weights 9, 7, 3, 1. */
function isHungarianTaxpayer(digits: string): boolean {
	const weights = [9, 7, 3, 1, 9, 7, 3];
	const sum = weights.reduce((total, weight, index) => total + weight * Number(digits[index]), 0);
	return (10 - (sum % 10)) % 10 === Number(digits[7]);
}

// Counties (and 51 for large taxpayers) that end a full Hungarian adószám.
const hungarianCounties = new Set([...Array.from({ length: 19 }, (_, i) => String(i + 2).padStart(2, '0')), '22', '41', '42', '44', '51']);

/**
 * The tax id as a key: upper case, without spaces, dashes, dots or slashes, or
 * null when nothing like a tax id is left (fewer than 8 or more than 20
 * characters, letters only). A Russian INN stays as its 10 or 12 digits
 * (invalid check digits still match: see `isValidInn`), and "ИНН/КПП
 * 7707083893/773601001" keeps the INN, as a company's branches differ only by
 * KPP. A Hungarian adószám "12345678-1-42" and the EU VAT form "HU12345678"
 * both become "12345678": the first 8 digits identify the taxpayer, the rest
 * is the VAT status and the county, which change without a new taxpayer.
 */
export function normaliseTaxId(raw: string): string | null {
	const text = raw
		.trim()
		.toUpperCase()
		.replace(/^(?:ИНН(?:\s*\/\s*КПП)?|INN|VAT|TAX\s*ID|ADÓSZÁM)\s*[:№#]?\s*/u, '');
	const innWithKpp = /^(\d{10})\s*(?:\/|,?\s*КПП\s*:?)\s*\d{9}$/u.exec(text);
	if (innWithKpp?.[1]) return innWithKpp[1];
	const adoszam = /^(\d{8})\s*-\s*\d\s*-\s*\d{2}$/.exec(text);
	if (adoszam?.[1]) return adoszam[1];
	const compact = text.replace(/[\s./-]/g, '');
	if (!/^[A-Z0-9]{8,20}$/.test(compact) || !/\d/.test(compact)) return null;
	if (/^HU\d{8}$/.test(compact)) return compact.slice(2);
	// Bare 11 digits are a Hungarian adószám only when all three parts check out:
	// other countries (Italy's partita IVA) use 11 digits too.
	const [, taxpayer, vatCode, county] = /^(\d{8})(\d)(\d{2})$/.exec(compact) ?? [];
	if (taxpayer && isHungarianTaxpayer(taxpayer) && '12345'.includes(vatCode ?? '-') && hungarianCounties.has(county ?? '')) return taxpayer;
	return compact;
}

function innCheckDigit(digits: string, weights: number[]): number {
	const sum = weights.reduce((total, weight, index) => total + weight * Number(digits[index]), 0);
	return (sum % 11) % 10;
}

/** Whether a Russian INN's check digits are right: one for a company's 10 digits, two for a person's 12. */
export function isValidInn(raw: string): boolean {
	const inn = normaliseTaxId(raw) ?? '';
	if (/^\d{10}$/.test(inn)) return innCheckDigit(inn, [2, 4, 10, 3, 5, 9, 4, 6, 8]) === Number(inn[9]);
	if (/^\d{12}$/.test(inn)) {
		return (
			innCheckDigit(inn, [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) === Number(inn[10]) &&
			innCheckDigit(inn, [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) === Number(inn[11])
		);
	}
	return false;
}

/**
 * A name for the trigram match: lower case, "ё" as "е" and Latin letters
 * without accents (reps type "Kovacs" for "Kovács" and "Семенов" for
 * "Семёнов"), apostrophes dropped ("O'Brien" = "OBrien"), any other
 * punctuation and runs of spaces as one space.
 */
export function normaliseName(raw: string): string {
	return raw
		.normalize('NFD')
		.replace(/(\p{Script=Latin})\p{M}+/gu, '$1')
		.normalize('NFC')
		.toLowerCase()
		.replaceAll('ё', 'е')
		.replace(/['’ʼ`]/g, '')
		.replace(/[^\p{L}\p{N}]+/gu, ' ')
		.trim();
}

// Legal forms, written as normaliseName leaves them, longest first so that
// "акционерное общество" goes before the bare "ао" could split it.
const legalForms = [
	'общество с ограниченной ответственностью',
	'публичное акционерное общество',
	'непубличное акционерное общество',
	'открытое акционерное общество',
	'закрытое акционерное общество',
	'акционерное общество',
	'индивидуальный предприниматель',
	'ооо',
	'оао',
	'зао',
	'пао',
	'нао',
	'ао',
	'ип',
	'тоо',
	'l l c',
	'llc',
	'ltd',
	'limited',
	'inc',
	'incorporated',
	'corp',
	'plc',
	'llp',
	'gmbh',
	'korlatolt felelossegu tarsasag',
	'kft',
	'zrt',
	'nyrt',
	'kkt',
	'bt'
];
const legalForm = new RegExp(`(?<=^| )(?:${legalForms.join('|')})(?= |$)`, 'gu');

/**
 * A company name for the trigram match, without its legal form and quotes:
 * «ООО "Строймонтаж"», "Строймонтаж, ООО" and "Stroymontazh LLC" compare on
 * "строймонтаж" and "stroymontazh". A name that is nothing but a legal form
 * keeps it, so the key is never empty for a non-empty name.
 */
export function normaliseCompanyName(raw: string): string {
	const name = normaliseName(raw);
	const core = name.replace(legalForm, ' ').replace(/ +/g, ' ').trim();
	return core || name;
}

export interface MatchInput {
	phones?: string[];
	emails?: string[];
	taxId?: string | null;
}

export interface MatchKeys {
	phones: string[];
	emails: string[];
	taxId: string | null;
}

function uniqueKeys(values: string[] | undefined, normalise: (value: string) => string | null): string[] {
	return [...new Set((values ?? []).map(normalise).filter((key): key is string => key !== null))];
}

/** The keys a contact or company is looked up by; entries that are no phone, email or tax id are left out. */
export function matchKeys(input: MatchInput, defaultCountry?: CountryCode): MatchKeys {
	return {
		phones: uniqueKeys(input.phones, (phone) => normalisePhone(phone, defaultCountry)),
		emails: uniqueKeys(input.emails, normaliseEmail),
		taxId: input.taxId ? normaliseTaxId(input.taxId) : null
	};
}
