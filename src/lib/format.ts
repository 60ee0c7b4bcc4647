import { getLocale, m } from '$lib/i18n';

const dateFormat = new Intl.DateTimeFormat(getLocale(), { day: 'numeric', month: 'short', year: 'numeric' });
const relativeFormat = new Intl.RelativeTimeFormat(getLocale(), { numeric: 'auto' });

const units: [Intl.RelativeTimeFormatUnit, number][] = [
	['year', 365 * 24 * 3600],
	['month', 30 * 24 * 3600],
	['week', 7 * 24 * 3600],
	['day', 24 * 3600],
	['hour', 3600],
	['minute', 60]
];

export function formatDate(iso: string): string {
	return dateFormat.format(new Date(iso));
}

const dayFormat = new Intl.DateTimeFormat(getLocale(), { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** A calendar day ("2030-05-31", no time zone) as the reader writes dates; a dash for none. */
export function formatDay(day: unknown): string {
	return typeof day === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(day) ? dayFormat.format(new Date(`${day}T00:00:00Z`)) : '—';
}

/** "3 days ago", "in 6 days", "just now". */
export function formatRelative(iso: string, now = Date.now()): string {
	const seconds = (new Date(iso).getTime() - now) / 1000;
	for (const [unit, size] of units) {
		if (Math.abs(seconds) >= size) return relativeFormat.format(Math.round(seconds / size), unit);
	}
	return m.common_just_now();
}

export function initialsOf(name: string): string {
	const letters = name
		.split(/\s+/)
		.filter(Boolean)
		.slice(0, 2)
		.map((part) => part.charAt(0).toUpperCase());
	return letters.join('') || '?';
}
