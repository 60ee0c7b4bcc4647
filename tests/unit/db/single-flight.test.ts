import { describe, expect, it } from 'vitest';
import type { Database } from '../../../server/db/client.js';
import { singleFlight } from '../../../server/db/single-flight.js';

describe('single-flight reads', () => {
	it('shares one query among identical calls in flight, and asks again once it answered', async () => {
		let queries = 0;
		let answer = 'first';
		const read = singleFlight(async (_db: Database, key: string) => {
			queries += 1;
			await new Promise((resolve) => setTimeout(resolve, 10));
			return `${key}:${answer}`;
		}, (key) => key);
		const db = {} as Database;
		const other = {} as Database;
		const together = await Promise.all([read(db, 'a'), read(db, 'a'), read(db, 'a'), read(db, 'b'), read(other, 'a')]);
		expect(together).toEqual(['a:first', 'a:first', 'a:first', 'b:first', 'a:first']);
		expect(queries).toBe(3);
		answer = 'second';
		expect(await read(db, 'a')).toBe('a:second');
		expect(queries).toBe(4);
	});

	it('gives every waiting call the failure, and the next call a fresh try', async () => {
		let fail = true;
		const read = singleFlight(async (_db: Database, key: string) => {
			if (fail) throw new Error('gone');
			return key;
		}, (key) => key);
		const db = {} as Database;
		const results = await Promise.allSettled([read(db, 'x'), read(db, 'x')]);
		expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
		fail = false;
		expect(await read(db, 'x')).toBe('x');
	});
});
