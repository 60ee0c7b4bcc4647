import { describe, expect, it } from 'vitest';
import { datesSince, dueOn, periodsUpTo } from '../../server/processes/periods.js';
import { medianGap } from '../../server/processes/at-risk.js';

const moscow = { timeZone: 'Europe/Moscow', workingHours: { days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' } };

describe('process periods', () => {
	it('finds the latest period whose day has come, monthly and quarterly', () => {
		expect(periodsUpTo('2026-12-01', 'monthly', 1)(2)).toEqual([
			{ key: '2026-12', date: '2026-12-01' },
			{ key: '2026-11', date: '2026-11-01' }
		]);
		// Before the 15th: November's period is still the latest.
		expect(periodsUpTo('2026-12-10', 'monthly', 15)(1)).toEqual([{ key: '2026-11', date: '2026-11-15' }]);
		expect(periodsUpTo('2027-02-20', 'quarterly', 5)(2)).toEqual([
			{ key: '2027-Q1', date: '2027-01-05' },
			{ key: '2026-Q4', date: '2026-10-05' }
		]);
		expect(periodsUpTo('2027-01-03', 'quarterly', 5)(1)).toEqual([{ key: '2026-Q4', date: '2026-10-05' }]);
	});

	it('lists the days missed since the last one done, at most a few, oldest first', () => {
		expect(datesSince(null, '2026-03-01', 3)).toEqual(['2026-03-01']);
		expect(datesSince('2026-02-27', '2026-03-01', 3)).toEqual(['2026-02-28', '2026-03-01']);
		expect(datesSince('2026-01-01', '2026-03-01', 3)).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
		expect(datesSince('2026-03-01', '2026-03-01', 3)).toEqual([]);
	});

	it('makes a date’s step due at the start of its first working hours, or at the next working moment when that has passed', () => {
		// Saturday 5 December 2026: Monday 09:00 in Moscow.
		expect(dueOn('2026-12-05', new Date('2026-12-04T21:05:00Z'), moscow).toISOString()).toBe('2026-12-07T06:00:00.000Z');
		// Caught up on Monday at 10:30: due now.
		expect(dueOn('2026-12-05', new Date('2026-12-07T07:30:00Z'), moscow).toISOString()).toBe('2026-12-07T07:30:00.000Z');
		// Caught up on Monday evening: Tuesday 09:00.
		expect(dueOn('2026-12-05', new Date('2026-12-07T16:00:00Z'), moscow).toISOString()).toBe('2026-12-08T06:00:00.000Z');
	});

	it('takes the median gap between orders', () => {
		const day = 86_400_000;
		const at = (days: number) => new Date(Date.UTC(2026, 0, 1) + days * day);
		expect(medianGap([at(0), at(30), at(61), at(200)])).toBe(31 * day);
		expect(medianGap([at(60), at(0), at(30), at(100)])).toBe(30 * day);
	});
});
