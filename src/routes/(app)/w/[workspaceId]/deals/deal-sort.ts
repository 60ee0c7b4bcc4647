import type { DealRow } from './deal-types';

export type SortKey = 'title' | 'stage' | 'value' | 'owner' | 'nextTask' | 'stageAge' | 'created';
export type SortDirection = 'ascending' | 'descending';

export interface DealSort {
	key: SortKey;
	direction: SortDirection;
}

export interface SortContext {
	stageOrder: Map<string, number>;
	ownerName: (ownerId: string) => string;
}

/** The direction a column sorts in when first clicked: biggest, oldest and newest first where that is what people look for. */
export const firstDirection: Record<SortKey, SortDirection> = {
	title: 'ascending',
	stage: 'ascending',
	value: 'descending',
	owner: 'ascending',
	nextTask: 'ascending',
	stageAge: 'descending',
	created: 'descending'
};

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

function time(iso: string): number {
	return new Date(iso).getTime();
}

function dueTime(deal: DealRow): number {
	return deal.nextTask ? time(deal.nextTask.dueAt) : -Infinity;
}

function compare(a: DealRow, b: DealRow, key: SortKey, context: SortContext): number {
	switch (key) {
		case 'title':
			return collator.compare(a.title, b.title);
		case 'stage':
			return (context.stageOrder.get(a.stageId) ?? 0) - (context.stageOrder.get(b.stageId) ?? 0);
		case 'value':
			return a.valueMinor - b.valueMinor;
		case 'owner':
			return collator.compare(context.ownerName(a.ownerId), context.ownerName(b.ownerId));
		case 'nextTask':
			// No task at all is more urgent than any due date: nobody is working the deal.
			return dueTime(a) - dueTime(b);
		case 'stageAge':
			// Longer in the stage = entered earlier.
			return time(b.stageEnteredAt) - time(a.stageEnteredAt);
		case 'created':
			return time(a.createdAt) - time(b.createdAt);
	}
}

/** A sorted copy; ties (and NaN from two missing tasks) fall back to the title. */
export function sortDeals(deals: readonly DealRow[], sort: DealSort, context: SortContext): DealRow[] {
	const sign = sort.direction === 'ascending' ? 1 : -1;
	return [...deals].sort((a, b) => sign * compare(a, b, sort.key, context) || collator.compare(a.title, b.title));
}
