import { and, asc, count, desc, eq, ilike, inArray, isNotNull, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { fieldConditionSql, type FieldCondition } from '../fields/field-filter.js';
import type { Database } from '../db/client.js';
import { companies, contacts, interactions, partyLinks, recordEvents, type PartyKind, type PartyStatus, type RecordEventAction } from '../db/schema.js';
import { generateId } from '../auth/tokens.js';
import { escapeLike } from '../db/like.js';
import { partyTable, textArray, toPartyValues, type PartyInput, type PartyRow } from './party.js';

/** Where a contact or company is looked up: always within one workspace. */
export interface PartyScope {
	workspaceId: string;
	kind: PartyKind;
}

/** How long a deleted record waits in the trash before the purge job removes it. */
export const trashDays = 30;

export async function createParty(db: Database, scope: PartyScope, input: PartyInput, userId: string | null, at: Date): Promise<PartyRow> {
	const table = partyTable(scope.kind);
	const id = generateId();
	const [row] = await db
		.insert(table)
		.values({ id, workspaceId: scope.workspaceId, ...toPartyValues(scope.kind, input), createdBy: userId, createdAt: at, updatedAt: at } as typeof contacts.$inferInsert)
		.returning();
	await recordPartyEvent(db, scope, id, 'created', userId, at);
	return row!;
}

/** The workspace a record belongs to, before the caller's membership of it is checked. */
export async function findPartyWorkspaceId(db: Database, kind: PartyKind, id: string): Promise<string | null> {
	const table = partyTable(kind);
	const [row] = await db.select({ workspaceId: table.workspaceId }).from(table).where(eq(table.id, id));
	return row?.workspaceId ?? null;
}

/** Which of these ids are live records (not in the trash) of the workspace. */
export async function findLiveParties(db: Database, workspaceId: string, kind: PartyKind, ids: string[]): Promise<Set<string>> {
	if (ids.length === 0) return new Set();
	const table = partyTable(kind);
	const rows = await db
		.select({ id: table.id })
		.from(table)
		.where(and(eq(table.workspaceId, workspaceId), isNull(table.deletedAt), inArray(table.id, [...new Set(ids)])));
	return new Set(rows.map((row) => row.id));
}

/** Logs a call, meeting, email or note with a contact or company itself, outside any deal. */
export async function addPartyInteraction(
	db: Database,
	scope: PartyScope,
	id: string,
	entry: { kind: (typeof interactions.$inferInsert)['kind']; text: string; at: Date; userId: string }
): Promise<string> {
	const interactionId = generateId();
	await db.insert(interactions).values({
		id: interactionId,
		workspaceId: scope.workspaceId,
		...(scope.kind === 'contact' ? { contactId: id } : { companyId: id }),
		...entry
	});
	return interactionId;
}

/** A record of the workspace, in the trash or not; null when it is not there. */
export async function getParty(db: Database, scope: PartyScope, id: string): Promise<PartyRow | null> {
	const table = partyTable(scope.kind);
	const [row] = await db
		.select()
		.from(table)
		.where(and(eq(table.id, id), eq(table.workspaceId, scope.workspaceId)));
	return row ?? null;
}

/** Replaces the typed fields (the merged whole of the old and the change) and their derived keys. */
export async function updateParty(db: Database, scope: PartyScope, id: string, input: PartyInput, at: Date): Promise<PartyRow | null> {
	const table = partyTable(scope.kind);
	const [row] = await db
		.update(table)
		.set({ ...toPartyValues(scope.kind, input), updatedAt: at } as Partial<typeof contacts.$inferInsert>)
		.where(and(eq(table.id, id), eq(table.workspaceId, scope.workspaceId)))
		.returning();
	return row ?? null;
}

/** What a stored row says, as the input that would store it again (for partial edits and merges). */
export function toPartyInput(row: PartyRow): PartyInput {
	return {
		name: row.name,
		phones: row.phones,
		emails: row.emails,
		address: row.address,
		website: row.website,
		segment: row.segment,
		status: row.status,
		ownerId: row.ownerId,
		tags: row.tags,
		note: row.note,
		custom: row.custom,
		...('taxId' in row ? { taxId: row.taxId } : { companyId: row.companyId, position: row.position, birthday: row.birthday })
	};
}

export async function moveToTrash(db: Database, scope: PartyScope, id: string, userId: string | null, at: Date): Promise<void> {
	const table = partyTable(scope.kind);
	await db
		.update(table)
		.set({ deletedAt: at, deletedBy: userId })
		.where(and(eq(table.id, id), eq(table.workspaceId, scope.workspaceId)));
	await recordPartyEvent(db, scope, id, 'deleted', userId, at);
}

export async function restoreFromTrash(db: Database, scope: PartyScope, id: string, userId: string | null, at: Date): Promise<void> {
	const table = partyTable(scope.kind);
	await db
		.update(table)
		.set({ deletedAt: null, deletedBy: null })
		.where(and(eq(table.id, id), eq(table.workspaceId, scope.workspaceId)));
	await recordPartyEvent(db, scope, id, 'restored', userId, at);
}

/**
 * Removes for good what has been in the trash longer than `trashDays`, with
 * its interactions, links and history; answers how many. Deals that named a
 * purged record keep their other fields and simply show no contact.
 */
export async function purgeTrash(db: Database, now: Date): Promise<number> {
	const before = new Date(now.getTime() - trashDays * 24 * 3600 * 1000);
	let purged = 0;
	for (const kind of ['contact', 'company'] as const) {
		const table = partyTable(kind);
		await db.transaction(async (tx) => {
			const rows = await tx
				.delete(table)
				.where(and(isNotNull(table.deletedAt), lt(table.deletedAt, before)))
				.returning({ id: table.id, workspaceId: table.workspaceId });
			purged += rows.length;
			if (rows.length === 0) return;
			const ids = rows.map((row) => row.id);
			await tx.delete(interactions).where(inArray(kind === 'contact' ? interactions.contactId : interactions.companyId, ids));
			await tx.delete(recordEvents).where(and(eq(recordEvents.subjectKind, kind), inArray(recordEvents.subjectId, ids)));
			await tx.delete(partyLinks).where(or(and(eq(partyLinks.fromKind, kind), inArray(partyLinks.fromId, ids)), and(eq(partyLinks.toKind, kind), inArray(partyLinks.toId, ids))));
		});
	}
	return purged;
}

export async function recordPartyEvent(
	db: Database,
	scope: PartyScope,
	subjectId: string,
	action: RecordEventAction,
	userId: string | null,
	at: Date,
	detail?: Record<string, unknown>
): Promise<void> {
	await db.insert(recordEvents).values({ workspaceId: scope.workspaceId, subjectKind: scope.kind, subjectId, action, userId, at, detail });
}

export const partySorts = ['name', 'createdAt', 'updatedAt'] as const;
export type PartySort = (typeof partySorts)[number];

export interface PartyFilter {
	/** Part of a name, an email, a phone (digits) or a tax id. */
	q?: string;
	status?: PartyStatus;
	ownerId?: string;
	segment?: string;
	tag?: string;
	companyId?: string;
	/** The trash instead of the live records. */
	deleted?: boolean;
	/** Custom field conditions, all of which must hold. */
	fields?: FieldCondition[];
}


function filterCondition(scope: PartyScope, filter: PartyFilter): SQL | undefined {
	const table = partyTable(scope.kind);
	const q = filter.q?.trim().toLowerCase();
	const digits = q?.replace(/\D/g, '') ?? '';
	return and(
		eq(table.workspaceId, scope.workspaceId),
		filter.deleted ? isNotNull(table.deletedAt) : isNull(table.deletedAt),
		q ? ilike(table.searchText, `%${escapeLike(digits.length >= 3 && /^[\d\s()+.-]+$/.test(q) ? digits.replace(/^8(?=\d{10}$)/, '7') : q)}%`) : undefined,
		filter.status ? eq(table.status, filter.status) : undefined,
		filter.ownerId ? eq(table.ownerId, filter.ownerId) : undefined,
		filter.segment ? eq(table.segment, filter.segment) : undefined,
		filter.tag ? sql`${table.tags} && ${textArray([filter.tag])}` : undefined,
		filter.companyId && scope.kind === 'contact' ? eq(contacts.companyId, filter.companyId) : undefined,
		...(filter.fields ?? []).map((condition) => fieldConditionSql(table.custom, condition))
	);
}

/** A contact's company name, read in the same workspace; null for companies. */
export function companyNameOf(scope: PartyScope): SQL<string | null> {
	if (scope.kind !== 'contact') return sql<null>`null`;
	return sql<string | null>`(select c.name from companies c where c.id = ${contacts.companyId} and c.workspace_id = ${scope.workspaceId})`;
}


/** One page of a list, sorted, with the total for the pager. Contacts carry their company's name. */
export async function listParties(
	db: Database,
	scope: PartyScope,
	filter: PartyFilter,
	page: { sort: PartySort; order: 'asc' | 'desc'; limit: number; offset: number }
) {
	const table = partyTable(scope.kind);
	const where = filterCondition(scope, filter);
	const column = { name: table.nameKey, createdAt: table.createdAt, updatedAt: table.updatedAt }[page.sort];
	const direction = page.order === 'asc' ? asc : desc;
	const [rows, [total]] = await Promise.all([
		db
			.select({ row: table, companyName: companyNameOf(scope) })
			.from(table)
			.where(where)
			.orderBy(direction(column), asc(table.id))
			.limit(page.limit)
			.offset(page.offset),
		db.select({ total: count() }).from(table).where(where)
	]);
	return { rows: rows.map(({ row, companyName }) => ({ ...row, companyName })), total: total?.total ?? 0 };
}

/** Every record matching a filter, in pages, for a CSV export of a list as the user sees it. */
export async function* listAllParties(db: Database, scope: PartyScope, filter: PartyFilter, sort: PartySort, order: 'asc' | 'desc') {
	const limit = 1000;
	for (let offset = 0; ; offset += limit) {
		const { rows } = await listParties(db, scope, filter, { sort, order, limit, offset });
		if (rows.length > 0) yield rows;
		if (rows.length < limit) return;
	}
}
