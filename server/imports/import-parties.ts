/**
 * Finding the contact or company an imported row is, or creating it: in
 * the workspace (duplicate control, as on every create) and among the rows
 * of the same file already imported, so a file naming one person twice
 * makes one contact. New records of a batch are inserted together when the
 * batch ends, in its transaction.
 */
import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { contacts, recordEvents, type PartyKind } from '../db/schema.js';
import { generateId } from '../auth/tokens.js';
import { findDuplicates } from '../contacts/duplicates.js';
import { normaliseEmail, normalisePhone } from '../contacts/normalise.js';
import { defaultPhoneCountry, derivePartyKeys, partyTable, toPartyValues, type PartyInput } from '../contacts/party.js';
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

function memoryKeys(kind: PartyKind, keys: ReturnType<typeof keysOf>): string[] {
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
			const [candidate] = await findDuplicates(db, this.workspaceId, kind, { ...keys, nameKey: keys.strong ? '' : keys.nameKey }, { limit: 1 });
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
		await updateParty(db, scope, id, mergePartyInput(toPartyInput(row), input), at);
	}
}
