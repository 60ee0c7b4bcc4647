import { afterEach, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../server/db/client.js';
import { upsertDeals } from '../../server/pipelines/projection-rows.js';
import type { RunningServer } from '../../server/server.js';
import type { Deal } from '../../src/lib/model/schema.js';
import { openTestDatabase, type DatabaseKind } from '../support/databases.js';
import { callApi, signUpOwner, startTestServer } from '../support/sync-server.js';

// Ranks are fractional-indexing keys, ordered by their characters' codes ("Zy" < "Zz" < "a0" < "a1"), as the
// board sorts them. A database created in a language's locale compares text otherwise ("a0" < "a1" < "Zy" < "Zz"
// in en-US), so the ranks' columns compare in "C" (migration 0031) and the deal list keeps the board's order.
const kinds: Array<{ kind: DatabaseKind; icuLocale?: string; label: string }> = [
	{ kind: 'pglite', label: 'PGlite' },
	...(process.env.TEST_DATABASE_URL ? [{ kind: 'postgres' as const, icuLocale: 'en-US', label: 'PostgreSQL, a database in the en-US locale' }] : [])
];

for (const { kind, icuLocale, label } of kinds) {
	describe(`the deal list in board order [${label}]`, () => {
		let server: RunningServer | null = null;
		let database: DatabaseHandle | null = null;
		afterEach(async () => {
			await server?.close();
			await database?.close();
			server = null;
			database = null;
		});

		it('lists a column by rank in code order, whatever the database compares text in', async () => {
			database = await openTestDatabase(kind, { icuLocale });
			server = await startTestServer(database);
			const owner = await signUpOwner(server.url);
			const stageId = owner.pipeline.stages.find((stage) => stage.kind === 'open')!.id;
			const deal = (rank: string): Deal => ({
				id: `rank-${owner.pipeline.id}-${rank}`,
				title: `Ranked ${rank}`,
				valueMinor: 0,
				currency: 'EUR',
				stageId,
				rank,
				ownerId: owner.userId,
				source: 'manual',
				status: 'open',
				createdAt: '2032-03-01T00:00:00.000Z',
				updatedAt: '2032-03-01T00:00:00.000Z'
			});
			const ranks = ['a1', 'Zz', 'a0', 'Zy'];
			await upsertDeals(
				database.db,
				{ pipelineId: owner.pipeline.id, workspaceId: owner.workspaceId },
				ranks.map((rank) => ({ deal: deal(rank), stageEnteredAt: new Date('2032-03-01T00:00:00Z') }))
			);
			const list = await callApi<{ deals: Array<{ title: string }> }>(server.url, 'GET', `/api/pipelines/${owner.pipeline.id}/deals?stageId=${stageId}`, { token: owner.token });
			expect(list.status).toBe(200);
			expect(list.body.deals.map((item) => item.title)).toEqual(['Ranked Zy', 'Ranked Zz', 'Ranked a0', 'Ranked a1']);
		});
	});
}
