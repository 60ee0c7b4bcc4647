import type { Deal } from '$lib/model';

/** The board's local filters: they change what this browser shows, never what others see. */
export interface BoardFilter {
	mine: boolean;
	ownerId: string;
	text: string;
}

export const noFilter: BoardFilter = { mine: false, ownerId: '', text: '' };

export function isFiltering(filter: BoardFilter): boolean {
	return filter.mine || filter.ownerId !== '' || filter.text.trim() !== '';
}

/** The deals of a column that pass the filter; the same array when nothing filters. */
export function filterDeals(deals: Deal[], filter: BoardFilter, meId: string): Deal[] {
	if (!isFiltering(filter)) return deals;
	const text = filter.text.trim().toLocaleLowerCase();
	return deals.filter(
		(deal) =>
			(!filter.mine || deal.ownerId === meId) &&
			(filter.ownerId === '' || deal.ownerId === filter.ownerId) &&
			(text === '' || deal.title.toLocaleLowerCase().includes(text))
	);
}
