import { describe, expect, it } from 'vitest';
import { emptyChangeSet, type ChangeSet } from '../../../server/board/change-set.js';
import { Health } from '../../../server/health.js';
import type { ProjectionScope } from '../../../server/pipelines/projection.js';
import { ProjectionFollower } from '../../../server/sync/projection-follower.js';
import type { PersistedBatch } from '../../../server/sync/write-queue.js';

function batchMoving(dealId: string, stageId: string, by: string, updateId: number): PersistedBatch {
	const changes: ChangeSet = emptyChangeSet();
	const at = new Date(Date.UTC(2026, 11, 1, 10, 0, updateId));
	changes.deals.set(dealId, { created: false, deleted: false, fields: new Set(['stageId']), by, entered: [{ stageId, by, at }] });
	return { update: new Uint8Array(), updateId, changes, writers: [], soleAuthor: null, at };
}

function follower(delayMs: number) {
	const scopes: ProjectionScope[] = [];
	const projection = new ProjectionFollower({
		name: 'board',
		health: new Health(() => {}),
		now: () => new Date(),
		delayMs,
		project: async (scope) => {
			scopes.push(scope);
		}
	});
	return { projection, scopes };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('projection follower', () => {
	it('projects a change after a quiet spell at once, then gathers what follows within the delay, keeping every stage entry in order', async () => {
		const { projection, scopes } = follower(60_000);
		projection.follow(batchMoving('d1', 's2', 'ann', 1));
		await tick();
		expect(scopes.map((scope) => scope.upToUpdateId)).toEqual([1]);
		projection.follow(batchMoving('d1', 's3', 'bob', 2));
		projection.follow(batchMoving('d1', 's4', 'ann', 3));
		projection.follow(batchMoving('d2', 's1', 'ann', 4));
		await tick();
		expect(scopes).toHaveLength(1);
		// An API write reads its own writes: idle() projects what has gathered at once.
		await projection.idle();
		expect(scopes.map((scope) => scope.upToUpdateId)).toEqual([1, 4]);
		const gathered = scopes[1]!.changes!;
		expect(gathered.deals.get('d1')!.entered!.map((entry) => [entry.stageId, entry.by])).toEqual([
			['s3', 'bob'],
			['s4', 'ann']
		]);
		expect([...gathered.deals.keys()]).toEqual(['d1', 'd2']);
		projection.close();
	});

	it('projects what gathered by itself once the delay has passed', async () => {
		const { projection, scopes } = follower(40);
		projection.follow(batchMoving('d1', 's2', 'ann', 7));
		await tick();
		projection.follow(batchMoving('d1', 's3', 'ann', 8));
		await tick();
		expect(scopes.map((scope) => scope.upToUpdateId)).toEqual([7]);
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(scopes.map((scope) => scope.upToUpdateId)).toEqual([7, 8]);
		projection.close();
	});

	it('projects each batch on its own without a delay', async () => {
		const { projection, scopes } = follower(0);
		projection.follow(batchMoving('d1', 's2', 'ann', 1));
		await tick();
		projection.follow(batchMoving('d1', 's3', 'ann', 2));
		await tick();
		expect(scopes.map((scope) => scope.upToUpdateId)).toEqual([1, 2]);
		projection.close();
	});

	it('projects the whole board after a failure, with what gathered meanwhile', async () => {
		const scopes: ProjectionScope[] = [];
		let fail = true;
		const projection = new ProjectionFollower({
			name: 'board',
			health: new Health(() => {}),
			now: () => new Date(),
			delayMs: 0,
			project: async (scope) => {
				scopes.push(scope);
				if (fail) throw new Error('database gone');
			}
		});
		projection.follow(batchMoving('d1', 's2', 'ann', 1));
		await tick();
		fail = false;
		projection.follow(batchMoving('d1', 's3', 'ann', 2));
		await projection.idle();
		expect(scopes.map((scope) => [scope.all, scope.upToUpdateId])).toEqual([
			[false, 1],
			[true, 2]
		]);
		projection.close();
	});
});
