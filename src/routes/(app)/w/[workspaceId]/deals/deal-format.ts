import { getLocale, m } from '$lib/i18n';

const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(currency: string, fractionDigits?: number): Intl.NumberFormat {
	const key = `${currency}:${fractionDigits ?? ''}`;
	let format = moneyFormats.get(key);
	if (!format) {
		format = new Intl.NumberFormat(getLocale(), {
			style: 'currency',
			currency,
			minimumFractionDigits: fractionDigits,
			maximumFractionDigits: fractionDigits
		});
		moneyFormats.set(key, format);
	}
	return format;
}

/** How many minor units a currency's major unit has (EUR 2, JPY 0). */
export function minorDigits(currency: string): number {
	return moneyFormat(currency).resolvedOptions().maximumFractionDigits ?? 2;
}

/** "€12,500" for whole amounts, "€12,500.50" otherwise; money is in minor units. */
export function formatMoney(valueMinor: number, currency: string): string {
	const digits = minorDigits(currency);
	const major = valueMinor / 10 ** digits;
	const whole = valueMinor % 10 ** digits === 0;
	return moneyFormat(currency, whole ? 0 : digits).format(major);
}

/** Parses what a person types as an amount ("12 500", "12,500.5", "99,90") into minor units. */
export function parseMoney(text: string, currency: string): number | null {
	let cleaned = text.replace(/[\s\u00a0']/g, '');
	if (cleaned.includes(',') && cleaned.includes('.')) cleaned = cleaned.replaceAll(',', '');
	else if (/,\d{1,2}$/.test(cleaned)) cleaned = cleaned.replace(',', '.');
	else cleaned = cleaned.replaceAll(',', '');
	if (!/^\d+(\.\d+)?$/.test(cleaned)) return null;
	return Math.round(Number(cleaned) * 10 ** minorDigits(currency));
}

const hour = 3600_000;
const day = 24 * hour;

/** Compact time since an instant: "35 min", "5 h", "12 d". */
export function formatAge(iso: string, now: number): string {
	const elapsed = Math.max(0, now - new Date(iso).getTime());
	if (elapsed < hour) return m.deal_age_minutes({ count: Math.max(1, Math.floor(elapsed / 60_000)) });
	if (elapsed < day) return m.deal_age_hours({ count: Math.floor(elapsed / hour) });
	return m.deal_age_days({ count: Math.floor(elapsed / day) });
}

export function daysSince(iso: string, now: number): number {
	return (now - new Date(iso).getTime()) / day;
}

const timeFormat = new Intl.DateTimeFormat(getLocale(), { hour: '2-digit', minute: '2-digit' });
const dayMonthFormat = new Intl.DateTimeFormat(getLocale(), { day: 'numeric', month: 'short' });
const fullDateFormat = new Intl.DateTimeFormat(getLocale(), { day: 'numeric', month: 'short', year: 'numeric' });

function startOfDay(time: number): number {
	const date = new Date(time);
	date.setHours(0, 0, 0, 0);
	return date.getTime();
}

/** When a task is due, as people say it: "Today 14:00", "Tomorrow 09:30", "12 Mar", "3 Jan 2024". */
export function formatDue(iso: string, now: number): string {
	const due = new Date(iso);
	const days = Math.round((startOfDay(due.getTime()) - startOfDay(now)) / day);
	if (days === 0) return m.deal_due_today({ time: timeFormat.format(due) });
	if (days === 1) return m.deal_due_tomorrow({ time: timeFormat.format(due) });
	if (days === -1) return m.deal_due_yesterday({ time: timeFormat.format(due) });
	if (due.getFullYear() === new Date(now).getFullYear()) return dayMonthFormat.format(due);
	return fullDateFormat.format(due);
}

export function isOverdue(iso: string, now: number): boolean {
	return new Date(iso).getTime() < now;
}

/** The value of a datetime-local input for a local time (no seconds, no zone). */
export function toLocalInput(date: Date): string {
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
