import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { companies, contacts } from '../db/schema.js';

/** What a board needs to name the people and companies on its cards. */
export interface PartyNames {
	contacts: Record<string, { name: string; companyId: string | null; phones: string[] }>;
	companies: Record<string, { name: string }>;
}

/**
 * The names of the live contacts and companies among these ids. Ids of another
 * workspace, or in the trash, are simply left out. The companies the contacts
 * work for are named too, so a card can show "Anna Petrova · Stroymontazh"
 * for a deal that carries only the contact.
 */
export async function findPartyNames(db: Database, workspaceId: string, ids: { contactIds: string[]; companyIds: string[] }): Promise<PartyNames> {
	const names: PartyNames = { contacts: {}, companies: {} };
	const contactIds = [...new Set(ids.contactIds)];
	if (contactIds.length > 0) {
		const rows = await db
			.select({ id: contacts.id, name: contacts.name, companyId: contacts.companyId, phones: contacts.phones })
			.from(contacts)
			.where(and(eq(contacts.workspaceId, workspaceId), isNull(contacts.deletedAt), inArray(contacts.id, contactIds)));
		for (const row of rows) names.contacts[row.id] = { name: row.name, companyId: row.companyId, phones: row.phones };
	}
	const companyIds = [...new Set([...ids.companyIds, ...Object.values(names.contacts).flatMap((contact) => (contact.companyId ? [contact.companyId] : []))])];
	if (companyIds.length > 0) {
		const rows = await db
			.select({ id: companies.id, name: companies.name })
			.from(companies)
			.where(and(eq(companies.workspaceId, workspaceId), isNull(companies.deletedAt), inArray(companies.id, companyIds)));
		for (const row of rows) names.companies[row.id] = { name: row.name };
	}
	return names;
}
