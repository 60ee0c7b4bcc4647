import { and, asc, desc, eq, ilike, inArray, isNull, or, sql, type Column, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { companies, dealsProjection, pipelines, stagesProjection, type PartyKind } from '../db/schema.js';
import { companyNameOf } from './party-store.js';
import { escapeLike } from '../db/like.js';
import { findCorrections } from './name-words.js';
import { normaliseEmail, normaliseName, normalisePhone, normaliseTaxId, phoneSearchDigits } from './normalise.js';
import { defaultPhoneCountry, partyTable, textArray } from './party.js';

/** What a query is looked for as: its words, and when it looks like a number, its digits and tax id. */
export interface SearchTerms {
	text: string;
	/** The words, each of which a record must contain (or, for a near miss, resemble). */
	words: string[];
	/** A typed phone or tax id: its digits, as typed. */
	digits: string | null;
	/**
	 * The same digits without what may be a national trunk prefix ("8 (912) 345"
	 * is 912345 in the E.164 digits we keep); looked for beside the digits as
	 * typed, since "862-06-92" may as well be the end of a number.
	 */
	trunkless: string | null;
	/** A tax id typed with its separators ("12345678-2-42"): the key it is stored under. */
	taxKey: string | null;
	/** A whole phone, e-mail or tax id, as the key it is stored under: looked up in the key indexes first. */
	keys: { phone: string | null; email: string | null; tax: string | null };
	/** Set for the corrected step: each word's spellings to look for, the word as typed and the names' words it may be a typo of. */
	spellings?: string[][];
}

/**
 * What the top bar's search box looks for: the words as typed, and when
 * they look like a phone number, its digits ("8 (912) 345" finds +7 912 345…).
 */
export function searchTerms(query: string): SearchTerms {
	const text = query.trim().toLowerCase().replace(/\s+/g, ' ');
	const looksLikePhone = /^[\d\s()+.-]+$/.test(text);
	const digits = looksLikePhone ? phoneSearchDigits(text) : '';
	const trunkless = withoutTrunkPrefix(digits);
	const taxKey = looksLikePhone ? normaliseTaxId(text)?.toLowerCase() ?? null : null;
	return {
		text,
		words: text.split(' ').filter((word) => word.length > 0),
		digits: digits.length >= 3 ? digits : null,
		trunkless: trunkless !== digits && trunkless.length >= 3 ? trunkless : null,
		taxKey: taxKey && taxKey !== digits ? taxKey : null,
		keys: {
			phone: looksLikePhone ? normalisePhone(text, defaultPhoneCountry) : null,
			email: text.includes('@') ? normaliseEmail(text) : null,
			tax: looksLikePhone ? normaliseTaxId(text) : null
		}
	};
}

/**
 * A typed number without a national trunk prefix ("8" in Russia, "06" in
 * Hungary), which the E.164 digits we keep do not have: a partial
 * "8 (912) 345" looks for "912345" too.
 */
function withoutTrunkPrefix(digits: string): string {
	if (digits.length < 11 && /^8\d{3}/.test(digits)) return digits.slice(1);
	if (/^06\d{3}/.test(digits)) return digits.slice(2);
	return digits;
}

/** The column (lower-cased when stored) contains the needle (lower-cased by searchTerms): a trigram index answers it. */
function contains(column: SQL | Column, needle: string): SQL {
	return sql`${column} like ${`%${escapeLike(needle)}%`}`;
}

/**
 * Search answers in up to three steps, each from an index, and stops at the
 * first that finds something, so most queries cost one short query per group:
 *
 * 1. A whole phone, e-mail or tax id is looked up by the key it is stored
 *    under (GIN on the key arrays, btree on the tax key): a point lookup.
 * 2. The exact step: every word is part of the searchable string (name,
 *    e-mails, phone digits, tax id), `LIKE '%word%'` answered by the trigram
 *    index. The rank is cheap (a name word starting with the query comes
 *    first): computing a similarity for each of the thousands of "Петров…"
 *    that "петр" finds costs more than the 50 ms the whole answer has.
 * 3. Only when no group found anything exactly, the corrected step: each
 *    word not found is looked up in the vocabulary of the names' words
 *    (name-words.ts: a few thousand words, by edit distance, so a swapped
 *    pair of letters, "Peetrson", is caught where trigrams see too little
 *    alike), and the exact step runs again with the word or its corrections.
 *    A typo is a fallback, not a second search on every keystroke: "Gibs"
 *    shows the Gibsons, not also every Gibbs.
 * 4. When the corrections find no contact or company either, the near-miss
 *    step: each word is part of the string or close to a word of the name
 *    (`<%`, pg_trgm's word similarity), closest first. It looks at the short
 *    name only; against the whole string (e-mail domains, digits) a word like
 *    "gmail" resembles half the table. This is the slow step (tens of
 *    milliseconds over 100,000 names: the index hands over every name sharing
 *    a few trigrams, "…ова" for a Russian surname), so it is the last one.
 *    Deals have no vocabulary and are looked for this way whenever the
 *    corrections found nobody.
 */
function exactMatch(column: SQL | Column, terms: SearchTerms): SQL {
	if (terms.digits) {
		return or(
			contains(column, terms.digits),
			terms.trunkless ? contains(column, terms.trunkless) : undefined,
			terms.taxKey ? ilike(column, `%${escapeLike(terms.taxKey)}%`) : undefined
		)!;
	}
	return and(...terms.words.map((word) => contains(column, word)))!;
}

/**
 * The corrected step's match: each word as typed (a part of the string, as
 * in the exact step) or one of its corrections as a whole word of the name
 * ("михайлов" is inside "Михайлович", which is not the name meant).
 */
function correctedMatch(column: SQL | Column, nameColumn: SQL | Column, spellings: string[][]): SQL {
	return and(
		...spellings.map(([typed, ...corrections]) =>
			or(contains(column, typed!), ...corrections.map((word) => and(contains(column, word), isAWord(nameColumn, word))))
		)
	)!;
}

/**
 * How far a record is from what was meant: for each word, the place of the
 * first of its corrections the name has (0 for the likeliest), summed. So
 * "Hannah Harrion" lists the Harrisons (one letter dropped) before the Harrises.
 */
function correctionRank(nameColumn: SQL | Column, spellings: string[][]): SQL<number> {
	const ranks = spellings
		.filter((words) => words.length > 1)
		.map(([, ...corrections]) => sql`(case ${sql.join(corrections.map((word, place) => sql`when ${isAWord(nameColumn, word)} then ${place}`), sql` `)} else ${corrections.length} end)`);
	return ranks.length > 0 ? sql<number>`(${sql.join(ranks, sql` + `)})` : sql<number>`0`;
}

/** True when the word is a whole word of the (normalised) name. */
function isAWord(nameColumn: SQL | Column, word: string): SQL<boolean> {
	return sql<boolean>`(' ' || ${nameColumn} || ' ') like ${`% ${escapeLike(word)} %`}`;
}

function nearMatch(column: SQL | Column, nameColumn: SQL | Column, terms: SearchTerms, normalise: (word: string) => string): SQL {
	// The planner takes one word's index condition and filters by the rest,
	// and it sees them all alike, so it takes the first: the longest word
	// (a surname, rarely a common first name like "Наталья") goes first.
	const words = [...terms.words].sort((a, b) => b.length - a.length);
	return and(...words.map((word) => or(contains(column, word), sql`${normalise(word)} <% ${nameColumn}`)))!;
}

/** The record holds the typed phone, e-mail or tax id as one of its keys. */
function keyMatch(kind: PartyKind, terms: SearchTerms): SQL | null {
	const table = partyTable(kind);
	const { phone, email, tax } = terms.keys;
	const matches = [
		phone ? sql`${table.phoneKeys} @> ${textArray([phone])}` : undefined,
		email ? sql`${table.emailKeys} @> ${textArray([email])}` : undefined,
		tax && kind === 'company' ? eq(companies.taxKey, tax) : undefined
	].filter((match) => match !== undefined);
	return matches.length > 0 ? or(...matches)! : null;
}

/**
 * True when one of the record's numbers ends with the typed digits: a partial
 * number is usually its last digits, so "363-06-85" ranks +7 995 363-06-85
 * above the Hungarian numbers that merely contain 36 30 685.
 */
function endsANumber(column: SQL | Column, digits: string): SQL<boolean> {
	return sql<boolean>`(${column} || ' ') like ${`%${escapeLike(digits)} %`}`;
}

/** True when a word of the name starts with the word: "петр" ranks "Анна Петрова" above "Ипетров". */
function startsAWord(nameColumn: SQL | Column, word: string): SQL<boolean> {
	return sql<boolean>`(' ' || ${nameColumn}) like ${`% ${escapeLike(word)}%`}`;
}

/**
 * The exact step's order for names: the name as typed, word for word, first
 * ("Máté Balázs" before "Balázs Máté"); then the names with more of the
 * typed words at the start of one of their words ("Oliver Ward" before
 * "Oliver Edwards", which has "ward" only inside a word); then by name.
 */
function nameOrder(nameColumn: SQL | Column, terms: SearchTerms): SQL[] {
	const words = terms.words.map(normaliseName).filter((word) => word.length > 0);
	if (words.length === 0) return [asc(nameColumn)];
	const wordStarts = sql.join(
		words.map((word) => sql`(${startsAWord(nameColumn, word)})::int`),
		sql` + `
	);
	return [desc(sql`${nameColumn} like ${`${escapeLike(words.join(' '))}%`}`), desc(sql`(${wordStarts})`), asc(nameColumn)];
}

/**
 * At most this many matches are ranked. A common fragment ("петр", "gmail")
 * matches thousands of rows; fetching and ranking them all costs more than
 * the answer's 50 ms (each is a page read), and nobody reads past the first
 * few: the query gets typed further.
 */
const candidateLimit = 100;

type Step = 'key' | 'exact' | 'corrected' | 'near';

async function searchParties(db: Database, workspaceId: string, kind: PartyKind, terms: SearchTerms, step: Step, limit: number) {
	const table = partyTable(kind);
	const columns = {
		id: table.id,
		name: table.name,
		phones: table.phones,
		emails: table.emails,
		status: table.status,
		taxId: kind === 'company' ? companies.taxId : sql<null>`null`,
		companyName: companyNameOf({ workspaceId, kind })
	};
	const live = and(eq(table.workspaceId, workspaceId), isNull(table.deletedAt));
	// The candidates are picked without an order, so the database stops at
	// the first ones the index hands over; only they are ranked. (Ordered by
	// name in one query, the planner walks the workspace's name index and
	// tests every row: 400 ms for an e-mail that one contact has.)
	const candidates = (match: SQL) => inArray(table.id, db.select({ id: table.id }).from(table).where(and(live, match)).limit(candidateLimit));
	if (step === 'key') {
		const match = keyMatch(kind, terms);
		if (!match) return [];
		return db.select(columns).from(table).where(candidates(match)).orderBy(asc(table.nameKey)).limit(limit);
	}
	if (step === 'exact') {
		return db
			.select(columns)
			.from(table)
			.where(candidates(exactMatch(table.searchText, terms)))
			.orderBy(...(terms.digits ? [desc(endsANumber(table.searchText, terms.digits))] : []), ...nameOrder(table.nameKey, terms))
			.limit(limit);
	}
	if (step === 'corrected') {
		return db
			.select(columns)
			.from(table)
			.where(candidates(correctedMatch(table.searchText, table.nameKey, terms.spellings ?? [])))
			.orderBy(asc(correctionRank(table.nameKey, terms.spellings ?? [])), desc(sql`word_similarity(${normaliseName(terms.text)}, ${table.nameKey})`), asc(table.nameKey))
			.limit(limit);
	}
	// Near misses are for names: an e-mail or a number is typed exactly or not at all.
	if (terms.digits || terms.words.some((word) => /[@\d]/.test(word))) return [];
	return db
		.select(columns)
		.from(table)
		.where(candidates(nearMatch(table.searchText, table.nameKey, terms, normaliseName)))
		.orderBy(desc(sql`word_similarity(${normaliseName(terms.text)}, ${table.nameKey})`), asc(table.nameKey))
		.limit(limit);
}

async function searchDeals(db: Database, workspaceId: string, terms: SearchTerms, visible: SQL | undefined, step: Step, limit: number) {
	// A deal has no phone, e-mail or tax id of its own: those find its contact or company.
	if (step === 'key' || step === 'corrected' || terms.digits || terms.keys.email) return [];
	const title = sql`lower(${dealsProjection.title})`;
	const words = { ...terms, digits: null, trunkless: null, taxKey: null };
	const [where, order] =
		step === 'exact'
			? [exactMatch(title, words), desc(startsAWord(title, terms.words[0] ?? ''))]
			: [nearMatch(title, title, words, (word) => word), desc(sql`word_similarity(${terms.text}, ${title})`)];
	return db
		.select({
			id: dealsProjection.id,
			title: dealsProjection.title,
			pipelineId: dealsProjection.pipelineId,
			status: dealsProjection.status,
			stageName: stagesProjection.name,
			valueMinor: dealsProjection.valueMinor,
			currency: dealsProjection.currency
		})
		.from(dealsProjection)
		.leftJoin(stagesProjection, and(eq(stagesProjection.pipelineId, dealsProjection.pipelineId), eq(stagesProjection.id, dealsProjection.stageId)))
		.where(
			and(
				eq(dealsProjection.workspaceId, workspaceId),
				isNull(dealsProjection.deletedAt),
				inArray(dealsProjection.pipelineId, db.select({ id: pipelines.id }).from(pipelines).where(and(eq(pipelines.workspaceId, workspaceId), visible))),
				where
			)
		)
		.orderBy(order, asc(dealsProjection.title))
		.limit(limit);
}

async function searchStep(db: Database, workspaceId: string, terms: SearchTerms, visible: SQL | undefined, step: Step, limit: number) {
	// On PostgreSQL the three go out on three pooled connections at once; PGlite takes them in turn.
	const [foundContacts, foundCompanies, deals] = await Promise.all([
		searchParties(db, workspaceId, 'contact', terms, step, limit),
		searchParties(db, workspaceId, 'company', terms, step, limit),
		searchDeals(db, workspaceId, terms, visible, step, limit)
	]);
	return { contacts: foundContacts, companies: foundCompanies, deals };
}

const foundAny = (found: { contacts: unknown[]; companies: unknown[]; deals: unknown[] }) => found.contacts.length + found.companies.length + found.deals.length > 0;

/** Contacts, companies and deals (in the pipelines the caller may see) that match a query. */
export async function searchWorkspace(db: Database, workspaceId: string, query: string, visible: SQL | undefined, limit = 8) {
	const terms = searchTerms(query);
	if (terms.text.length < 2) return { contacts: [], companies: [], deals: [] };
	if (terms.keys.phone || terms.keys.email || terms.keys.tax) {
		const byKey = await searchStep(db, workspaceId, terms, visible, 'key', limit);
		if (foundAny(byKey)) return byKey;
	}
	const exact = await searchStep(db, workspaceId, terms, visible, 'exact', limit);
	if (foundAny(exact) || terms.digits || terms.words.some((word) => /[@\d]/.test(word))) return exact;
	// pg_trgm's default word similarity (0.6) misses a name with one letter
	// dropped ("Петрва"); 0.4 finds it, and the closest still come first.
	// SET LOCAL keeps the setting to each transaction's connection; on
	// PostgreSQL the three run on three pooled connections at once.
	const near = <T>(search: (tx: Database) => Promise<T>) =>
		db.transaction(async (tx) => {
			await tx.execute(sql`set local pg_trgm.word_similarity_threshold = 0.4`);
			return search(tx);
		});
	const nearParties = async () => {
		const [contactsNear, companiesNear] = await Promise.all([
			near((tx) => searchParties(tx, workspaceId, 'contact', terms, 'near', limit)),
			near((tx) => searchParties(tx, workspaceId, 'company', terms, 'near', limit))
		]);
		return { contacts: contactsNear, companies: companiesNear };
	};
	// A name found by its corrected spelling is the answer; near-miss deal
	// titles beside it would be a second, slower search of something else.
	const corrected = await searchCorrected(db, workspaceId, terms, limit);
	if (corrected) return { ...corrected, deals: [] };
	const [parties, deals] = await Promise.all([nearParties(), near((tx) => searchDeals(tx, workspaceId, terms, visible, 'near', limit))]);
	return { ...parties, deals };
}

/** The contacts and companies found with the typed words' corrections, or null when there are none or they find nobody. */
async function searchCorrected(db: Database, workspaceId: string, terms: SearchTerms, limit: number) {
	const corrections = await findCorrections(db, workspaceId, terms.words.map(normaliseName));
	if (corrections.size === 0) return null;
	const spellings = terms.words.map((word) => [word, ...(corrections.get(normaliseName(word)) ?? [])]);
	const corrected = { ...terms, spellings };
	const [foundContacts, foundCompanies] = await Promise.all([
		searchParties(db, workspaceId, 'contact', corrected, 'corrected', limit),
		searchParties(db, workspaceId, 'company', corrected, 'corrected', limit)
	]);
	return foundContacts.length + foundCompanies.length > 0 ? { contacts: foundContacts, companies: foundCompanies } : null;
}
