import { api, call, ApiFailure } from '$lib/api/client';
import type { InferRequestType, InferResponseType } from 'hono/client';

/**
 * The contacts and companies API as the app uses it. Contacts (people) and
 * companies (organisations) share their shapes; `kind` says which.
 */
export type PartyKind = 'contact' | 'company';
const contactsApi = api.api.contacts[':id'];
const companiesApi = api.api.companies[':id'];

type RecordAnswer = InferResponseType<(typeof api.api.workspaces)[':workspaceId']['contacts']['$post'], 201>;
export type Contact = Extract<RecordAnswer, { contact: unknown }>['contact'];
export type Company = Extract<RecordAnswer, { company: unknown }>['company'];
export type Party = Contact | Company;
export type NewContact = InferRequestType<(typeof api.api.workspaces)[':workspaceId']['contacts']['$post']>['json'];
export type NewCompany = InferRequestType<(typeof api.api.workspaces)[':workspaceId']['companies']['$post']>['json'];
export type PartyPage = InferResponseType<(typeof contactsApi)['$get'], 200>;
export type TimelinePage = InferResponseType<(typeof contactsApi)['timeline']['$get'], 200>;
export type TimelineEntry = TimelinePage['entries'][number];
export type SearchResults = InferResponseType<(typeof api.api.workspaces)[':workspaceId']['search']['$get'], 200>;
// The UI filters by one custom field at a time (`<fieldId>:<value>`); the API takes several.
export type ListQuery = Omit<NonNullable<InferRequestType<(typeof api.api.workspaces)[':workspaceId']['contacts']['$get']>['query']>, 'field'> & { field?: string };

/** A record that is probably the one being typed in again, and what matched. */
export interface DuplicateCandidate {
	id: string;
	name: string;
	matchedOn: ('phone' | 'email' | 'taxId' | 'name')[];
	status: 'potential' | 'customer' | 'lapsed';
	phones: string[];
	emails: string[];
	companyName: string | null;
}

/** The record in an answer that holds a `contact` or a `company`. */
function recordOf(answer: RecordAnswer): Party {
	return 'contact' in answer ? answer.contact : answer.company;
}

/** The candidates of a 409 `duplicate_candidates`, or null for any other failure. */
export function duplicatesOf(error: unknown): DuplicateCandidate[] | null {
	if (!(error instanceof ApiFailure) || error.code !== 'duplicate_candidates') return null;
	return (error.detail.candidates as DuplicateCandidate[] | undefined) ?? [];
}

export function listParties(workspaceId: string, kind: PartyKind, query: ListQuery) {
	const ws = api.api.workspaces[':workspaceId'];
	const request = kind === 'contact' ? ws.contacts.$get({ param: { workspaceId }, query }) : ws.companies.$get({ param: { workspaceId }, query });
	return call(request);
}

/** Creates a record; a likely duplicate is thrown as an ApiFailure (see duplicatesOf) unless `force`. */
export async function createContact(workspaceId: string, json: NewContact): Promise<Contact> {
	return recordOf(await call(api.api.workspaces[':workspaceId'].contacts.$post({ param: { workspaceId }, json }))) as Contact;
}

export async function createCompany(workspaceId: string, json: NewCompany): Promise<Company> {
	return recordOf(await call(api.api.workspaces[':workspaceId'].companies.$post({ param: { workspaceId }, json }))) as Company;
}

/** The records a form's current input would duplicate, asked while the user types. */
export async function checkDuplicates(workspaceId: string, kind: PartyKind, json: Partial<NewContact & NewCompany> & { exceptId?: string }) {
	const ws = api.api.workspaces[':workspaceId'];
	const request = kind === 'contact' ? ws.contacts.duplicates.$post({ param: { workspaceId }, json }) : ws.companies.duplicates.$post({ param: { workspaceId }, json });
	return (await call(request)).candidates as DuplicateCandidate[];
}

export function getParty(kind: PartyKind, id: string): Promise<PartyPage> {
	return call(kind === 'contact' ? contactsApi.$get({ param: { id } }) : companiesApi.$get({ param: { id } }));
}

export async function updateParty(kind: PartyKind, id: string, json: Partial<NewContact & NewCompany>): Promise<Party> {
	const answer = await call(kind === 'contact' ? contactsApi.$patch({ param: { id }, json }) : companiesApi.$patch({ param: { id }, json }));
	return recordOf(answer);
}

export async function deleteParty(kind: PartyKind, id: string): Promise<void> {
	await call(kind === 'contact' ? contactsApi.$delete({ param: { id } }) : companiesApi.$delete({ param: { id } }));
}

export async function restoreParty(kind: PartyKind, id: string): Promise<void> {
	await call(kind === 'contact' ? contactsApi.restore.$post({ param: { id } }) : companiesApi.restore.$post({ param: { id } }));
}

/** Merges `otherId` into `id`; `id` stays, with everything of both. */
export async function mergeParties(kind: PartyKind, id: string, otherId: string): Promise<void> {
	const json = { otherId };
	await call(kind === 'contact' ? contactsApi.merge.$post({ param: { id }, json }) : companiesApi.merge.$post({ param: { id }, json }));
}

export function fetchTimeline(kind: PartyKind, id: string, before?: string): Promise<TimelinePage> {
	const query = { limit: '30', ...(before ? { before } : {}) };
	return call(kind === 'contact' ? contactsApi.timeline.$get({ param: { id }, query }) : companiesApi.timeline.$get({ param: { id }, query }));
}

export async function logInteraction(kind: PartyKind, id: string, json: { kind: 'call' | 'meeting' | 'email' | 'note'; text: string }) {
	await call(kind === 'contact' ? contactsApi.interactions.$post({ param: { id }, json }) : companiesApi.interactions.$post({ param: { id }, json }));
}

export function searchWorkspace(workspaceId: string, q: string): Promise<SearchResults> {
	return call(api.api.workspaces[':workspaceId'].search.$get({ param: { workspaceId }, query: { q } }));
}

export async function linkParties(workspaceId: string, json: { fromKind: PartyKind; fromId: string; toKind: PartyKind; toId: string; relation: string }) {
	return (await call(api.api.workspaces[':workspaceId'].links.$post({ param: { workspaceId }, json }))).link;
}

export async function unlinkParties(workspaceId: string, linkId: string): Promise<void> {
	await call(api.api.workspaces[':workspaceId'].links[':linkId'].$delete({ param: { workspaceId, linkId } }));
}

/** Where a record's card lives in the app. */
export function partyPath(workspaceId: string, kind: PartyKind, id: string): string {
	return kind === 'contact' ? `/w/${workspaceId}/contacts/${id}` : `/w/${workspaceId}/contacts/companies/${id}`;
}

export type PartyNames = InferResponseType<(typeof api.api.workspaces)[':workspaceId']['parties']['names']['$post'], 200>;

/** The names of contacts and companies by id (up to 500 of each); records of other workspaces or in the trash are left out. */
export function fetchPartyNames(workspaceId: string, ids: { contactIds?: string[]; companyIds?: string[] }): Promise<PartyNames> {
	return call(api.api.workspaces[':workspaceId'].parties.names.$post({ param: { workspaceId }, json: ids }));
}
