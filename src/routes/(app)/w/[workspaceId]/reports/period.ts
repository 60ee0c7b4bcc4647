/**
 * Report periods: calendar days in UTC, as the server counts them (the
 * workspace keeps no time zone). Presets are worked out from today's UTC date.
 */
export const presets = ['this-month', 'last-month', 'this-quarter', 'last-90-days', 'this-year'] as const;
export type Preset = (typeof presets)[number];

export interface Period {
	from: string;
	to: string;
}

export const defaultPreset: Preset = 'last-90-days';

const isoDay = (date: Date) => date.toISOString().slice(0, 10);
const utc = (year: number, month: number, day: number) => new Date(Date.UTC(year, month, day));

export function presetPeriod(preset: Preset, today = new Date()): Period {
	const year = today.getUTCFullYear();
	const month = today.getUTCMonth();
	switch (preset) {
		case 'this-month':
			return { from: isoDay(utc(year, month, 1)), to: isoDay(utc(year, month + 1, 0)) };
		case 'last-month':
			return { from: isoDay(utc(year, month - 1, 1)), to: isoDay(utc(year, month, 0)) };
		case 'this-quarter': {
			const first = month - (month % 3);
			return { from: isoDay(utc(year, first, 1)), to: isoDay(utc(year, first + 3, 0)) };
		}
		case 'last-90-days':
			return { from: isoDay(utc(year, month, today.getUTCDate() - 89)), to: isoDay(today) };
		case 'this-year':
			return { from: isoDay(utc(year, 0, 1)), to: isoDay(utc(year, 11, 31)) };
	}
}

/** The preset a period is, if it is one today; null for a custom period. */
export function presetOf(period: Period, today = new Date()): Preset | null {
	return presets.find((preset) => {
		const candidate = presetPeriod(preset, today);
		return candidate.from === period.from && candidate.to === period.to;
	}) ?? null;
}

const dayPattern = /^\d{4}-\d{2}-\d{2}$/;

/** The period the URL asks for (?from=&to=), or the default preset's. */
export function periodFromUrl(params: URLSearchParams, today = new Date()): Period {
	const from = params.get('from');
	const to = params.get('to');
	if (from && to && dayPattern.test(from) && dayPattern.test(to) && from <= to) return { from, to };
	return presetPeriod(defaultPreset, today);
}
