import { generateKeyBetween } from 'fractional-indexing';

/**
 * Fractional ranks order cards within a column: a move writes one rank and
 * never renumbers neighbours. Two writers may pick the same rank for
 * different cards; ordering then falls back to the id, so the order is still
 * the same on every client.
 */
export function rankBetween(before: string | null | undefined, after: string | null | undefined): string {
	if (before && after && before >= after) return generateKeyBetween(before, null);
	return generateKeyBetween(before ?? null, after ?? null);
}

export function compareByRank(a: { rank: string; id: string }, b: { rank: string; id: string }): number {
	if (a.rank !== b.rank) return a.rank < b.rank ? -1 : 1;
	return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** `count` ranks in ascending order, for seeding a column. */
export function spreadRanks(count: number): string[] {
	const ranks: string[] = [];
	let previous: string | null = null;
	for (let i = 0; i < count; i++) {
		previous = generateKeyBetween(previous, null);
		ranks.push(previous);
	}
	return ranks;
}
