import type { Deal } from '$lib/model';

/** The board's local filters: they change what this browser shows, never what others see. */
export interface BoardFilter {
	mine: boolean;
	ownerId: string;
	/** The deals of this company: their own, or their contact's. */
	companyId: string;
	text: string;
}

export const noFilter: BoardFilter = { mine: false, ownerId: '', companyId: '', text: '' };

export function isFiltering(filter: BoardFilter): boolean {
	return filter.mine || filter.ownerId !== '' || filter.companyId !== '' || filter.text.trim() !== '';
}

/**
 * The deals of a column that pass the filter; the same array when nothing filters.
 * `companyOf` names a deal's company, which may come from its contact.
 */
export function filterDeals(deals: Deal[], filter: BoardFilter, meId: string, companyOf: (deal: Deal) => string | undefined = (deal) => deal.companyId): Deal[] {
	if (!isFiltering(filter)) return deals;
	const text = filter.text.trim().toLocaleLowerCase();
	return deals.filter(
		(deal) =>
			(!filter.mine || deal.ownerId === meId) &&
			(filter.ownerId === '' || deal.ownerId === filter.ownerId) &&
			(filter.companyId === '' || companyOf(deal) === filter.companyId) &&
			(text === '' || deal.title.toLocaleLowerCase().includes(text))
	);
}

/** The filter's names in the address, so a filtered board can be reloaded, bookmarked and shared. */
const filterParams = { mine: 'mine', ownerId: 'owner', companyId: 'company', text: 'q' } as const;

/** The filter an address asks for; anything it does not name is off. */
export function readFilter(params: URLSearchParams): BoardFilter {
	return {
		mine: params.get(filterParams.mine) === '1',
		ownerId: params.get(filterParams.ownerId) ?? '',
		companyId: params.get(filterParams.companyId) ?? '',
		text: params.get(filterParams.text) ?? ''
	};
}

/** Writes the filter into `params`, leaving the address's other parameters alone. */
export function writeFilter(params: URLSearchParams, filter: BoardFilter): void {
	const values: Record<keyof BoardFilter, string> = {
		mine: filter.mine ? '1' : '',
		ownerId: filter.ownerId,
		companyId: filter.companyId,
		text: filter.text.trim()
	};
	for (const key of Object.keys(filterParams) as Array<keyof BoardFilter>) {
		if (values[key]) params.set(filterParams[key], values[key]);
		else params.delete(filterParams[key]);
	}
}
