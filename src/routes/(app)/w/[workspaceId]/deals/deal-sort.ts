import type { InferRequestType } from 'hono/client';
import type { api } from '$lib/api/client';
import { defaultFilters, type DealFilters, type DealStatus } from './deal-types';

type DealsGet = (typeof api.api.pipelines)[':pipelineId']['deals']['$get'];
type ServerQuery = Omit<NonNullable<InferRequestType<DealsGet>['query']>, 'field'> & { field?: string };

/** The orders the server sorts the whole list in (`GET /api/pipelines/:id/deals?sort=`). */
export const sortKeys = ['board', 'created', 'updated', 'title', 'value', 'stageEntered'] as const satisfies readonly NonNullable<
	ServerQuery['sort']
>[];
export type SortKey = (typeof sortKeys)[number];
export type SortOrder = 'asc' | 'desc';

export interface DealSort {
	key: SortKey;
	order: SortOrder;
}

/** Newest first, as the list always opened. */
export const defaultSort: DealSort = { key: 'created', order: 'desc' };

/** The order a sort takes when first chosen: biggest, longest in stage and newest first where that is what people look for. */
export const firstOrder: Record<SortKey, SortOrder> = {
	board: 'asc',
	created: 'desc',
	updated: 'desc',
	title: 'asc',
	value: 'desc',
	// Entered earliest = longest in the stage.
	stageEntered: 'asc'
};

/** Deals per page of the list. */
export const pageSize = 100;

/** Everything that decides which deals the list shows; it lives in the URL query so a reload or a link shows the same list. */
export interface DealQuery {
	filters: DealFilters;
	sort: DealSort;
	/** 1-based. */
	page: number;
}

const statuses: readonly string[] = ['open', 'won', 'lost'] satisfies DealStatus[];

function isSortKey(value: string | null): value is SortKey {
	return (sortKeys as readonly (string | null)[]).includes(value);
}

/** Reads `?sort=&order=&q=&stage=&owner=&status=&page=`; anything unknown falls back to the default. */
export function parseDealQuery(params: URLSearchParams): DealQuery {
	const key = params.get('sort');
	const order = params.get('order');
	const status = params.get('status');
	const page = Number(params.get('page'));
	const sort: DealSort = isSortKey(key)
		? { key, order: order === 'asc' || order === 'desc' ? order : firstOrder[key] }
		: { ...defaultSort };
	return {
		filters: {
			q: params.get('q')?.trim() ?? defaultFilters.q,
			stage: params.get('stage') ?? defaultFilters.stage,
			owner: params.get('owner') ?? defaultFilters.owner,
			// "All" is written as status=all; no status at all is the default, open deals.
			status: status === 'all' ? '' : status && statuses.includes(status) ? (status as DealStatus) : defaultFilters.status,
			field: params.get('field') ?? defaultFilters.field
		},
		sort,
		page: Number.isInteger(page) && page > 1 ? page : 1
	};
}

/** A copy of `url` showing `query`; defaults are left out so plain links stay plain. Other parameters (the pipeline) are kept. */
export function dealQueryUrl(url: URL, query: DealQuery): URL {
	const next = new URL(url);
	const set = (name: string, value: string, fallback: string) => {
		if (value === fallback) next.searchParams.delete(name);
		else next.searchParams.set(name, value);
	};
	const { filters, sort, page } = query;
	set('sort', sort.key, defaultSort.key);
	set('order', sort.key === defaultSort.key && sort.order === defaultSort.order ? '' : sort.order, '');
	set('q', filters.q, '');
	set('stage', filters.stage, '');
	set('owner', filters.owner, '');
	set('field', filters.field, '');
	set('status', filters.status === '' ? 'all' : filters.status, defaultFilters.status);
	set('page', String(page), '1');
	return next;
}

/** The server's query for one page of the list. */
export function serverQuery(query: DealQuery): ServerQuery {
	const { filters, sort, page } = query;
	const params: ServerQuery = {
		sort: sort.key,
		order: sort.order,
		limit: String(pageSize),
		offset: String((page - 1) * pageSize)
	};
	if (filters.status) params.status = filters.status;
	if (filters.stage) params.stage = filters.stage;
	if (filters.owner) params.owner = filters.owner;
	if (filters.q) params.q = filters.q;
	if (filters.field) params.field = filters.field;
	return params;
}
