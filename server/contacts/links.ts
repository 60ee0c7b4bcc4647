import { and, eq, or } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { partyLinks, type PartyKind } from '../db/schema.js';
import { generateId } from '../auth/tokens.js';
import { getParty } from './party-store.js';

/**
 * A record's links to related people and companies ("her husband runs the
 * supplier", "can help move this deal"), each seen from this record's side.
 * Records in the trash are left out until they come back.
 */
export async function listPartyLinks(db: Database, workspaceId: string, id: string) {
	const rows = await db
		.select()
		.from(partyLinks)
		.where(and(eq(partyLinks.workspaceId, workspaceId), or(eq(partyLinks.fromId, id), eq(partyLinks.toId, id))));
	const links = await Promise.all(
		rows.map(async (row) => {
			const outward = row.fromId === id;
			const kind = outward ? row.toKind : row.fromKind;
			const otherId = outward ? row.toId : row.fromId;
			const other = await getParty(db, { workspaceId, kind }, otherId);
			return other && !other.deletedAt ? { id: row.id, relation: row.relation, kind, otherId, otherName: other.name } : null;
		})
	);
	return links.filter((link) => link !== null);
}

export interface LinkInput {
	fromKind: PartyKind;
	fromId: string;
	toKind: PartyKind;
	toId: string;
	relation: string;
}

/** Links two records of the workspace; null when either is not one of its live records. */
export async function createPartyLink(db: Database, workspaceId: string, input: LinkInput, userId: string) {
	const [from, to] = await Promise.all([
		getParty(db, { workspaceId, kind: input.fromKind }, input.fromId),
		getParty(db, { workspaceId, kind: input.toKind }, input.toId)
	]);
	if (!from || !to || from.deletedAt || to.deletedAt) return null;
	const [row] = await db
		.insert(partyLinks)
		.values({ id: generateId(), workspaceId, ...input, createdBy: userId })
		.returning();
	return { row: row!, toName: to.name };
}

export async function deletePartyLink(db: Database, workspaceId: string, linkId: string): Promise<boolean> {
	const rows = await db
		.delete(partyLinks)
		.where(and(eq(partyLinks.workspaceId, workspaceId), eq(partyLinks.id, linkId)))
		.returning({ id: partyLinks.id });
	return rows.length > 0;
}

