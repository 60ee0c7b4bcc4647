import { and, desc, eq, isNull, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { companies, type PartyKind, type PartyStatus } from '../db/schema.js';
import { partyTable, textArray } from './party.js';
import { companyNameOf } from './party-store.js';

export const matchReasons = ['phone', 'email', 'taxId', 'name'] as const;
export type MatchReason = (typeof matchReasons)[number];

/** A record that is probably the one being typed in again, and why we think so. */
export interface DuplicateCandidate {
	id: string;
	name: string;
	matchedOn: MatchReason[];
	status: PartyStatus;
	phones: string[];
	emails: string[];
	companyName: string | null;
}

/** The keys a new or edited record is matched on (see derivePartyKeys). */
export interface MatchKeys {
	nameKey: string;
	phoneKeys: string[];
	emailKeys: string[];
	taxKey?: string | null;
}

/**
 * How alike two names must be (pg_trgm similarity, 0..1) to be offered as
 * the same party: "Анна Петрова" and "Петрова Анна" or "Anna Petrova" and
 * "Ana Petrova" pass, "Ivan Petrov" and "Ivan Ivanov" do not.
 */
export const nameSimilarity = 0.6;

/**
 * The records of the workspace (not in the trash, not `exceptId`) that share
 * a phone, an email or the tax id with the keys, or have a similar name;
 * those sharing most come first. Both databases answer from indexes: GIN on
 * the key arrays, and the trigram index on the name key (the `%` operator
 * picks rows by the index, similarity() then applies our threshold).
 */
export async function findDuplicates(
	db: Database,
	workspaceId: string,
	kind: PartyKind,
	keys: MatchKeys,
	options: { exceptId?: string; limit?: number } = {}
): Promise<DuplicateCandidate[]> {
	const table = partyTable(kind);
	const keyMatches: SQL[] = [];
	if (keys.phoneKeys.length > 0) keyMatches.push(sql`${table.phoneKeys} && ${textArray(keys.phoneKeys)}`);
	if (keys.emailKeys.length > 0) keyMatches.push(sql`${table.emailKeys} && ${textArray(keys.emailKeys)}`);
	if (kind === 'company' && keys.taxKey) keyMatches.push(eq(companies.taxKey, keys.taxKey));
	const nameMatch =
		keys.nameKey.length >= 3 ? sql`(${table.nameKey} % ${keys.nameKey} and similarity(${table.nameKey}, ${keys.nameKey}) >= ${nameSimilarity})` : undefined;
	if (keyMatches.length === 0 && !nameMatch) return [];
	const sharesAKey = keyMatches.length > 0 ? or(...keyMatches) : undefined;
	const similarity = nameMatch ? sql<number>`similarity(${table.nameKey}, ${keys.nameKey})` : sql<number>`0`;
	// `%` picks rows by pg_trgm.similarity_threshold (0.3 unless set): at
	// 100,000 contacts that is thousands of "Анна …" for similarity() to
	// throw away. Set to our threshold, the index hands over only the near ones.
	const rows = await db.transaction(async (tx) => {
		await tx.execute(sql`set local pg_trgm.similarity_threshold = ${sql.raw(String(nameSimilarity))}`);
		return tx
		.select({
			id: table.id,
			name: table.name,
			status: table.status,
			phones: table.phones,
			emails: table.emails,
			phoneKeys: table.phoneKeys,
			emailKeys: table.emailKeys,
			taxKey: kind === 'company' ? companies.taxKey : sql<null>`null`,
			similarity,
			companyName: companyNameOf({ workspaceId, kind })
		})
		.from(table)
		.where(and(eq(table.workspaceId, workspaceId), isNull(table.deletedAt), options.exceptId ? ne(table.id, options.exceptId) : undefined, or(sharesAKey, nameMatch)))
		// A shared phone, e-mail or tax id first: a common name ("Anna Petrova")
		// can match more rows than are read, and the one with the same phone
		// must not be among those left out.
		.orderBy(...(sharesAKey ? [desc(sharesAKey)] : []), ...(nameMatch ? [desc(similarity)] : []))
		.limit(50);
	});
	return rows
		.map((row) => {
			const matchedOn: MatchReason[] = [];
			if (row.phoneKeys.some((key) => keys.phoneKeys.includes(key))) matchedOn.push('phone');
			if (row.emailKeys.some((key) => keys.emailKeys.includes(key))) matchedOn.push('email');
			if (keys.taxKey && row.taxKey === keys.taxKey) matchedOn.push('taxId');
			if (Number(row.similarity) >= nameSimilarity) matchedOn.push('name');
			return {
				candidate: { id: row.id, name: row.name, matchedOn, status: row.status, phones: row.phones, emails: row.emails, companyName: row.companyName },
				score: matchedOn.filter((reason) => reason !== 'name').length * 2 + Number(row.similarity)
			};
		})
		.filter(({ candidate }) => candidate.matchedOn.length > 0)
		.sort((a, b) => b.score - a.score)
		.slice(0, options.limit ?? 5)
		.map(({ candidate }) => candidate);
}
