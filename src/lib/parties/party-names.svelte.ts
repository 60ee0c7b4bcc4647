import { untrack } from 'svelte';
import { SvelteMap } from 'svelte/reactivity';
import { fetchPartyNames } from './party-api';
import { getRecord, putRecord } from '$lib/offline/device-store';

export interface ContactName {
	name: string;
	companyId: string | null;
	phones: string[];
}

/** The most ids one names request carries (the endpoint's limit). */
const batchSize = 500;
/** After a failed request (offline), how long before the same ids are asked again. */
const retryMs = 30_000;
/** The most names kept on the device per workspace: a board's worth, not the whole address book. */
const savedLimit = 5_000;

interface SavedNames {
	contacts: Array<[string, ContactName]>;
	companies: Array<[string, { name: string }]>;
}

/**
 * The names of the contacts and companies a board or a list shows, asked
 * for in batches and kept for as long as the page lives: cards name them
 * without the app loading every contact. Null marks an id that was asked
 * for and is not there (deleted, or of another workspace).
 */
export class PartyNameCache {
	readonly contacts = new SvelteMap<string, ContactName | null>();
	readonly companies = new SvelteMap<string, { name: string } | null>();
	#asking = new Set<string>();
	#failedAt = 0;
	#workspaceId: string;
	#userId: string | null;

	/**
	 * With `userId`, the names are also kept on the device (as the boards are),
	 * so a board opened offline still names its cards' contacts and companies.
	 */
	constructor(workspaceId: string, userId: string | null = null) {
		this.#workspaceId = workspaceId;
		this.#userId = userId;
		if (userId) void this.#restore(userId);
	}

	/** Asks for the names not known yet; cheap to call after every change of a board. */
	want(contactIds: Iterable<string>, companyIds: Iterable<string>): void {
		untrack(() => {
			if (Date.now() - this.#failedAt < retryMs) return;
			const contacts = [...new Set(contactIds)].filter((id) => !this.contacts.has(id) && !this.#asking.has(id));
			const companies = [...new Set(companyIds)].filter((id) => !this.companies.has(id) && !this.#asking.has(id));
			for (let start = 0; start < Math.max(contacts.length, companies.length); start += batchSize) {
				void this.#ask(contacts.slice(start, start + batchSize), companies.slice(start, start + batchSize));
			}
		});
	}

	/** A record the user just picked or created: known without asking. */
	remember(kind: 'contact' | 'company', id: string, entry: { name: string; companyId?: string | null; phones?: string[] }): void {
		if (kind === 'contact') this.contacts.set(id, { name: entry.name, companyId: entry.companyId ?? null, phones: entry.phones ?? [] });
		else this.companies.set(id, { name: entry.name });
	}

	/** The deal's company: its own, or else its contact's. */
	companyOf(deal: { contactId?: string | null; companyId?: string | null }): string | undefined {
		return deal.companyId ?? (deal.contactId ? (this.contacts.get(deal.contactId)?.companyId ?? undefined) : undefined);
	}

	contactName(id: string | null | undefined): string | undefined {
		return id ? (this.contacts.get(id)?.name ?? undefined) : undefined;
	}

	companyName(id: string | null | undefined): string | undefined {
		return id ? (this.companies.get(id)?.name ?? undefined) : undefined;
	}

	/** "Anna Petrova · Stroymontazh", or just one of them; null when neither is known. */
	line(deal: { contactId?: string | null; companyId?: string | null }): string | null {
		const parts = [this.contactName(deal.contactId), this.companyName(this.companyOf(deal))].filter((part): part is string => !!part);
		return parts.length > 0 ? parts.join(' · ') : null;
	}

	async #ask(contactIds: string[], companyIds: string[]): Promise<void> {
		if (contactIds.length === 0 && companyIds.length === 0) return;
		for (const id of [...contactIds, ...companyIds]) this.#asking.add(id);
		try {
			const names = await fetchPartyNames(this.#workspaceId, { contactIds, companyIds });
			for (const id of contactIds) this.contacts.set(id, names.contacts[id] ?? null);
			for (const id of companyIds) this.companies.set(id, names.companies[id] ?? null);
			// The companies of the contacts come along: no second request for them.
			for (const [id, company] of Object.entries(names.companies)) this.companies.set(id, company);
			this.#save();
		} catch {
			this.#failedAt = Date.now();
		} finally {
			for (const id of [...contactIds, ...companyIds]) this.#asking.delete(id);
		}
	}

	get #savedKey(): string {
		return `party-names:${this.#workspaceId}`;
	}

	/** Fills in what the device kept; names the server sent since win. */
	async #restore(userId: string): Promise<void> {
		const saved = await getRecord<SavedNames>('saved', this.#savedKey, userId).catch(() => null);
		if (!saved) return;
		for (const [id, entry] of saved.contacts) if (!this.contacts.has(id)) this.contacts.set(id, entry);
		for (const [id, entry] of saved.companies) if (!this.companies.has(id)) this.companies.set(id, entry);
	}

	/** Right after each answer: a page closed a moment later (going offline) must not lose it. */
	#save(): void {
		const userId = this.#userId;
		if (!userId) return;
		const known = <T>(map: Map<string, T | null>) => [...map].filter((entry): entry is [string, T] => entry[1] !== null).slice(-savedLimit);
		void putRecord<SavedNames>('saved', this.#savedKey, userId, { contacts: known(this.contacts), companies: known(this.companies) }).catch(() => undefined);
	}
}
