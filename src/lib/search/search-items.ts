import { partyPath, type SearchResults } from '$lib/parties/party-api';

export type SearchGroup = 'contacts' | 'companies' | 'deals';

/** One row of the search box's list: what it shows and where Enter takes. */
export interface SearchItem {
	group: SearchGroup;
	id: string;
	href: string;
	title: string;
	/** The texts under the title, in order (company, phone, tax id, stage, value). */
	details: string[];
}

/** The phone or email that matched a digits or text query, else the first phone, else the first email. */
function reachOf(phones: string[], emails: string[], query: string): string | null {
	const digits = query.replace(/\D/g, '');
	const text = query.trim().toLowerCase();
	const phone = digits.length >= 3 ? phones.find((value) => value.replace(/\D/g, '').includes(digits.replace(/^[78](?=\d{3})/, ''))) : undefined;
	const email = emails.find((value) => value.toLowerCase().includes(text));
	return phone ?? email ?? phones[0] ?? emails[0] ?? null;
}

/**
 * The answer as the list shows it, grouped Contacts, Companies, Deals; the
 * keyboard walks the groups in that order. `words` renders the parts that
 * need the locale (tax id label, stage and money).
 */
export function toSearchItems(
	workspaceId: string,
	results: SearchResults,
	query: string,
	words: { taxId: (taxId: string) => string; deal: (deal: SearchResults['deals'][number]) => string[] }
): Record<SearchGroup, SearchItem[]> {
	return {
		contacts: results.contacts.map((contact) => ({
			group: 'contacts',
			id: contact.id,
			href: partyPath(workspaceId, 'contact', contact.id),
			title: contact.name,
			details: [contact.companyName, reachOf(contact.phones, contact.emails, query)].filter((part): part is string => !!part)
		})),
		companies: results.companies.map((company) => ({
			group: 'companies',
			id: company.id,
			href: partyPath(workspaceId, 'company', company.id),
			title: company.name,
			details: [company.taxId ? words.taxId(company.taxId) : null, reachOf(company.phones, company.emails, query)].filter((part): part is string => !!part)
		})),
		deals: results.deals.map((deal) => ({
			group: 'deals',
			id: deal.id,
			href: `/w/${workspaceId}/deals/${deal.id}`,
			title: deal.title,
			details: words.deal(deal)
		}))
	};
}
