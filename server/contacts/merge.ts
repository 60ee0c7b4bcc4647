import { and, eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { contacts, interactions, partyLinks, recordEvents, type PartyStatus } from '../db/schema.js';
import { cleanList, partyTable, type PartyInput, type PartyRow } from './party.js';
import { recordPartyEvent, toPartyInput, updateParty, type PartyScope } from './party-store.js';

// A merged record is at least as far along as either half was.
const statusOrder: PartyStatus[] = ['potential', 'lapsed', 'customer'];

/**
 * The record that stays after a merge: its own fields win, the other fills
 * what it left empty, and every phone, email and tag of both is kept.
 */
export function combineParties(keep: PartyRow, other: PartyRow): PartyInput {
	const mine = toPartyInput(keep);
	const theirs = toPartyInput(other);
	const filled = Object.fromEntries(
		Object.entries(theirs).map(([key, value]) => [key, (mine as unknown as Record<string, unknown>)[key] ?? value])
	) as PartyInput;
	const notes = [mine.note, theirs.note].filter((note): note is string => Boolean(note?.trim()));
	return {
		...filled,
		name: mine.name,
		phones: cleanList([...(mine.phones ?? []), ...(theirs.phones ?? [])]),
		emails: cleanList([...(mine.emails ?? []), ...(theirs.emails ?? [])]),
		tags: cleanList([...(mine.tags ?? []), ...(theirs.tags ?? [])]),
		note: notes.length > 0 ? [...new Set(notes)].join('\n\n') : null,
		status: statusOrder[Math.max(statusOrder.indexOf(keep.status), statusOrder.indexOf(other.status))],
		// Custom values: the kept record's win, the other's fill the fields it left empty.
		custom: { ...(theirs.custom ?? {}), ...(mine.custom ?? {}) }
	};
}

/**
 * Moves everything that points at `other` to `keep` (interactions, links,
 * the record's own history; for companies, their people) and deletes
 * `other`, in the caller's transaction. Deals are moved before this, on
 * their boards (see deal-links.ts): a deal is changed only through its board.
 */
export async function mergeParties(tx: Database, scope: PartyScope, keep: PartyRow, other: PartyRow, userId: string | null, at: Date) {
	const { workspaceId, kind } = scope;
	const column = kind === 'contact' ? interactions.contactId : interactions.companyId;
	await tx
		.update(interactions)
		.set(kind === 'contact' ? { contactId: keep.id } : { companyId: keep.id })
		.where(and(eq(interactions.workspaceId, workspaceId), eq(column, other.id)));
	await tx
		.update(partyLinks)
		.set({ fromId: keep.id })
		.where(and(eq(partyLinks.workspaceId, workspaceId), eq(partyLinks.fromKind, kind), eq(partyLinks.fromId, other.id)));
	await tx
		.update(partyLinks)
		.set({ toId: keep.id })
		.where(and(eq(partyLinks.workspaceId, workspaceId), eq(partyLinks.toKind, kind), eq(partyLinks.toId, other.id)));
	// A link between the two halves would now link the record to itself.
	await tx
		.delete(partyLinks)
		.where(and(eq(partyLinks.workspaceId, workspaceId), eq(partyLinks.fromId, keep.id), eq(partyLinks.toId, keep.id)));
	if (kind === 'company') {
		await tx
			.update(contacts)
			.set({ companyId: keep.id })
			.where(and(eq(contacts.workspaceId, workspaceId), eq(contacts.companyId, other.id)));
	}
	await tx
		.update(recordEvents)
		.set({ subjectId: keep.id })
		.where(and(eq(recordEvents.workspaceId, workspaceId), eq(recordEvents.subjectKind, kind), eq(recordEvents.subjectId, other.id)));
	const combined = combineParties(keep, other);
	const table = partyTable(kind);
	await tx.delete(table).where(and(eq(table.workspaceId, workspaceId), eq(table.id, other.id)));
	const merged = await updateParty(tx, scope, keep.id, combined, at);
	await recordPartyEvent(tx, scope, keep.id, 'merged', userId, at, {
		otherId: other.id,
		otherName: other.name,
		phones: other.phones,
		emails: other.emails
	});
	return merged!;
}
