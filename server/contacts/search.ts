import { and, desc, eq, ilike, inArray, isNull, or, sql, type Column, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { companies, dealsProjection, pipelines, stagesProjection, type PartyKind } from '../db/schema.js';
import { partyTable } from './party.js';
import { companyNameOf, escapeLike } from './party-store.js';
import { phoneSearchDigits } from './normalise.js';

/**
 * What the top bar's search box looks for: the words as typed, and when
 * they look like a phone number, its digits ("8 (912) 345" finds +7 912 345…).
 */
export function searchTerms(query: string): { text: string; digits: string | null } {
	const text = query.trim().toLowerCase().replace(/\s+/g, ' ');
	const looksLikePhone = /^[\d\s()+.-]+$/.test(text);
	const digits = looksLikePhone ? phoneFragment(phoneSearchDigits(text)) : '';
	return { text, digits: digits.length >= 3 ? digits : null };
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

/**
 * Found when the text is part of the searchable string (name, emails, phone
 * digits, tax id), or close to one of its words (`<%`, pg_trgm's word
 * similarity: a typo or two still finds "Петрова"). Both use the trigram
 * index; the closest come first.
 */
function matchText(column: SQL | Column, terms: { text: string; digits: string | null }): { where: SQL; rank: SQL<number> } {
	const needle = terms.digits ?? terms.text;
	const where = or(ilike(column, `%${escapeLike(needle)}%`), terms.digits ? undefined : sql`${terms.text} <% ${column}`)!;
	return { where, rank: sql<number>`word_similarity(${needle}, ${column})` };
}

async function searchParties(db: Database, workspaceId: string, kind: PartyKind, terms: { text: string; digits: string | null }, limit: number) {
	const table = partyTable(kind);
	const { where, rank } = matchText(table.searchText, terms);
	return db
		.select({
			id: table.id,
			name: table.name,
			phones: table.phones,
			emails: table.emails,
			status: table.status,
			taxId: kind === 'company' ? companies.taxId : sql<null>`null`,
			companyName: companyNameOf({ workspaceId, kind })
		})
		.from(table)
		.where(and(eq(table.workspaceId, workspaceId), isNull(table.deletedAt), where))
		.orderBy(desc(rank), table.nameKey)
		.limit(limit);
}

/** Contacts, companies and deals (in the pipelines the caller may see) that match a query. */
export async function searchWorkspace(db: Database, workspaceId: string, query: string, visible: SQL | undefined, limit = 8) {
	const terms = searchTerms(query);
	if (terms.text.length < 2) return { contacts: [], companies: [], deals: [] };
	const title = sql`lower(${dealsProjection.title})`;
	const dealMatch = matchText(title, { text: terms.text, digits: null });
	// pg_trgm's default word similarity (0.6) misses a name with one letter
	// dropped ("Петрва"); 0.4 finds it, and the closest still come first.
	// SET LOCAL keeps the setting to this transaction's connection.
	return db.transaction(async (tx) => {
		await tx.execute(sql`set local pg_trgm.word_similarity_threshold = 0.4`);
		const foundContacts = await searchParties(tx, workspaceId, 'contact', terms, limit);
		const foundCompanies = await searchParties(tx, workspaceId, 'company', terms, limit);
		const deals = terms.digits
			? []
			: await tx
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
							dealMatch.where
						)
					)
					.orderBy(desc(dealMatch.rank), dealsProjection.title)
					.limit(limit);
		return { contacts: foundContacts, companies: foundCompanies, deals };
	});
}
