import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../server/db/client.js';
import { docUpdates } from '../../server/db/schema.js';

/**
 * PGlite gets drizzle's text parsers once, on the instance, instead of with
 * every query (server/db/client.ts): what drizzle reads must not change,
 * inside a transaction or out, and a transaction must still commit and roll
 * back as its own.
 */
describe('values read from PGlite', () => {
	let database: DatabaseHandle;
	beforeAll(async () => {
		database = openDatabase({ kind: 'pglite', dataDir: null });
		await database.migrate();
	});
	afterAll(() => database.close());

	const read = (db: DatabaseHandle['db']) =>
		db.execute(sql`select
			timestamptz '2031-05-06 07:08:09.123+00' as at, date '2031-05-06' as day, interval '90 minutes' as span,
			array[timestamptz '2031-05-06 07:08:09+00'] as ats, array[1.5, 2]::numeric[] as amounts,
			array['b', 'a']::text[] as words, 12::bigint as big, '{"a": [1]}'::jsonb as doc, true as yes`) as unknown as Promise<{ rows: Array<Record<string, unknown>> }>;

	it('reads dates and times as drizzle expects them (text it parses), and every other type as before', async () => {
		const expected = {
			at: '2031-05-06 07:08:09.123+00',
			day: '2031-05-06',
			span: '01:30:00',
			ats: '{"2031-05-06 07:08:09+00"}',
			amounts: '{1.5,2}',
			words: ['b', 'a'],
			big: 12,
			doc: { a: [1] },
			yes: true
		};
		expect((await read(database.db)).rows[0]).toEqual(expected);
		expect(await database.db.transaction(async (tx) => (await read(tx)).rows[0])).toEqual(expected);
	});

	it('maps columns through drizzle, bytes included, and keeps a transaction’s commit and rollback', async () => {
		const bytes = new Uint8Array([0, 1, 254, 255]);
		const [row] = await database.db.insert(docUpdates).values({ docId: 'parsers-doc', bytes }).returning();
		expect(row!.createdAt).toBeInstanceOf(Date);
		expect(row!.bytes).toEqual(bytes);
		await expect(
			database.db.transaction(async (tx) => {
				await tx.insert(docUpdates).values({ docId: 'parsers-doc', bytes });
				throw new Error('changed my mind');
			})
		).rejects.toThrow('changed my mind');
		await database.db.transaction(async (tx) => {
			await tx.insert(docUpdates).values({ docId: 'parsers-doc', bytes });
		});
		const rows = await database.db.select().from(docUpdates).where(eq(docUpdates.docId, 'parsers-doc'));
		expect(rows).toHaveLength(2);
		expect(rows.every((stored) => stored.createdAt instanceof Date && stored.bytes.length === 4)).toBe(true);
	});
});
