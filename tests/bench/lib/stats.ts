// Summaries of samples and of repeated runs, as the tables print them.

/** The p-th percentile (0–100) of the samples, nearest rank; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const rank = Math.ceil((p / 100) * sorted.length) - 1;
	return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

export function median(values: readonly number[]): number {
	return percentile(values, 50);
}

/** Median and range of one figure over several runs. */
export interface Spread {
	median: number;
	min: number;
	max: number;
	runs: number;
}

/** Summarises one figure over runs; runs that produced no figure (NaN) are left out. */
export function spreadOf(values: readonly number[]): Spread {
	const finite = values.filter((value) => Number.isFinite(value));
	if (finite.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, runs: 0 };
	const sorted = [...finite].sort((a, b) => a - b);
	const middle = sorted.length >> 1;
	const median = sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
	return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, runs: finite.length };
}

/** A number with a precision that suits its size: 0.42, 4.2, 42, 420, 4,200. */
export function formatNumber(value: number): string {
	if (!Number.isFinite(value)) return '–';
	const magnitude = Math.abs(value);
	const digits = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : 2;
	return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** "4.2 (3.9–5.1)": the median over runs and its range, in the unit given. */
export function formatSpread(spread: Spread, unit = ''): string {
	if (spread.runs === 0) return '–';
	const suffix = unit ? ` ${unit}` : '';
	if (spread.runs === 1 || spread.min === spread.max) return `${formatNumber(spread.median)}${suffix}`;
	return `${formatNumber(spread.median)}${suffix} (${formatNumber(spread.min)}–${formatNumber(spread.max)})`;
}

/** Shorthand: the spread of the values, formatted. */
export function formatRuns(values: readonly number[], unit = ''): string {
	return formatSpread(spreadOf(values), unit);
}

/** "× 3.4": how many times the reference's figure Voronka's is. */
export function formatRatio(voronka: number, reference: number): string {
	if (!Number.isFinite(voronka) || !Number.isFinite(reference) || reference <= 0) return '–';
	return `× ${formatNumber(voronka / reference)}`;
}

/** Close reasons summed over runs: "4429 too many updates waiting: 3"; "none" when no socket was closed. */
export function formatCloses(perRun: ReadonlyArray<Record<string, number>>): string {
	const total = new Map<string, number>();
	for (const reasons of perRun) for (const [why, count] of Object.entries(reasons)) total.set(why, (total.get(why) ?? 0) + count);
	if (total.size === 0) return 'none';
	return [...total].map(([why, count]) => `${why}: ${count}`).join('; ');
}
