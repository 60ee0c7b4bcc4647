import { instantOf, localDate, nextWorkingTime, type TeamCalendar } from '../workspaces/working-time.js';

/**
 * Calendar periods of the processes, read in the workspace's time zone.
 * Dates are 'YYYY-MM-DD' strings; periods are 'YYYY-MM' (monthly) and
 * 'YYYY-Qn' (quarterly), which sort as strings within one kind.
 */
export type Interval = 'monthly' | 'quarterly';

export interface Period {
	key: string;
	/** The date its step is due: the chosen day of the period's first month. */
	date: string;
}

function pad(value: number): string {
	return String(value).padStart(2, '0');
}

function periodOf(year: number, month: number, interval: Interval, day: number): Period {
	if (interval === 'monthly') return { key: `${year}-${pad(month)}`, date: `${year}-${pad(month)}-${pad(day)}` };
	const quarter = Math.floor((month - 1) / 3);
	return { key: `${year}-Q${quarter + 1}`, date: `${year}-${pad(quarter * 3 + 1)}-${pad(day)}` };
}

/** The latest period whose due date has come by `today`, and the ones before it, newest first. */
export function periodsUpTo(today: string, interval: Interval, day: number): (count: number) => Period[] {
	return (count) => {
		const [year, month] = today.split('-').map(Number) as [number, number];
		const periods: Period[] = [];
		let index = year * 12 + (month - 1);
		const step = interval === 'monthly' ? 1 : 3;
		if (interval === 'quarterly') index -= index % 3;
		while (periods.length < count) {
			const period = periodOf(Math.floor(index / 12), (index % 12) + 1, interval, day);
			if (period.date <= today) periods.push(period);
			index -= step;
		}
		return periods;
	};
}

/** The dates after `after` up to `today`, oldest first, at most `limit` of the latest. */
export function datesSince(after: string | null, today: string, limit: number): string[] {
	const dates: string[] = [];
	let cursor = new Date(`${today}T00:00:00Z`);
	while (dates.length < limit) {
		const date = cursor.toISOString().slice(0, 10);
		if (after !== null && date <= after) break;
		dates.unshift(date);
		cursor = new Date(cursor.getTime() - 86_400_000);
		if (after === null) break;
	}
	return dates;
}

/**
 * When a step of `date` is due: the start of the first working hours on or
 * after that date; when that has passed (the step catches up after
 * downtime), the team's next working moment from now.
 */
export function dueOn(date: string, now: Date, calendar: TeamCalendar): Date {
	const [year, month, day] = date.split('-').map(Number) as [number, number, number];
	const due = nextWorkingTime(instantOf({ year, month, day, hour: 0, minute: 0 }, calendar.timeZone), calendar);
	return due >= now ? due : nextWorkingTime(now, calendar);
}

export function todayIn(now: Date, calendar: TeamCalendar): string {
	return localDate(now, calendar.timeZone);
}
