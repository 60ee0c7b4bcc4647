import { rankBetween, type Stage } from '$lib/model';

/**
 * The rank that puts an open stage at `index` among the other open stages
 * (0: first). Won and lost stay after every open stage: placed last, the
 * stage ranks before the first closed stage that follows its new neighbour.
 */
export function stageRankAt(stages: Stage[], stageId: string, index: number): string {
	const others = stages.filter((s) => s.kind === 'open' && s.id !== stageId);
	const target = Math.max(0, Math.min(others.length, index));
	const before = others[target - 1]?.rank ?? null;
	const after = others[target]?.rank ?? stages.find((s) => s.kind !== 'open' && (!before || s.rank > before))?.rank ?? null;
	return rankBetween(before, after);
}

/** Where an open stage sits among the open stages, or -1. */
export function openPosition(stages: Stage[], stageId: string): number {
	return stages.filter((s) => s.kind === 'open').findIndex((s) => s.id === stageId);
}
