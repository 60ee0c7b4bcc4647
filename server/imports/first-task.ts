/**
 * When an imported deal's first task ("Call back") is due: the next working
 * day (Monday to Friday) at 10:00 on the server's clock. A deal imported on
 * Friday evening is called back on Monday.
 */
import { instantOf, wallTime } from '../workspaces/working-time.js';

const callBackHour = 10;

/** The zone the server's clock shows (TZ, else the system's). */
export function serverTimeZone(): string {
	return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** 10:00 of the working day after `now`'s day in `timeZone`, as an ISO instant. */
export function nextWorkingDayAt10(now: Date, timeZone = serverTimeZone()): string {
	const today = wallTime(now, timeZone);
	const day = new Date(Date.UTC(today.year, today.month - 1, today.day));
	do day.setUTCDate(day.getUTCDate() + 1);
	while (day.getUTCDay() === 0 || day.getUTCDay() === 6);
	return instantOf({ year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate(), hour: callBackHour, minute: 0 }, timeZone).toISOString();
}
