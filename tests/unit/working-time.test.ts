import { describe, expect, it } from 'vitest';
import { addWorkingTime, isTimeZone, isWorkingTime, localDate, nextWorkingTime, type TeamCalendar } from '../../server/workspaces/working-time.js';
import { nextWorkingDayAt10 } from '../../server/imports/first-task.js';

const moscow: TeamCalendar = { timeZone: 'Europe/Moscow', workingHours: { days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' } };
const budapest: TeamCalendar = { timeZone: 'Europe/Budapest', workingHours: { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' } };

describe('working time', () => {
	it('knows time zones by IANA name', () => {
		expect(isTimeZone('Europe/Moscow')).toBe(true);
		expect(isTimeZone('Mars/Olympus')).toBe(false);
	});

	it('reads working hours in the team zone', () => {
		// Monday 2026-12-07 08:30 UTC is 11:30 in Moscow (UTC+3).
		expect(isWorkingTime(new Date('2026-12-07T08:30:00Z'), moscow)).toBe(true);
		// 16:00 UTC is 19:00 in Moscow: after hours.
		expect(isWorkingTime(new Date('2026-12-07T16:00:00Z'), moscow)).toBe(false);
		// Saturday.
		expect(isWorkingTime(new Date('2026-12-05T08:30:00Z'), moscow)).toBe(false);
	});

	it('moves a Friday-night time to Monday morning', () => {
		expect(nextWorkingTime(new Date('2026-12-04T20:00:00Z'), moscow).toISOString()).toBe('2026-12-07T06:00:00.000Z');
	});

	it('counts working hours only inside working hours', () => {
		// Friday 17:00 Moscow plus 2 working hours: 1 hour on Friday, 1 on Monday -> Monday 10:00 Moscow.
		expect(addWorkingTime(new Date('2026-12-04T14:00:00Z'), 2, 'working_hours', moscow).toISOString()).toBe('2026-12-07T07:00:00.000Z');
		// Plain hours ignore them.
		expect(addWorkingTime(new Date('2026-12-04T14:00:00Z'), 2, 'hours', moscow).toISOString()).toBe('2026-12-04T16:00:00.000Z');
	});

	it('lands working days on working days, inside working hours', () => {
		// Thursday 12:00 Moscow + 2 working days = Monday 12:00.
		expect(addWorkingTime(new Date('2026-12-03T09:00:00Z'), 2, 'working_days', moscow).toISOString()).toBe('2026-12-07T09:00:00.000Z');
		// Thursday 20:00 Moscow + 1 working day = Friday, moved back to 18:00.
		expect(addWorkingTime(new Date('2026-12-03T17:00:00Z'), 1, 'working_days', moscow).toISOString()).toBe('2026-12-04T15:00:00.000Z');
	});

	it('keeps the wall time across a clock change when adding days', () => {
		// Budapest goes from UTC+2 to UTC+1 on 2026-10-25: 10:00 stays 10:00.
		const before = new Date('2026-10-24T08:00:00Z');
		expect(addWorkingTime(before, 1, 'days', budapest).toISOString()).toBe('2026-10-25T09:00:00.000Z');
		expect(localDate(new Date('2026-10-25T22:30:00Z'), 'Europe/Budapest')).toBe('2026-10-25');
		expect(localDate(new Date('2026-10-25T23:30:00Z'), 'Europe/Budapest')).toBe('2026-10-26');
	});

	it('treats hours with no working day as always working', () => {
		const never: TeamCalendar = { timeZone: 'UTC', workingHours: { days: [], start: '09:00', end: '18:00' } };
		expect(addWorkingTime(new Date('2026-12-05T00:00:00Z'), 3, 'working_hours', never).toISOString()).toBe('2026-12-05T03:00:00.000Z');
	});

	it('still calls imported deals back at 10:00 the next working day', () => {
		expect(nextWorkingDayAt10(new Date('2026-12-04T20:00:00Z'), 'Europe/Moscow')).toBe('2026-12-07T07:00:00.000Z');
	});
});
