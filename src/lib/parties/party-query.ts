import type { ListQuery } from './party-api';
import type { PartyStatus } from './party-status';

export type PartySortKey = 'name' | 'createdAt' | 'updatedAt';
export type SortOrder = 'asc' | 'desc';

/** Records per page of the list. */
export const partyPageSize = 50;

/** Everything that decides which records the list shows; it lives in the URL query so a reload or Back shows the same list. */
export interface PartyQuery {
	q: string;
	status: PartyStatus | '';
	owner: string;
	segment: string;
	tag: string;
	trash: boolean;
	/** One custom field filter, `<fieldId>:<value>`, or ''. */
	field: string;
	sort: PartySortKey;
	order: SortOrder;
	/** 1-based. */
	page: number;
}

export const defaultPartyQuery: PartyQuery = { q: '', status: '', owner: '', segment: '', tag: '', trash: false, field: '', sort: 'name', order: 'asc', page: 1 };

/** The order a sort takes when first chosen: names A to Z, dates newest first. */
export const firstOrder: Record<PartySortKey, SortOrder> = { name: 'asc', createdAt: 'desc', updatedAt: 'desc' };

const sortKeys: readonly string[] = ['name', 'createdAt', 'updatedAt'] satisfies PartySortKey[];
const statuses: readonly string[] = ['potential', 'customer', 'lapsed'] satisfies PartyStatus[];

/** Reads `?q=&status=&owner=&segment=&tag=&trash=&sort=&order=&page=`; anything unknown falls back to the default. */
export function parsePartyQuery(params: URLSearchParams): PartyQuery {
	const sort = params.get('sort') ?? '';
	const order = params.get('order');
	const status = params.get('status') ?? '';
	const page = Number(params.get('page'));
	const key = sortKeys.includes(sort) ? (sort as PartySortKey) : defaultPartyQuery.sort;
	return {
		q: params.get('q')?.trim() ?? '',
		status: statuses.includes(status) ? (status as PartyStatus) : '',
		owner: params.get('owner') ?? '',
		segment: params.get('segment')?.trim() ?? '',
		tag: params.get('tag')?.trim() ?? '',
		trash: params.get('trash') === 'true',
		field: params.get('field') ?? '',
		sort: key,
		order: order === 'asc' || order === 'desc' ? order : firstOrder[key],
		page: Number.isInteger(page) && page > 1 ? page : 1
	};
}

/** A copy of `url` showing `query`; defaults are left out so plain links stay plain. */
export function partyQueryUrl(url: URL, query: PartyQuery): URL {
	const next = new URL(url);
	for (const name of Object.keys(defaultPartyQuery)) next.searchParams.delete(name);
	const set = (name: string, value: string, fallback: string) => {
		if (value !== fallback) next.searchParams.set(name, value);
	};
	set('q', query.q, '');
	set('status', query.status, '');
	set('owner', query.owner, '');
	set('segment', query.segment, '');
	set('tag', query.tag, '');
	set('trash', query.trash ? 'true' : '', '');
	set('field', query.field, '');
	set('sort', query.sort, defaultPartyQuery.sort);
	set('order', query.order, firstOrder[query.sort]);
	set('page', String(query.page), '1');
	return next;
}

/** Whether the list is narrowed by anything the user typed or chose (the trash is a place, not a filter). */
export function isFiltered(query: PartyQuery): boolean {
	return query.q !== '' || query.status !== '' || query.owner !== '' || query.segment !== '' || query.tag !== '' || query.field !== '';
}

/** The server's query for one page of the list. */
export function serverPartyQuery(query: PartyQuery): ListQuery {
	const params: ListQuery = {
		sort: query.sort,
		order: query.order,
		limit: String(partyPageSize),
		offset: String((query.page - 1) * partyPageSize)
	};
	if (query.q) params.q = query.q;
	if (query.status) params.status = query.status;
	if (query.owner) params.owner = query.owner;
	if (query.segment) params.segment = query.segment;
	if (query.tag) params.tag = query.tag;
	if (query.trash) params.trash = 'true';
	if (query.field) params.field = query.field;
	return params;
}
