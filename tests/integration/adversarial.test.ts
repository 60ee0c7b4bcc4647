import { afterEach, expect, it } from 'vitest';
import * as Y from 'yjs';
import { boardMaps, createDeal, listStages, moveDeal, readDeal } from '../../src/lib/model/index.js';
import type { RunningServer } from '../../server/server.js';
import { describeEachDatabase } from '../support/databases.js';
import { addMember, callApi, connectBoard, eventually, signUpOwner, startTestServer, type BoardClient } from '../support/sync-server.js';

const clock = { now: () => new Date().toISOString() };
const dealFields = (stageId: string, ownerId: string) => ({
	title: 'Rogue',
	valueMinor: 1,
	currency: 'EUR',
	stageId,
	rank: 'a0',
	ownerId,
	source: 'manual',
	status: 'open',
	createdAt: clock.now(),
	updatedAt: clock.now()
});

interface Attack {
	name: string;
	role: 'rep' | 'viewer';
	strict?: boolean;
	rule: string;
	/** Breaks the board from the attacker's copy. */
	run: (doc: Y.Doc, ctx: { dealId: string; taskId: string; stages: string[]; userId: string }) => void;
	/** True while the bad state is visible in a document. */
	isBad: (doc: Y.Doc, ctx: { dealId: string; taskId: string; stages: string[] }) => boolean;
}

const attacks: Attack[] = [
	{
		name: 'deleting a deal’s only task',
		role: 'rep',
		rule: 'deal-without-task',
		run: (doc, { taskId }) => boardMaps(doc).tasks.delete(taskId),
		isBad: (doc, { taskId }) => !boardMaps(doc).tasks.has(taskId)
	},
	{
		name: 'completing a deal’s only task',
		role: 'rep',
		rule: 'deal-without-task',
		run: (doc, { taskId }) => boardMaps(doc).tasks.get(taskId)!.set('done', true),
		isBad: (doc, { taskId }) => boardMaps(doc).tasks.get(taskId)?.get('done') === true
	},
	{
		name: 'adding a deal without a task',
		role: 'rep',
		rule: 'deal-without-task',
		run: (doc, { stages, userId }) => boardMaps(doc).deals.set(`rogue-${userId}`, new Y.Map<unknown>(Object.entries(dealFields(stages[0]!, userId)))),
		isBad: (doc) => [...boardMaps(doc).deals.keys()].some((id) => id.startsWith('rogue-'))
	},
	{
		name: 'writing a string where a number belongs',
		role: 'rep',
		rule: 'schema',
		run: (doc, { dealId }) => boardMaps(doc).deals.get(dealId)!.set('valueMinor', 'a lot'),
		isBad: (doc, { dealId }) => typeof boardMaps(doc).deals.get(dealId)?.get('valueMinor') === 'string'
	},
	{
		name: 'moving a deal to an unknown stage',
		role: 'rep',
		rule: 'unknown-stage',
		run: (doc, { dealId }) => boardMaps(doc).deals.get(dealId)!.set('stageId', 'no-such-stage'),
		isBad: (doc, { dealId }) => boardMaps(doc).deals.get(dealId)?.get('stageId') === 'no-such-stage'
	},
	{
		name: 'a 1 MB title',
		role: 'rep',
		rule: 'schema',
		run: (doc, { dealId }) => boardMaps(doc).deals.get(dealId)!.set('title', 'x'.repeat(1024 * 1024)),
		isBad: (doc, { dealId }) => (boardMaps(doc).deals.get(dealId)?.get('title') as string).length > 200
	},
	{
		name: 'a viewer’s edit',
		role: 'viewer',
		rule: 'read-only',
		run: (doc, { dealId }) => boardMaps(doc).deals.get(dealId)!.set('title', 'Viewer was here'),
		isBad: (doc, { dealId }) => boardMaps(doc).deals.get(dealId)?.get('title') === 'Viewer was here'
	},
	{
		name: 'a rep renaming a stage',
		role: 'rep',
		rule: 'forbidden',
		run: (doc, { stages }) => boardMaps(doc).stages.get(stages[0]!)!.set('name', 'Mine'),
		isBad: (doc, { stages }) => boardMaps(doc).stages.get(stages[0]!)?.get('name') === 'Mine'
	},
	{
		name: 'a strict-mode skip',
		role: 'rep',
		strict: true,
		rule: 'strict-move',
		run: (doc, { dealId, stages }) => moveDeal(doc, dealId, stages[2]!, undefined, clock),
		isBad: (doc, { dealId, stages }) => readDeal(doc, dealId)?.stageId === stages[2]
	}
];

describeEachDatabase('adversarial clients', (database) => {
	let server: RunningServer | null = null;
	const clients: BoardClient[] = [];
	afterEach(async () => {
		for (const client of clients.splice(0)) client.destroy();
		await server?.close();
		server = null;
	});

	it.each(attacks)('refuses $name: the author is told, nobody keeps it, a valid edit survives', async (attack) => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const attacker = await addMember(server.url, owner.token, owner.workspaceId, attack.role);
		if (attack.strict) {
			await callApi(server.url, 'PATCH', `/api/pipelines/${owner.pipeline.id}`, { token: owner.token, json: { mode: 'strict' } });
		}
		const witness = connectBoard(server.url, owner.pipeline.id, owner.token);
		clients.push(witness);
		await witness.synced();
		const stages = listStages(witness.doc).map((stage) => stage.id);
		// Ids are unique across the installation, and every test shares the database.
		const n = Math.random().toString(36).slice(2, 8);
		const [target, other] = [`target-${n}`, `other-${n}`];
		createDeal(witness.doc, { id: target, title: 'Target', valueMinor: 5, currency: 'EUR', stageId: stages[0]!, ownerId: owner.userId }, { id: `only-task-${n}`, type: 'call', title: 'Call', dueAt: '2030-01-01T10:00:00.000Z' }, clock);
		createDeal(witness.doc, { id: other, title: 'Other', valueMinor: 5, currency: 'EUR', stageId: stages[0]!, ownerId: owner.userId }, { id: `other-task-${n}`, type: 'call', title: 'Call', dueAt: '2030-01-01T10:00:00.000Z' }, clock);
		const client = connectBoard(server.url, owner.pipeline.id, attacker.token);
		clients.push(client);
		await client.synced();
		await eventually(() => readDeal(client.doc, other) !== null, 'attacker has the board');
		const ctx = { dealId: target, taskId: `only-task-${n}`, stages, userId: attacker.userId };

		// A valid edit first (reps only), then the attack, in the same session.
		if (attack.role === 'rep') boardMaps(client.doc).deals.get(other)!.set('title', 'Other, renamed');
		attack.run(client.doc, ctx);

		await eventually(() => client.refusals.length > 0, 'the author is told');
		expect(client.refusals[0]).toMatchObject({ type: 'refused', rule: attack.rule });
		await eventually(() => !attack.isBad(client.doc, ctx), 'the author’s copy is reverted');
		if (attack.role === 'rep') await eventually(() => readDeal(witness.doc, other)?.title === 'Other, renamed', 'the valid edit arrives');
		expect(attack.isBad(witness.doc, ctx)).toBe(false);

		await server.close();
		server = await startTestServer(database());
		const after = connectBoard(server.url, owner.pipeline.id, owner.token);
		clients.push(after);
		await after.synced();
		expect(attack.isBad(after.doc, ctx)).toBe(false);
		if (attack.role === 'rep') expect(readDeal(after.doc, other)?.title).toBe('Other, renamed');
	});

	it('keeps the valid edits of an offline batch and refuses only the entities that break a rule', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const rep = await addMember(server.url, owner.token, owner.workspaceId, 'rep');
		const witness = connectBoard(server.url, owner.pipeline.id, owner.token);
		clients.push(witness);
		await witness.synced();
		const stages = listStages(witness.doc).map((stage) => stage.id);
		const task = (id: string) => ({ id, type: 'call' as const, title: 'Call', dueAt: '2030-01-01T10:00:00.000Z' });
		const deal = (id: string) => ({ id, title: id, valueMinor: 5, currency: 'EUR', stageId: stages[0]!, ownerId: rep.userId });
		createDeal(witness.doc, deal('moved'), task('moved-task'), clock);
		createDeal(witness.doc, deal('emptied'), task('emptied-task'), clock);

		const train = connectBoard(server.url, owner.pipeline.id, rep.token);
		clients.push(train);
		await train.synced();
		await eventually(() => readDeal(train.doc, 'emptied') !== null, 'the rep has the board');
		train.provider.disconnect();

		// A day on the train: three good edits, and two that break rules.
		moveDeal(train.doc, 'moved', stages[2]!, undefined, clock);
		createDeal(train.doc, deal('new-on-train'), task('new-task'), clock);
		boardMaps(train.doc).tasks.get('emptied-task')!.set('done', true);
		createDeal(train.doc, deal('bad-task-deal'), task('bad-task'), clock);
		boardMaps(train.doc).tasks.get('bad-task')!.set('title', 'x'.repeat(10_000));
		train.provider.connect();

		await eventually(() => train.refusals.length >= 3, 'the rep hears of every refused entity');
		expect(train.refusals.map((r) => [r.rule, r.id]).sort()).toEqual(
			[
				['deal-without-task', 'bad-task-deal'],
				['deal-without-task', 'emptied'],
				['schema', 'bad-task']
			].sort()
		);
		const kept = (doc: Y.Doc) => ({
			moved: readDeal(doc, 'moved')?.stageId,
			newDeal: readDeal(doc, 'new-on-train')?.title,
			newTask: boardMaps(doc).tasks.get('new-task')?.get('done'),
			emptiedTaskDone: boardMaps(doc).tasks.get('emptied-task')?.get('done'),
			badDeal: boardMaps(doc).deals.has('bad-task-deal'),
			badTask: boardMaps(doc).tasks.has('bad-task')
		});
		const expected = { moved: stages[2], newDeal: 'new-on-train', newTask: false, emptiedTaskDone: false, badDeal: false, badTask: false };
		await eventually(() => JSON.stringify(kept(witness.doc)) === JSON.stringify(expected), 'the team sees the good part only');
		await eventually(() => JSON.stringify(kept(train.doc)) === JSON.stringify(expected), 'the rep converges on it');

		// The move stays the rep's in the stage history.
		await eventually(async () => {
			const page = await callApi(server!.url, 'GET', `/api/deals/moved`, { token: owner.token });
			return page.body.stageHistory?.[0]?.userName === 'Ron rep';
		}, 'the history says who moved it');

		await server.close();
		server = await startTestServer(database());
		const after = connectBoard(server.url, owner.pipeline.id, owner.token);
		clients.push(after);
		await after.synced();
		expect(kept(after.doc)).toEqual(expected);
	});
});
