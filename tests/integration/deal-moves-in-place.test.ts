import { sql } from 'drizzle-orm';
import { afterEach, expect, it } from 'vitest';
import type { Deal } from '../../src/lib/model/schema.js';
import { upsertDeals } from '../../server/pipelines/projection-rows.js';
import type { RunningServer } from '../../server/server.js';
import { describeEachDatabase } from '../support/databases.js';
import { signUpOwner, startTestServer } from '../support/sync-server.js';

// A move changes a deal's stage, rank and times, none of them indexed (migration 0030), so the projection's
// upsert rewrites the row in place on its page (a HOT update) and writes none of the deals' indexes: no entry
// in the title's trigram index, whose pending list PostgreSQL merges every few thousand entries while the
// writer waits. An index on a column that moves change would make every move write every index again.
describeEachDatabase('a deal move rewrites its row in place', (database) => {
	let server: RunningServer | null = null;
	afterEach(async () => {
		await server?.close();
		server = null;
	});

	it('updates the moved deals without writing any index, and changes their stage', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const db = database().db;
		const stages = owner.pipeline.stages.filter((stage) => stage.kind === 'open').map((stage) => stage.id);
		const board = { pipelineId: owner.pipeline.id, workspaceId: owner.workspaceId };
		const deal = (i: number, stageId: string): Deal => ({
			id: `in-place-${owner.pipeline.id}-${i}`,
			title: `Deal ${i} for Horns and Hooves`,
			valueMinor: 100_00,
			currency: 'EUR',
			stageId,
			rank: `a${i}`,
			ownerId: owner.userId,
			source: 'manual',
			status: 'open',
			createdAt: '2032-03-01T00:00:00.000Z',
			updatedAt: '2032-03-01T00:00:00.000Z'
		});
		const ids = Array.from({ length: 30 }, (_, i) => i);
		await upsertDeals(db, board, ids.map((i) => ({ deal: deal(i, stages[0]!), stageEnteredAt: new Date('2032-03-01T00:00:00Z') })));

		// Three moves, as a projection writes them: each row's new version fits in the room its page keeps.
		const moved = [0, 10, 20];
		const at = new Date('2032-03-02T00:00:00Z');
		const counts = await db.transaction(async (tx) => {
			await upsertDeals(tx, board, moved.map((i) => ({ deal: { ...deal(i, stages[1]!), rank: `b${i}`, updatedAt: at.toISOString() }, stageEnteredAt: at })));
			// This transaction's own counters: exact, with no wait for the statistics to be reported.
			const result = (await tx.execute(
				sql`select pg_stat_get_xact_tuples_updated('deals'::regclass)::int as updated, pg_stat_get_xact_tuples_hot_updated('deals'::regclass)::int as in_place`
			)) as unknown as { rows: Array<{ updated: number; in_place: number }> };
			return result.rows[0]!;
		});
		expect(counts).toEqual({ updated: 3, in_place: 3 });
		const rows = (await db.execute(sql`select id, stage_id, rank from deals where pipeline_id = ${board.pipelineId} and stage_id = ${stages[1]!} order by id`)) as unknown as {
			rows: Array<{ id: string; stage_id: string; rank: string }>;
		};
		expect(rows.rows.map((row) => row.rank)).toEqual(['b0', 'b10', 'b20']);
	});
});
