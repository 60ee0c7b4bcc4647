import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { Database } from '../../server/db/client.js';
import { describeEachDatabase } from '../support/databases.js';

// PL/pgSQL plans each statement of a trigger once per session and keeps the plan. Planned while a table was
// small, a statement that looks up a few rows by key could join them to a scan of the whole table, and kept doing
// so as the table grew: the stays trigger read the whole stage history on every projection, the names' words
// triggers every word of the workspace (migrations 0033 and 0034 keep those statements on their indexes). Each
// test runs in one transaction, so that on PostgreSQL it is one session too, the triggers planned in it first on a
// small table, then run on a grown one.
describeEachDatabase('triggers on grown tables', (database) => {
	const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;
	/** Rows this transaction has read from the table by sequential scans. */
	const seqRead = async (tx: Database, table = 'stage_events') =>
		Number(rowsOf<{ n: number }>(await tx.execute(sql`select pg_stat_get_xact_tuples_returned(${table}::regclass)::int as n`))[0]!.n);
	const board = async (tx: Database, prefix: string, count: number) => {
		await tx.execute(sql`insert into workspaces (id, name, created_at) values (${prefix + '-w'}, 'W', now())`);
		await tx.execute(
			sql`insert into pipelines (id, workspace_id, name, mode, access, position, created_at) values (${prefix + '-p'}, ${prefix + '-w'}, 'P', 'strict', 'workspace', 0, now())`
		);
		const deals = Array.from({ length: count }, (_, i) => `${prefix}-d${i}`);
		await tx.execute(sql`
			insert into deals (id, pipeline_id, workspace_id, title, value_minor, currency, stage_id, rank, owner_id, status, source, created_at, updated_at, stage_entered_at)
			select r.id, ${prefix + '-p'}, ${prefix + '-w'}, 'Deal', 0, 'EUR', 's0', 'a0', 'u', 'open', 'manual', now(), now(), now()
			from json_to_recordset(${JSON.stringify(deals.map((id) => ({ id })))}::json) as r(id text)`);
		return deals;
	};
	const at = (minute: number) => new Date(Date.parse('2032-03-01T00:00:00Z') + minute * 60_000).toISOString();
	const entries = (pipelineId: string, deals: string[], minute: number) =>
		sql`insert into stage_events (pipeline_id, deal_id, to_stage_id, at)
			select ${pipelineId}, r.deal_id, 's' || (r.n % 5), ${at(minute)}::timestamptz
			from json_to_recordset(${JSON.stringify(deals.map((deal_id, n) => ({ deal_id, n: n + minute })))}::json) as r(deal_id text, n int)`;

	it('writes a few deals’ entries without reading the whole history, though first planned on a small one', async () => {
		const db = database().db;
		const read = await db.transaction(async (tx) => {
			const deals = await board(tx, 'plans', 1000);
			// A projection on a young board: the per-deal path is planned now, on a history of two entries.
			await tx.execute(entries('plans-p', deals.slice(0, 2), 0));
			// The history grows (bulk statements take the one-pass path, planned apart).
			for (let round = 1; round <= 4; round++) await tx.execute(entries('plans-p', deals, round * 10));
			const before = await seqRead(tx);
			// A projection's ten moves.
			await tx.execute(entries('plans-p', deals.slice(0, 10), 100));
			return (await seqRead(tx)) - before;
		});
		// Through the indexes it reads none of the 4,000 entries in sequence; a whole-table scan reads them all.
		expect(read).toBeLessThan(100);
		const ended = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from stage_events where pipeline_id = 'plans-p' and left_at is not null`));
		// Every entry but each deal's last has ended: 1,000 deals' 4,012 entries, 1,000 of them last.
		expect(Number(ended[0]!.n)).toBe(3012);
	});

	it('keeps the names’ words without reading them all, though first planned on a few', async () => {
		const db = database().db;
		const contacts = (ids: number[]) =>
			sql`insert into contacts (id, workspace_id, name, name_key, search_text)
				select 'words-c' || r.n, 'words-w', 'Name ' || r.n, 'name' || r.n || ' common', 'name' || r.n
				from json_to_recordset(${JSON.stringify(ids.map((n) => ({ n })))}::json) as r(n int)`;
		const read = await db.transaction(async (tx) => {
			await tx.execute(sql`insert into workspaces (id, name, created_at) values ('words-w', 'W', now())`);
			await tx.execute(contacts([0, 1, 2]));
			// A contact renamed and one removed while the workspace has a few words: both triggers are planned now.
			await tx.execute(sql`update contacts set name_key = 'renamed common' where id = 'words-c1'`);
			await tx.execute(sql`delete from contacts where id = 'words-c2'`);
			await tx.execute(contacts(Array.from({ length: 3000 }, (_, i) => i + 10)));
			const before = await seqRead(tx, 'name_words');
			await tx.execute(sql`update contacts set name_key = 'renamed again' where id = 'words-c10'`);
			await tx.execute(sql`delete from contacts where id = 'words-c11'`);
			return (await seqRead(tx, 'name_words')) - before;
		});
		expect(read).toBeLessThan(100);
		const words = rowsOf<{ word: string; uses: number }>(
			await db.execute(sql`select word, uses from name_words where workspace_id = 'words-w' and word in ('common', 'renamed', 'again', 'name10', 'name11')`)
		);
		// Of 3,003 names with "common", two were removed and one renamed without it.
		expect(Object.fromEntries(words.map((row) => [row.word, Number(row.uses)]))).toEqual({ common: 3000, renamed: 2, again: 1 });
	});
});
