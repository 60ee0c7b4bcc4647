import { getLocale, m } from '$lib/i18n';

const dayMs = 24 * 3600 * 1000;
const time = new Intl.DateTimeFormat(getLocale(), { hour: '2-digit', minute: '2-digit' });
const weekday = new Intl.DateTimeFormat(getLocale(), { weekday: 'short' });
const date = new Intl.DateTimeFormat(getLocale(), { day: 'numeric', month: 'short' });

function startOfDay(ms: number): number {
	const day = new Date(ms);
	day.setHours(0, 0, 0, 0);
	return day.getTime();
}

/** A task's due time as a rep reads it: "Today 10:00", "Tomorrow", "Thu 14:00", "3 Mar". */
export function formatDue(iso: string, now: number): string {
	const due = Date.parse(iso);
	const days = Math.round((startOfDay(due) - startOfDay(now)) / dayMs);
	if (days === 0) return m.board_due_today({ time: time.format(due) });
	if (days === 1) return m.board_due_tomorrow({ time: time.format(due) });
	if (days === -1) return m.board_due_yesterday({ time: time.format(due) });
	if (days > 1 && days < 7) return `${weekday.format(due)} ${time.format(due)}`;
	return date.format(due);
}

export function isOverdue(iso: string, now: number): boolean {
	return Date.parse(iso) < now;
}

/** Whole days a deal has been idle, when that is longer than its stage allows; else null. */
export function rottingDays(updatedAt: string, rotDays: number | undefined, now: number): number | null {
	if (!rotDays) return null;
	const idle = (now - Date.parse(updatedAt)) / dayMs;
	return idle > rotDays ? Math.floor(idle) : null;
}

/** The default due time of a first task: tomorrow at 10:00 local time, as a datetime-local value. */
export function tomorrowAtTen(now = new Date()): string {
	const due = new Date(now);
	due.setDate(due.getDate() + 1);
	due.setHours(10, 0, 0, 0);
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${due.getFullYear()}-${pad(due.getMonth() + 1)}-${pad(due.getDate())}T10:00`;
}
