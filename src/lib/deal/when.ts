import { getLocale, m } from '$lib/i18n';

/** Dates of tasks as people pick and read them, in the browser's local time. */

const hour = 3600_000;
const day = 24 * hour;

const timeFormat = new Intl.DateTimeFormat(getLocale(), { hour: '2-digit', minute: '2-digit' });
const weekdayFormat = new Intl.DateTimeFormat(getLocale(), { weekday: 'short', day: 'numeric', month: 'short' });
const dayMonthFormat = new Intl.DateTimeFormat(getLocale(), { day: 'numeric', month: 'short' });
const fullDateFormat = new Intl.DateTimeFormat(getLocale(), { day: 'numeric', month: 'short', year: 'numeric' });
const stampFormat = new Intl.DateTimeFormat(getLocale(), { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

export function startOfDay(time: number): number {
	const date = new Date(time);
	date.setHours(0, 0, 0, 0);
	return date.getTime();
}

/** Whole local days from today to the instant: 0 today, 1 tomorrow, -1 yesterday. */
export function daysFromToday(iso: string, now: number): number {
	return Math.round((startOfDay(new Date(iso).getTime()) - startOfDay(now)) / day);
}

/** When a task is due: "Today 14:00", "Tomorrow 09:30", "Mon 12 Mar 10:00", "3 Jan 2024". */
export function formatDue(iso: string, now: number): string {
	const due = new Date(iso);
	const days = daysFromToday(iso, now);
	const time = timeFormat.format(due);
	if (days === 0) return m.deal_due_today({ time });
	if (days === 1) return m.deal_due_tomorrow({ time });
	if (days === -1) return m.deal_due_yesterday({ time });
	if (days > 1 && days < 7) return `${weekdayFormat.format(due)}, ${time}`;
	if (due.getFullYear() === new Date(now).getFullYear()) return `${dayMonthFormat.format(due)}, ${time}`;
	return fullDateFormat.format(due);
}

/** A past instant for a timeline: "12 Mar, 14:05". */
export function formatStamp(iso: string): string {
	return stampFormat.format(new Date(iso));
}

export function isOverdue(iso: string, now: number): boolean {
	return new Date(iso).getTime() < now;
}

export type DueGroup = 'overdue' | 'today' | 'upcoming';

/** Overdue once past due; otherwise today or later by the local calendar. */
export function dueGroup(iso: string, now: number): DueGroup {
	if (isOverdue(iso, now)) return 'overdue';
	return daysFromToday(iso, now) <= 0 ? 'today' : 'upcoming';
}

/** The value of a datetime-local input for a local time (no seconds, no zone). */
export function toLocalInput(date: Date): string {
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A datetime-local value as an ISO instant, or null when it is empty or invalid. */
export function fromLocalInput(value: string): string | null {
	if (!value) return null;
	const date = new Date(value);
	return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function at(daysAhead: number, hours: number, now: number): Date {
	const date = new Date(now);
	date.setDate(date.getDate() + daysAhead);
	date.setHours(hours, 0, 0, 0);
	return date;
}

export interface QuickPick {
	label: string;
	value: string;
}

/** The quick picks for a next step: tomorrow 10:00, in three days, next Monday (all at 10:00). */
export function quickPicks(now = Date.now()): QuickPick[] {
	const weekday = new Date(now).getDay();
	const toMonday = ((8 - weekday) % 7) || 7;
	return [
		{ label: m.deal_pick_tomorrow(), value: toLocalInput(at(1, 10, now)) },
		{ label: m.deal_pick_in_three_days(), value: toLocalInput(at(3, 10, now)) },
		{ label: m.deal_pick_next_monday(), value: toLocalInput(at(toMonday, 10, now)) }
	];
}

export function tomorrowMorning(now = Date.now()): string {
	return toLocalInput(at(1, 10, now));
}
