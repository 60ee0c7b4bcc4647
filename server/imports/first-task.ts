/**
 * When an imported deal's first task ("Call back") is due: the next working
 * day (Monday to Friday) at 10:00 on the server's clock. Workspaces have no
 * time zone of their own yet; the server's is the team's in a self-hosted
 * install, and a deal imported on Friday evening is called back on Monday.
 */

const callBackHour = 10;

/** The zone the server's clock shows (TZ, else the system's). */
export function serverTimeZone(): string {
	return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** 10:00 of the working day after `now`'s day in `timeZone`, as an ISO instant. */
export function nextWorkingDayAt10(now: Date, timeZone = serverTimeZone()): string {
	const today = wallDate(now, timeZone);
	const day = new Date(Date.UTC(today.year, today.month - 1, today.day));
	do day.setUTCDate(day.getUTCDate() + 1);
	while (day.getUTCDay() === 0 || day.getUTCDay() === 6);
	const wall = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), callBackHour);
	// The zone's offset at the guess, then at the result: they differ only across a clock change.
	let instant = wall - offsetAt(wall, timeZone);
	instant = wall - offsetAt(instant, timeZone);
	return new Date(instant).toISOString();
}

function wallParts(instant: number, timeZone: string) {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: 'numeric',
		day: 'numeric',
		hour: 'numeric',
		minute: 'numeric',
		second: 'numeric'
	}).formatToParts(new Date(instant));
	const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((part) => part.type === type)?.value);
	return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

function wallDate(now: Date, timeZone: string) {
	return wallParts(now.getTime(), timeZone);
}

function offsetAt(instant: number, timeZone: string): number {
	const p = wallParts(instant, timeZone);
	return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(instant / 1000) * 1000;
}
