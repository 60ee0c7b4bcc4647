import { m } from '$lib/i18n';
import type { DuplicateCandidate } from './party-api';

export type PartyStatus = DuplicateCandidate['status'];
export const partyStatuses: PartyStatus[] = ['potential', 'customer', 'lapsed'];

/** The words of a status on screen. */
export function statusLabel(status: PartyStatus): string {
	return { potential: m.parties_status_potential, customer: m.parties_status_customer, lapsed: m.parties_status_lapsed }[status]();
}

/** What a duplicate candidate matched on, in words ("Same phone, email"). */
export function matchedOnLabel(candidate: Pick<DuplicateCandidate, 'matchedOn'>): string {
	const words = { phone: m.parties_match_phone, email: m.parties_match_email, taxId: m.parties_match_taxId, name: m.parties_match_name };
	return m.parties_matched_on({ fields: candidate.matchedOn.map((reason) => words[reason]()).join(', ') });
}
