import { and, asc, desc, eq, ilike, inArray, isNull, notInArray, or, sql, type Column, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { companies, dealsProjection, pipelines, stagesProjection, type PartyKind } from '../db/schema.js';
import { partyTable } from './party.js';
import { companyNameOf } from './party-store.js';
import { escapeLike } from '../db/like.js';
import { normaliseName, normaliseTaxId, phoneSearchDigits } from './normalise.js';

/** What a query is looked for as: its words, and when it looks like a number, its digits and tax id. */
export interface SearchTerms {
	text: string;
	/** The words, each of which a record must contain (or, for a near miss, resemble). */
	words: string[];
	/** A typed phone or tax id: the digits every stored form contains. */
	digits: string | null;
	/** A tax id typed with its separators ("12345678-2-42"): the key it is stored under. */
	taxKey: string | null;
}

/**
 * What the top bar's search box looks for: the words as typed, and when
 * they look like a phone number, its digits ("8 (912) 345" finds +7 912 345…).
 */
export function searchTerms(query: string): SearchTerms {
	const text = query.trim().toLowerCase().replace(/\s+/g, ' ');
	const looksLikePhone = /^[\d\s()+.-]+$/.test(text);
	const digits = looksLikePhone ? phoneFragment(phoneSearchDigits(text)) : '';
	const taxKey = looksLikePhone ? normaliseTaxId(text)?.toLowerCase() ?? null : null;
	return {
		text,
		words: text.split(' ').filter((word) => word.length > 0),
		digits: digits.length >= 3 ? digits : null,
		taxKey: taxKey && taxKey !== digits ? taxKey : null
	};
}

/**
 * The part of a typed number that every stored form contains: a national
 * trunk prefix ("8" in Russia, "06" in Hungary) is not in the E.164 digits
 * we keep, so a partial "8 (912) 345" looks for "912345".
 */
function phoneFragment(digits: string): string {
	if (digits.length < 11 && /^8\d{3}/.test(digits)) return digits.slice(1);
	if (/^06\d{3}/.test(digits)) return digits.slice(2);
	return digits;
}

function contains(column: SQL | Column, needle: string): SQL {
	return ilike(column, `%${escapeLike(needle)}%`);
}

/**
 * Search runs in two steps, both answered from the trigram indexes. First
 * the exact step: every word is part of the searchable string (name, e-mails,
 * phone digits, tax id). A query that finds enough there is done; the rank
 * is cheap (a name word starting with the query comes first), because
 * computing a similarity for each of the thousands of "Петров…" that "петр"
 * finds costs more than the 50 ms the whole answer has. Only when it finds
 * too few does the near-miss step run: each word is part of the string or
 * close to a word of the name (`<%`, pg_trgm's word similarity: "Петрва"
 * finds "Петрова"), closest first. The near-miss step looks at the short
 * name only; against the whole string (e-mail domains, digits) a word like
 * "gmail" resembles half the table.
 */
function exactMatch(column: SQL | Column, terms: SearchTerms): SQL {
	if (terms.digits) return or(contains(column, terms.digits), terms.taxKey ? contains(column, terms.taxKey) : undefined)!;
	return and(...terms.words.map((word) => contains(column, word)))!;
}

function nearMatch(column: SQL | Column, nameColumn: SQL | Column, terms: SearchTerms, normalise: (word: string) => string): SQL {
	return and(...terms.words.map((word) => or(contains(column, word), sql`${normalise(word)} <% ${nameColumn}`)))!;
}

/** True when a word of the name starts with the query's first word: "петр" ranks "Анна Петрова" above "Ипетров". */
function startsAWord(nameColumn: SQL | Column, word: string): SQL<boolean> {
	return sql<boolean>`(' ' || ${nameColumn}) like ${`% ${escapeLike(word)}%`}`;
}

/**
 * At most this many matches are ranked. A common fragment ("петр", "gmail")
 * matches thousands of rows; ranking them all costs more than the answer's
 * 50 ms, and nobody reads past the first few: the query gets typed further.
 */
const candidateLimit = 200;

async function searchParties(db: Database, workspaceId: string, kind: PartyKind, terms: SearchTerms, limit: number) {
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
	const candidates = (match: SQL) =>
		inArray(
			table.id,
			db
				.select({ id: table.id })
				.from(table)
				.where(and(eq(table.workspaceId, workspaceId), isNull(table.deletedAt), match))
				.limit(candidateLimit)
		);
	const firstWord = normaliseName(terms.words[0] ?? '');
	const exact = await db
		.select(columns)
		.from(table)
		.where(candidates(exactMatch(table.searchText, terms)))
		.orderBy(desc(startsAWord(table.nameKey, firstWord)), asc(table.nameKey))
		.limit(limit);
	// Near misses are for names: an e-mail or a number is typed exactly or not at all.
	if (exact.length >= limit || terms.digits || terms.words.some((word) => /[@\d]/.test(word))) return exact;
	const nameText = normaliseName(terms.text);
	const near = await db
		.select(columns)
		.from(table)
		.where(and(candidates(nearMatch(table.searchText, table.nameKey, terms, normaliseName)), exact.length > 0 ? notInArray(table.id, exact.map((row) => row.id)) : undefined))
		.orderBy(desc(sql`word_similarity(${nameText}, ${table.nameKey})`), asc(table.nameKey))
		.limit(limit - exact.length);
	return [...exact, ...near];
}

async function searchDeals(db: Database, workspaceId: string, terms: SearchTerms, visible: SQL | undefined, limit: number) {
	const title = sql`lower(${dealsProjection.title})`;
	const query = (where: SQL, order: SQL[], count: number) =>
		db
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
			.orderBy(...order)
			.limit(count);
	const words = { ...terms, digits: null, taxKey: null };
	const exact = await query(exactMatch(title, words), [desc(startsAWord(title, terms.words[0] ?? '')), asc(dealsProjection.title)], limit);
	if (exact.length >= limit) return exact;
	const near = await query(
		and(nearMatch(title, title, words, (word) => word), exact.length > 0 ? notInArray(dealsProjection.id, exact.map((deal) => deal.id)) : undefined)!,
		[desc(sql`word_similarity(${terms.text}, ${title})`), asc(dealsProjection.title)],
		limit - exact.length
	);
	return [...exact, ...near];
}

/** Contacts, companies and deals (in the pipelines the caller may see) that match a query. */
export async function searchWorkspace(db: Database, workspaceId: string, query: string, visible: SQL | undefined, limit = 8) {
	const terms = searchTerms(query);
	if (terms.text.length < 2) return { contacts: [], companies: [], deals: [] };
	// pg_trgm's default word similarity (0.6) misses a name with one letter
	// dropped ("Петрва"); 0.4 finds it, and the closest still come first.
	// SET LOCAL keeps the setting to this transaction's connection.
	return db.transaction(async (tx) => {
		await tx.execute(sql`set local pg_trgm.word_similarity_threshold = 0.4`);
		// The candidates' LIMIT makes the planner walk the workspace's rows in
		// an index, or all of them, testing each until enough match: seconds
		// over 100,000 contacts when few do. The trigram indexes' bitmaps find
		// them directly, so this transaction plans with bitmap scans only.
		await tx.execute(sql`set local enable_seqscan = off`);
		await tx.execute(sql`set local enable_indexscan = off`);
		const foundContacts = await searchParties(tx, workspaceId, 'contact', terms, limit);
		const foundCompanies = await searchParties(tx, workspaceId, 'company', terms, limit);
		const deals = terms.digits ? [] : await searchDeals(tx, workspaceId, terms, visible, limit);
		return { contacts: foundContacts, companies: foundCompanies, deals };
	});
}
