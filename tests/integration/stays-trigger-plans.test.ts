import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { Database } from '../../server/db/client.js';
import { describeEachDatabase } from '../support/databases.js';

// PL/pgSQL plans each statement of the stays trigger once per session and keeps the plan. Planned while stage
// history was small, the per-deal path joined its few rows to a scan of the whole stage_events table, and kept
// doing so as the table grew: every projection read the whole history (migration 0033 keeps that path on its
// indexes). All of it in one transaction, so that on PostgreSQL it is one session too, planned here first.
describeEachDatabase('the stays trigger on a grown history', (database) => {
	const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;
	const seqRead = async (tx: Database) =>
		Number(rowsOf<{ n: number }>(await tx.execute(sql`select pg_stat_get_xact_tuples_returned('stage_events'::regclass)::int as n`))[0]!.n);

	it('writes a few deals’ entries without reading the whole history, though first planned on a small one', async () => {
		const db = database().db;
		const at = (minute: number) => new Date(Date.parse('2032-03-01T00:00:00Z') + minute * 60_000).toISOString();
		const entries = (deals: string[], minute: number) =>
			sql`insert into stage_events (pipeline_id, deal_id, to_stage_id, at)
				select 'plans-p', r.deal_id, 's' || (r.n % 5), ${at(minute)}::timestamptz
				from json_to_recordset(${JSON.stringify(deals.map((deal_id, n) => ({ deal_id, n: n + minute })))}::json) as r(deal_id text, n int)`;
		const read = await db.transaction(async (tx) => {
			await tx.execute(sql`insert into workspaces (id, name, created_at) values ('plans-w', 'W', now())`);
			await tx.execute(sql`insert into pipelines (id, workspace_id, name, mode, access, position, created_at) values ('plans-p', 'plans-w', 'P', 'strict', 'workspace', 0, now())`);
			const deals = Array.from({ length: 1000 }, (_, i) => `plans-d${i}`);
			await tx.execute(sql`
				insert into deals (id, pipeline_id, workspace_id, title, value_minor, currency, stage_id, rank, owner_id, status, source, created_at, updated_at, stage_entered_at)
				select r.id, 'plans-p', 'plans-w', 'Deal', 0, 'EUR', 's0', 'a0', 'u', 'open', 'manual', now(), now(), now()
				from json_to_recordset(${JSON.stringify(deals.map((id) => ({ id })))}::json) as r(id text)`);
			// A projection on a young board: the per-deal path is planned now, on a history of two entries.
			await tx.execute(entries(deals.slice(0, 2), 0));
			// The history grows (bulk statements take the one-pass path, planned apart).
			for (let round = 1; round <= 4; round++) await tx.execute(entries(deals, round * 10));
			const before = await seqRead(tx);
			// A projection's ten moves.
			await tx.execute(entries(deals.slice(0, 10), 100));
			return (await seqRead(tx)) - before;
		});
		// Through the indexes it reads none of the 4,000 entries in sequence; a whole-table scan reads them all.
		expect(read).toBeLessThan(100);
		const ended = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from stage_events where pipeline_id = 'plans-p' and left_at is not null`));
		// Every entry but each deal's last has ended: 1,000 deals' 4,012 entries, 1,000 of them last.
		expect(Number(ended[0]!.n)).toBe(3012);
	});
});
