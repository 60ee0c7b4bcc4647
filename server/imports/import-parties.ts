/**
 * Finding the contact or company an imported row is, or creating it: in
 * the workspace (duplicate control, as on every create) and among the rows
 * of the same file already imported, so a file naming one person twice
 * makes one contact. New records of a batch are inserted together when the
 * batch ends, in its transaction.
 */
import { and, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { companies, contacts, recordEvents, type PartyKind } from '../db/schema.js';
import { generateId } from '../auth/tokens.js';
import { findDuplicates } from '../contacts/duplicates.js';
import { normaliseEmail, normalisePhone } from '../contacts/normalise.js';
import { defaultPhoneCountry, derivePartyKeys, partyTable, textArray, toPartyValues, type PartyInput } from '../contacts/party.js';
import { getParty, toPartyInput, updateParty } from '../contacts/party-store.js';
import type { DuplicateChoice } from './import-store.js';

/** A record this file created (or, in a dry run, would have). */
interface FileParty {
	id: string;
	kind: PartyKind;
	input: PartyInput;
	/** Not inserted yet: it waits for the end of its batch. */
	pending: boolean;
}

export type PartyOutcome = { outcome: 'created' | 'updated' | 'skipped'; id: string };

/** A record of the workspace as the batch's lookup found it: its id and the keys it matched on. */
interface StoredParty {
	id: string;
	keys: string[];
}

/**
 * Keys a record is matched on. A phone, an email or a tax id says who
 * someone is; a name alone only when the row has none of those, because two
 * people called Ivan Petrov with different phones are two people, and an
 * import of 50,000 contacts would otherwise merge every namesake.
 */
function keysOf(kind: PartyKind, input: PartyInput) {
	const keys = derivePartyKeys(kind, { name: input.name, phones: input.phones ?? [], emails: input.emails ?? [], taxId: input.taxId });
	const strong = keys.phoneKeys.length > 0 || keys.emailKeys.length > 0 || Boolean(keys.taxKey);
	return { ...keys, strong };
}

function memoryKeys(kind: PartyKind, keys: Pick<ReturnType<typeof keysOf>, 'phoneKeys' | 'emailKeys' | 'taxKey' | 'nameKey'>): string[] {
	return [
		...keys.phoneKeys.map((key) => `${kind}:p:${key}`),
		...keys.emailKeys.map((key) => `${kind}:e:${key}`),
		...(keys.taxKey ? [`${kind}:t:${keys.taxKey}`] : []),
		...(keys.nameKey ? [`${kind}:n:${keys.nameKey}`] : [])
	];
}

/** Adds the values not there yet, compared by their normal form ("8 912…" is "+7 912…"). */
function addValues(existing: string[], incoming: string[], normalise: (value: string) => string | null): string[] {
	const seen = new Set(existing.map((value) => normalise(value) ?? value.trim().toLowerCase()));
	const out = [...existing];
	for (const value of incoming) {
		const key = normalise(value) ?? value.trim().toLowerCase();
		if (seen.has(key)) continue;
		seen.add(key);
		out.push(value);
	}
	return out;
}

/** The record with the row's phones, emails and tags added and its blank fields filled; nothing typed before is lost. */
export function mergePartyInput(existing: PartyInput, incoming: PartyInput): PartyInput {
	const merged: PartyInput = { ...existing };
	merged.phones = addValues(existing.phones ?? [], incoming.phones ?? [], (phone) => normalisePhone(phone, defaultPhoneCountry));
	merged.emails = addValues(existing.emails ?? [], incoming.emails ?? [], normaliseEmail);
	merged.tags = addValues(existing.tags ?? [], incoming.tags ?? [], (tag) => tag.trim().toLowerCase());
	for (const field of ['address', 'website', 'segment', 'note', 'ownerId', 'companyId', 'position', 'birthday', 'taxId'] as const) {
		const current = existing[field];
		if ((current === null || current === undefined || current === '') && incoming[field]) merged[field] = incoming[field];
	}
	return merged;
}

export interface ResolveOptions {
	/** What to do when the record is already there. */
	choice: DuplicateChoice;
	/** The id a new record gets; random when not given. */
	newId?: string;
}

/**
 * The parties of one import: what the file has created so far, and the
 * current batch's records waiting to be inserted. One per import run.
 */
export class ImportParties {
	private readonly byKey = new Map<string, FileParty>();
	private batch: FileParty[] = [];
	/**
	 * The batch's stored matches, looked up once for all its rows (a query a
	 * row made the import slow and, on PGlite, held the database from every
	 * other request): the keys asked for, and the records having them.
	 */
	private looked = new Set<string>();
	private stored = new Map<string, StoredParty[]>();

	constructor(
		private readonly workspaceId: string,
		private readonly userId: string | null,
		/** A dry run writes nothing: records of earlier batches live only here. */
		private readonly dryRun: boolean
	) {}

	/**
	 * The row's record: an earlier one of the file, one of the workspace, or a
	 * new one, by `choice` when it was there already (skip leaves it, update
	 * merges the row in, create makes another).
	 */
	async resolve(db: Database, kind: PartyKind, input: PartyInput, options: ResolveOptions, at: Date): Promise<PartyOutcome> {
		const keys = keysOf(kind, input);
		if (options.choice !== 'create') {
			const known = this.findInFile(kind, keys);
			if (known) {
				if (options.choice === 'skip') return { outcome: 'skipped', id: known.id };
				if (known.pending || this.dryRun) this.remember({ ...known, input: mergePartyInput(known.input, input) });
				else await this.updateStored(db, kind, known.id, input, at);
				return { outcome: 'updated', id: known.id };
			}
			const looked = this.findLooked(kind, keys);
			const candidate = looked === undefined ? (await findDuplicates(db, this.workspaceId, kind, { ...keys, nameKey: keys.strong ? '' : keys.nameKey }, { limit: 1 }))[0] : looked;
			if (candidate) {
				if (options.choice === 'update') await this.updateStored(db, kind, candidate.id, input, at);
				return { outcome: options.choice === 'update' ? 'updated' : 'skipped', id: candidate.id };
			}
		}
		const party: FileParty = { id: options.newId ?? generateId(), kind, input, pending: true };
		this.remember(party);
		this.batch.push(party);
		return { outcome: 'created', id: party.id };
	}

	/**
	 * Finds, in one query, the workspace's records that share a phone, an
	 * email or a tax id with any of the inputs; `resolve` then answers those
	 * rows from memory. Rows known only by name still ask the database (a
	 * similar name needs the trigram index). Good for the current batch only.
	 */
	async lookUp(db: Database, kind: PartyKind, inputs: PartyInput[]): Promise<void> {
		this.forgetLookUp();
		const phoneKeys = new Set<string>();
		const emailKeys = new Set<string>();
		const taxKeys = new Set<string>();
		for (const input of inputs) {
			const keys = keysOf(kind, input);
			for (const key of keys.phoneKeys) phoneKeys.add(key);
			for (const key of keys.emailKeys) emailKeys.add(key);
			if (kind === 'company' && keys.taxKey) taxKeys.add(keys.taxKey);
		}
		const table = partyTable(kind);
		const matches: SQL[] = [];
		if (phoneKeys.size > 0) matches.push(sql`${table.phoneKeys} && ${textArray([...phoneKeys])}`);
		if (emailKeys.size > 0) matches.push(sql`${table.emailKeys} && ${textArray([...emailKeys])}`);
		if (taxKeys.size > 0) matches.push(inArray(companies.taxKey, [...taxKeys]));
		if (matches.length === 0) return;
		const rows = await db
			.select({ id: table.id, phoneKeys: table.phoneKeys, emailKeys: table.emailKeys, taxKey: kind === 'company' ? companies.taxKey : sql<null>`null` })
			.from(table)
			.where(and(eq(table.workspaceId, this.workspaceId), isNull(table.deletedAt), or(...matches)));
		for (const row of rows) {
			const party: StoredParty = { id: row.id, keys: memoryKeys(kind, { phoneKeys: row.phoneKeys, emailKeys: row.emailKeys, taxKey: row.taxKey, nameKey: '' }) };
			for (const key of party.keys) this.stored.set(key, [...(this.stored.get(key) ?? []), party]);
		}
		for (const key of phoneKeys) this.looked.add(`${kind}:p:${key}`);
		for (const key of emailKeys) this.looked.add(`${kind}:e:${key}`);
		for (const key of taxKeys) this.looked.add(`${kind}:t:${key}`);
	}

	/**
	 * The looked-up record sharing most kinds of key (phone, email, tax id)
	 * with the row, as findDuplicates ranks them; `undefined` when the lookup
	 * did not cover the row's keys and the database must be asked.
	 */
	private findLooked(kind: PartyKind, keys: ReturnType<typeof keysOf>): { id: string } | null | undefined {
		if (!keys.strong) return undefined;
		const wanted = memoryKeys(kind, { ...keys, nameKey: '' });
		if (!wanted.every((key) => this.looked.has(key))) return undefined;
		const kinds = new Map<string, Set<string>>();
		for (const key of wanted) {
			for (const party of this.stored.get(key) ?? []) kinds.set(party.id, (kinds.get(party.id) ?? new Set()).add(key.split(':')[1]!));
		}
		let best: { id: string; score: number } | null = null;
		for (const [id, matched] of kinds) if (!best || matched.size > best.score) best = { id, score: matched.size };
		return best ? { id: best.id } : null;
	}

	/** The lookup answers for its batch only: the next one may meet records written since. */
	private forgetLookUp(): void {
		this.looked = new Set();
		this.stored = new Map();
	}

	/** Whether a record with the id exists (an interrupted run of the same import made it). */
	async exists(db: Database, kind: PartyKind, id: string): Promise<boolean> {
		if (this.batch.some((party) => party.id === id)) return true;
		const table = partyTable(kind);
		const [row] = await db.select({ id: table.id }).from(table).where(eq(table.id, id));
		return Boolean(row);
	}

	/** Inserts the batch's new records (companies first: contacts point at them), one statement per table. */
	async flush(db: Database, at: Date): Promise<void> {
		const batch = this.batch;
		this.batch = [];
		this.forgetLookUp();
		for (const party of batch) party.pending = false;
		for (const kind of ['company', 'contact'] as const) {
			const rows = batch.filter((party) => party.kind === kind);
			if (rows.length === 0) continue;
			const table = partyTable(kind);
			await db.insert(table).values(
				rows.map(
					(party) =>
						({
							id: party.id,
							workspaceId: this.workspaceId,
							...toPartyValues(kind, party.input),
							createdBy: this.userId,
							createdAt: at,
							updatedAt: at
						}) as typeof contacts.$inferInsert
				)
			);
			await db.insert(recordEvents).values(
				rows.map((party) => ({
					workspaceId: this.workspaceId,
					subjectKind: kind,
					subjectId: party.id,
					action: 'created' as const,
					userId: this.userId,
					at,
					detail: { source: 'import' }
				}))
			);
		}
	}

	/** Forgets the batch's records after its transaction was rolled back (a real run that failed). */
	discardBatch(): void {
		this.forgetLookUp();
		for (const party of this.batch) {
			for (const [key, value] of this.byKey) if (value.id === party.id) this.byKey.delete(key);
		}
		this.batch = [];
	}

	private findInFile(kind: PartyKind, keys: ReturnType<typeof keysOf>): FileParty | null {
		const strongKeys = memoryKeys(kind, { ...keys, nameKey: '' });
		for (const key of strongKeys) {
			const found = this.byKey.get(key);
			if (found) return found;
		}
		if (keys.strong || !keys.nameKey) return null;
		return this.byKey.get(`${kind}:n:${keys.nameKey}`) ?? null;
	}

	private remember(party: FileParty): void {
		const index = this.batch.findIndex((pending) => pending.id === party.id);
		if (index >= 0) this.batch[index] = party;
		for (const key of memoryKeys(party.kind, keysOf(party.kind, party.input))) if (!this.byKey.has(key) || this.byKey.get(key)!.id === party.id) this.byKey.set(key, party);
	}

	private async updateStored(db: Database, kind: PartyKind, id: string, input: PartyInput, at: Date): Promise<void> {
		const scope = { workspaceId: this.workspaceId, kind };
		const row = await getParty(db, scope, id);
		if (!row) return;
		const merged = mergePartyInput(toPartyInput(row), input);
		await updateParty(db, scope, id, merged, at);
		// Later rows find it by the keys it has now, not only those it was looked up by.
		this.remember({ id, kind, input: merged, pending: false });
	}
}
