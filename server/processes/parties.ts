import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { companies, contacts, type PartyKind } from '../db/schema.js';

export const partyTables = { contact: contacts, company: companies } as const;

export interface PartyRow {
	kind: PartyKind;
	id: string;
	name: string;
	ownerId: string | null;
	atRiskSince: Date | null;
}

/** Live contacts and companies of a workspace matching the condition (per table), both kinds together. */
export async function findParties(
	db: Database,
	workspaceId: string,
	where: (table: (typeof partyTables)[PartyKind]) => SQL | undefined
): Promise<PartyRow[]> {
	const found: PartyRow[] = [];
	for (const kind of ['contact', 'company'] as const) {
		const table = partyTables[kind];
		const rows = await db
			.select({ id: table.id, name: table.name, ownerId: table.ownerId, atRiskSince: table.atRiskSince })
			.from(table)
			.where(and(eq(table.workspaceId, workspaceId), isNull(table.deletedAt), where(table)));
		found.push(...rows.map((row) => ({ kind, ...row })));
	}
	return found;
}

/** Segments compare without case: "Key" and "key" are one segment. */
export function segmentIs(table: (typeof partyTables)[PartyKind], segment: string): SQL {
	return sql`lower(${table.segment}) = ${segment.toLowerCase()}`;
}
