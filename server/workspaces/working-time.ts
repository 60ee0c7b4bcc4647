import type { WorkingHours } from '../db/schema.js';

/**
 * Time as a team lives it: wall clocks in the workspace's time zone and its
 * working hours. Automation's due times ("in 2 working hours", "next working
 * day") are computed here, so a lead that arrives on Friday night is called
 * back on Monday morning, not at 3 a.m.
 */
export interface TeamCalendar {
	timeZone: string;
	workingHours: WorkingHours;
}

export const defaultWorkingHours: WorkingHours = { days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' };

export type OffsetUnit = 'minutes' | 'hours' | 'days' | 'working_hours' | 'working_days';

export interface WallTime {
	year: number;
	month: number;
	day: number;
	hour: number;
	minute: number;
	second: number;
}

const minuteMs = 60_000;
const dayMs = 24 * 60 * minuteMs;

/** Whether the runtime knows the zone (an IANA name such as Europe/Moscow). */
export function isTimeZone(name: string): boolean {
	try {
		new Intl.DateTimeFormat('en-US', { timeZone: name });
		return true;
	} catch {
		return false;
	}
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall clock of `instant` in `timeZone`. */
export function wallTime(instant: Date | number, timeZone: string): WallTime {
	let format = formatters.get(timeZone);
	if (!format) {
		format = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric'
		});
		formatters.set(timeZone, format);
	}
	const parts = format.formatToParts(new Date(instant));
	const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((part) => part.type === type)?.value);
	return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

function offsetAt(instant: number, timeZone: string): number {
	const wall = wallTime(instant, timeZone);
	return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second) - Math.floor(instant / 1000) * 1000;
}

/** The instant a wall clock in `timeZone` shows the given time (a time skipped by a clock change lands just after it). */
export function instantOf(wall: Omit<WallTime, 'second'> & { second?: number }, timeZone: string): Date {
	const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second ?? 0);
	// The zone's offset at the guess, then at the result: they differ only across a clock change.
	let instant = asUtc - offsetAt(asUtc, timeZone);
	instant = asUtc - offsetAt(instant, timeZone);
	return new Date(instant);
}

/** The calendar date of `instant` in `timeZone`, as YYYY-MM-DD. */
export function localDate(instant: Date, timeZone: string): string {
	const wall = wallTime(instant, timeZone);
	return `${wall.year}-${String(wall.month).padStart(2, '0')}-${String(wall.day).padStart(2, '0')}`;
}

/** ISO weekday (1 = Monday ... 7 = Sunday) of a calendar date. */
function weekday(year: number, month: number, day: number): number {
	return ((new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7) + 1;
}

function minutesOf(time: string): number {
	const [hours = 0, minutes = 0] = time.split(':').map(Number);
	return hours * 60 + minutes;
}

/** A date `days` after the given one (calendar arithmetic, no zone involved). */
function addDays(date: { year: number; month: number; day: number }, days: number) {
	const next = new Date(Date.UTC(date.year, date.month - 1, date.day) + days * dayMs);
	return { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
}

function isWorkingDay(date: { year: number; month: number; day: number }, hours: WorkingHours): boolean {
	return hours.days.includes(weekday(date.year, date.month, date.day));
}

/** The working interval of a date, as instants, or null on a day off. */
function workingInterval(date: { year: number; month: number; day: number }, calendar: TeamCalendar): { start: Date; end: Date } | null {
	if (!isWorkingDay(date, calendar.workingHours)) return null;
	const start = minutesOf(calendar.workingHours.start);
	const end = minutesOf(calendar.workingHours.end);
	return {
		start: instantOf({ ...date, hour: Math.floor(start / 60), minute: start % 60 }, calendar.timeZone),
		end: instantOf({ ...date, hour: Math.floor(end / 60), minute: end % 60 }, calendar.timeZone)
	};
}

/** A team with no working day would make every search below endless: such hours mean "always". */
function hasWorkingTime(hours: WorkingHours): boolean {
	return hours.days.length > 0 && minutesOf(hours.end) > minutesOf(hours.start);
}

/** Whether the team works at `at`. */
export function isWorkingTime(at: Date, calendar: TeamCalendar): boolean {
	if (!hasWorkingTime(calendar.workingHours)) return true;
	const interval = workingInterval(wallTime(at, calendar.timeZone), calendar);
	return interval !== null && at >= interval.start && at < interval.end;
}

/** `at` itself when the team works then, else the start of the next working interval. */
export function nextWorkingTime(at: Date, calendar: TeamCalendar): Date {
	if (!hasWorkingTime(calendar.workingHours)) return at;
	let date = wallTime(at, calendar.timeZone);
	for (let days = 0; days < 8; days += 1) {
		const interval = workingInterval(date, calendar);
		if (interval && at < interval.end) return at > interval.start ? at : interval.start;
		date = { ...date, ...addDays(date, 1) };
	}
	return at;
}

/**
 * `amount` units after `from`. Plain minutes, hours and days ignore working
 * hours (days keep the wall time across a clock change); working hours count
 * only time inside them; working days land on the Nth next working day at
 * the same wall time, moved into its working hours.
 */
export function addWorkingTime(from: Date, amount: number, unit: OffsetUnit, calendar: TeamCalendar): Date {
	switch (unit) {
		case 'minutes':
			return new Date(from.getTime() + amount * minuteMs);
		case 'hours':
			return new Date(from.getTime() + amount * 60 * minuteMs);
		case 'days': {
			const wall = wallTime(from, calendar.timeZone);
			return instantOf({ ...wall, ...addDays(wall, amount) }, calendar.timeZone);
		}
		case 'working_hours':
			return addWorkingMinutes(from, amount * 60, calendar);
		case 'working_days':
			return addWorkingDays(from, amount, calendar);
	}
}

function addWorkingMinutes(from: Date, minutes: number, calendar: TeamCalendar): Date {
	if (!hasWorkingTime(calendar.workingHours)) return new Date(from.getTime() + minutes * minuteMs);
	let left = minutes * minuteMs;
	let at = nextWorkingTime(from, calendar);
	for (;;) {
		const interval = workingInterval(wallTime(at, calendar.timeZone), calendar)!;
		const room = interval.end.getTime() - at.getTime();
		if (left <= room) return new Date(at.getTime() + left);
		left -= room;
		at = nextWorkingTime(interval.end, calendar);
	}
}

function addWorkingDays(from: Date, days: number, calendar: TeamCalendar): Date {
	const hours = calendar.workingHours;
	if (!hasWorkingTime(hours)) return addWorkingTime(from, days, 'days', calendar);
	const wall = wallTime(from, calendar.timeZone);
	let date = { year: wall.year, month: wall.month, day: wall.day };
	for (let counted = 0; counted < days; ) {
		date = addDays(date, 1);
		if (isWorkingDay(date, hours)) counted += 1;
	}
	while (!isWorkingDay(date, hours)) date = addDays(date, 1);
	const start = minutesOf(hours.start);
	const end = minutesOf(hours.end);
	const minute = Math.min(Math.max(wall.hour * 60 + wall.minute, start), end);
	return instantOf({ ...date, hour: Math.floor(minute / 60), minute: minute % 60 }, calendar.timeZone);
}
