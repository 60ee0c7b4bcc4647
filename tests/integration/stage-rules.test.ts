import { afterEach, expect, it } from 'vitest';
import { and, eq, like } from 'drizzle-orm';
import type * as Y from 'yjs';
import { loadConfig } from '../../server/config.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { stageRules, tasksProjection, workspaces } from '../../server/db/schema.js';
import { boardMaps, createDeal, moveDeal, readDeal } from '../../src/lib/model/index.js';
import { describeEachDatabase } from '../support/databases.js';
import { addMember, callApi, connectBoard, eventually, signUpOwner, type BoardClient } from '../support/sync-server.js';

const proposal = { title: 'Send the proposal', type: 'email', dueAmount: 2, dueUnit: 'days', assigneeId: null };
const clock = { now: () => new Date().toISOString() };

/** The tasks of a deal on a board document with the given title. */
function tasksTitled(doc: Y.Doc, dealId: string, title: string) {
	return [...boardMaps(doc).tasks.entries()].filter(([, task]) => task.get('dealId') === dealId && task.get('title') === title).map(([id, task]) => ({ id, ...task.toJSON() }));
}

async function sendForm(baseUrl: string, path: string, token: string, fields: Record<string, string | Blob>) {
	const form = new FormData();
	for (const [name, value] of Object.entries(fields)) {
		if (value instanceof Blob) form.append(name, value, 'import.csv');
		else form.append(name, value);
	}
	const response = await fetch(baseUrl + path, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
	return { status: response.status, body: await response.json() };
}

describeEachDatabase('stage rules', (database) => {
	let server: RunningServer | null = null;
	const clients: BoardClient[] = [];
	afterEach(async () => {
		for (const client of clients.splice(0)) client.destroy();
		await server?.close();
		server = null;
	});

	async function setUp(now?: () => Date) {
		server = await startServer({ database: database(), config: loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }), now, unloadRoomsAfterMs: 200 });
		const owner = await signUpOwner(server.url);
		const url = server.url;
		const api = (method: string, path: string, json?: unknown, token = owner.token) => callApi(url, method, path, { token, json });
		const pipelineId = owner.pipeline.id;
		const stages = owner.pipeline.stages;
		const setRules = (stageId: string, rules: unknown[], token = owner.token) => api('PUT', `/api/pipelines/${pipelineId}/stages/${stageId}/rules`, { rules }, token);
		const newDeal = async (title: string, stageId?: string) => {
			const created = await api('POST', `/api/pipelines/${pipelineId}/deals`, {
				title,
				valueMinor: 100,
				currency: 'EUR',
				...(stageId ? { stageId } : {}),
				firstTask: { type: 'call', title: 'Call back', dueAt: '2030-01-01T10:00:00Z' }
			});
			expect(created.status).toBe(201);
			return created.body.deal.id as string;
		};
		const ruleTasks = async (dealId: string, title = proposal.title) =>
			((await api('GET', `/api/deals/${dealId}`)).body.tasks as Array<{ title: string; dueAt: string; assigneeId: string; type: string }>).filter((task) => task.title === title);
		const log = async () => {
			await server!.rooms.stageRuleLog.idle();
			return (await api('GET', `/api/workspaces/${owner.workspaceId}/stage-rules/log`)).body.entries as Array<Record<string, any>>;
		};
		const board = async () => {
			const client = connectBoard(url, pipelineId, owner.token);
			clients.push(client);
			await client.synced();
			return client;
		};
		return { server, owner, api, pipelineId, stages, setRules, newDeal, ruleTasks, log, board };
	}

	it('stores, lists and audits a stage’s templates, keeping their ids; refuses reps, strangers, closed stages and bad templates', async () => {
		const { server, owner, api, pipelineId, stages, setRules } = await setUp();
		const rep = await addMember(server.url, owner.token, owner.workspaceId, 'rep');
		const stranger = await signUpOwner(server.url);
		const stage = stages[3]!.id;

		const saved = await setRules(stage, [proposal, { ...proposal, title: 'Call about it', type: 'call', dueAmount: 4, dueUnit: 'working_hours', assigneeId: rep.userId, enabled: false }]);
		expect(saved.status).toBe(200);
		expect(saved.body.rules).toMatchObject([
			{ title: 'Send the proposal', type: 'email', dueAmount: 2, dueUnit: 'days', assigneeId: null, enabled: true, stageId: stage, pipelineId },
			{ title: 'Call about it', assigneeId: rep.userId, enabled: false }
		]);
		const [first] = saved.body.rules;
		const edited = await setRules(stage, [{ ...proposal, id: first.id, title: 'Send the offer' }]);
		expect(edited.body.rules).toEqual([expect.objectContaining({ id: first.id, title: 'Send the offer' })]);
		expect((await api('GET', `/api/pipelines/${pipelineId}/stage-rules`, undefined, rep.token)).body.rules.map((rule: { id: string }) => rule.id)).toEqual([first.id]);
		expect((await api('GET', `/api/workspaces/${owner.workspaceId}/stage-rules`)).body.rules).toHaveLength(1);
		const audit = await api('GET', `/api/workspaces/${owner.workspaceId}/audit?action=stage_rules.changed`);
		expect(audit.status).toBe(200);
		expect(audit.body.events[0]).toMatchObject({ action: 'stage_rules.changed', target: { type: 'stage', id: stage }, detail: { from: ['Send the proposal', 'Call about it'], to: ['Send the offer'] } });

		expect((await setRules(stage, [proposal], rep.token)).status).toBe(403);
		expect((await api('GET', `/api/workspaces/${owner.workspaceId}/stage-rules`, undefined, rep.token)).status).toBe(403);
		expect((await setRules(stage, [proposal], stranger.token)).status).toBe(404);
		expect((await api('GET', `/api/pipelines/${pipelineId}/stage-rules`, undefined, stranger.token)).status).toBe(404);
		// An id of another workspace's pipeline answers like a missing one, also for its admin.
		expect((await api('PUT', `/api/pipelines/${stranger.pipeline.id}/stages/${stranger.pipeline.stages[0]!.id}/rules`, { rules: [proposal] })).status).toBe(404);
		expect((await setRules('no-such-stage', [proposal])).status).toBe(404);

		const won = stages.find((one) => one.kind === 'won')!.id;
		const closed = await setRules(won, [proposal]);
		expect(closed.status).toBe(422);
		expect(closed.body.error.issues[0].path).toBe('stageId');
		const badUnit = await setRules(stage, [{ ...proposal, dueUnit: 'weeks' }]);
		expect(badUnit.status).toBe(422);
		expect(badUnit.body.error.issues[0].path).toBe('rules.0.dueUnit');
		const badTitle = await setRules(stage, [proposal, { ...proposal, title: '  ' }]);
		expect(badTitle.status).toBe(422);
		expect(badTitle.body.error.issues[0].path).toBe('rules.1.title');
		const badAmount = await setRules(stage, [{ ...proposal, dueAmount: 1.5 }]);
		expect(badAmount.body.error.issues[0].path).toBe('rules.0.dueAmount');
		const outsider = await setRules(stage, [{ ...proposal, assigneeId: stranger.userId }]);
		expect(outsider.status).toBe(422);
		expect(outsider.body.error.issues[0].path).toBe('rules.0.assigneeId');
		const extra = await setRules(stage, [{ ...proposal, dueInDays: 2 }]);
		expect(extra.status).toBe(422);
		// Nothing of the refused requests was stored.
		expect((await api('GET', `/api/pipelines/${pipelineId}/stage-rules`)).body.rules).toEqual([expect.objectContaining({ title: 'Send the offer' })]);
	});

	it('fires exactly once per move from every write path: a board client, the API move, creation in the stage, a batch and a CSV import', async () => {
		const { server, owner, api, pipelineId, stages, setRules, newDeal, ruleTasks, log, board } = await setUp();
		const target = stages[3]!;
		expect((await setRules(target.id, [proposal])).status).toBe(200);
		const client = await board();

		// A browser's board update: the stock y-websocket client moves a card.
		const fromBoard = await newDeal('Moved on the board');
		await eventually(() => readDeal(client.doc, fromBoard) !== null, 'the client has the deal');
		moveDeal(client.doc, fromBoard, target.id, undefined, clock);
		await eventually(() => tasksTitled(client.doc, fromBoard, proposal.title).length === 1, 'the rule’s task reaches the client');

		// A deal made on the board straight in the stage counts as entering it.
		createDeal(client.doc, { id: 'made-on-board', title: 'Made in the stage', valueMinor: 1, currency: 'EUR', stageId: target.id, ownerId: owner.userId }, { id: 'made-on-board-task', type: 'call', title: 'Call back', dueAt: '2030-01-01T10:00:00Z' }, clock);
		await eventually(() => tasksTitled(client.doc, 'made-on-board', proposal.title).length === 1, 'a deal created in the stage gets the task');

		// The REST API's move.
		const viaApi = await newDeal('Moved by the API');
		expect((await api('POST', `/api/deals/${viaApi}/move`, { stageId: target.id })).status).toBe(200);
		expect(await ruleTasks(viaApi)).toHaveLength(1);

		// Created by the API in the stage: the first task and the rule's.
		const created = await newDeal('Created in the stage', target.id);
		expect((await ruleTasks(created)).length).toBe(1);
		expect(await ruleTasks(created, 'Call back')).toHaveLength(1);

		// A batch.
		const batch = await api('POST', `/api/pipelines/${pipelineId}/deals/batch`, {
			deals: ['Batch one', 'Batch two'].map((title) => ({ title, valueMinor: 1, currency: 'EUR', stageId: target.id, firstTask: { type: 'call', title: 'Call back', dueAt: '2030-01-01T10:00:00Z' } }))
		});
		expect(batch.status).toBe(201);
		for (const deal of batch.body.deals) expect(await ruleTasks(deal.id)).toHaveLength(1);

		// A CSV import into the stage.
		const csv = ['Deal;Stage', `Imported;${target.name}`, 'Imported elsewhere;'].join('\n');
		const started = await sendForm(server.url, `/api/workspaces/${owner.workspaceId}/imports`, owner.token, {
			file: new Blob([csv]),
			entity: 'deals',
			mapping: JSON.stringify({ Deal: 'title', Stage: 'stage' }),
			pipelineId
		});
		expect(started.status).toBe(202);
		let report: any = null;
		await eventually(async () => {
			report = (await api('GET', `/api/imports/${started.body.id}`)).body;
			return report.status === 'done';
		}, 'the import ends', 30_000);
		expect(report.created).toBe(2);
		const imported = (await api('GET', `/api/pipelines/${pipelineId}/deals?sort=title`)).body.deals as Array<{ id: string; title: string }>;
		expect(await ruleTasks(imported.find((deal) => deal.title === 'Imported')!.id)).toHaveLength(1);
		expect(await ruleTasks(imported.find((deal) => deal.title === 'Imported elsewhere')!.id)).toHaveLength(0);

		// Every task arrived once on the open board, and the log has one line per task.
		await eventually(() => [...boardMaps(client.doc).tasks.values()].filter((task) => task.get('title') === proposal.title).length === 7, 'the board shows all seven');
		const entries = await log();
		expect(entries).toHaveLength(7);
		expect(entries.every((entry) => entry.outcome === 'done' && entry.stageId === target.id && entry.title === proposal.title)).toBe(true);
		expect(new Set(entries.map((entry) => entry.taskId)).size).toBe(7);
	});

	it('an offline move merged on reconnect fires once, also when the client sends its whole state again', async () => {
		const { stages, setRules, newDeal, ruleTasks, log, board } = await setUp();
		const target = stages[3]!;
		await setRules(target.id, [proposal]);
		const client = await board();
		const dealId = await newDeal('Moved offline');
		await eventually(() => readDeal(client.doc, dealId) !== null, 'the client has the deal');
		client.provider.disconnect();
		moveDeal(client.doc, dealId, target.id, undefined, clock);
		client.provider.connect();
		await eventually(() => tasksTitled(client.doc, dealId, proposal.title).length === 1, 'the task arrives after the merge');
		// A reconnect sends everything the client holds again: the move is not new, nothing more is made.
		client.provider.disconnect();
		client.provider.connect();
		await client.synced();
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(tasksTitled(client.doc, dealId, proposal.title)).toHaveLength(1);
		// The deal page reads the projection, which follows the board within a second.
		await eventually(async () => (await ruleTasks(dealId)).length === 1, 'the deal page lists it once');
		expect((await log()).filter((entry) => entry.dealId === dealId)).toHaveLength(1);
	});

	it('a deal moved out and back gets the tasks twice; a move to the same stage, another stage or a closed deal gets none', async () => {
		const { api, owner, stages, setRules, newDeal, ruleTasks, log } = await setUp();
		const [first, second, , target] = stages;
		await setRules(target!.id, [proposal, { ...proposal, title: 'Switched off', enabled: false }]);
		const dealId = await newDeal('Back and forth');
		await api('POST', `/api/deals/${dealId}/move`, { stageId: target!.id });
		expect(await ruleTasks(dealId)).toHaveLength(1);
		// Moving within the column writes no new stage.
		await api('POST', `/api/deals/${dealId}/move`, { stageId: target!.id, rank: 'zz' });
		expect(await ruleTasks(dealId)).toHaveLength(1);
		await api('POST', `/api/deals/${dealId}/move`, { stageId: second!.id });
		await api('POST', `/api/deals/${dealId}/move`, { stageId: target!.id });
		const twice = await ruleTasks(dealId);
		expect(twice).toHaveLength(2);
		expect(await ruleTasks(dealId, 'Switched off')).toHaveLength(0);
		await api('POST', `/api/deals/${dealId}/move`, { stageId: first!.id });
		expect(await ruleTasks(dealId)).toHaveLength(2);
		expect((await log()).filter((entry) => entry.dealId === dealId)).toHaveLength(2);
		// Rule tasks are the server's (`auto`) but no repair: the control panel's "repaired" leaves them out.
		const projected = () => database().db.select().from(tasksProjection).where(and(eq(tasksProjection.dealId, dealId), like(tasksProjection.id, 'rule-%')));
		await eventually(async () => (await projected()).length === 2, 'rule tasks projected');
		const panel = await api('GET', `/api/workspaces/${owner.workspaceId}/panel`);
		expect(panel.status).toBe(200);
		expect(panel.body.repaired.total).toBe(0);
	});

	it('sets the due time in working hours and days of the workspace’s time zone, by the server’s clock', async () => {
		// Friday 4 December 2026, 17:00 in Moscow (UTC+3): one working hour left that day.
		let now = new Date('2026-12-04T14:00:00Z');
		const { server, owner, stages, setRules, newDeal, ruleTasks, api, board } = await setUp(() => now);
		await setRules(stages[1]!.id, [
			{ ...proposal, title: 'In two working hours', dueAmount: 2, dueUnit: 'working_hours' },
			{ ...proposal, title: 'Next working day', dueAmount: 1, dueUnit: 'working_days' },
			{ ...proposal, title: 'In 30 minutes', dueAmount: 30, dueUnit: 'minutes' }
		]);
		const dealId = await newDeal('Friday evening');
		// The board's room is open (a client holds it) with the UTC calendar; the team calendar set through the API
		// reaches it at once.
		await board();
		expect(server.rooms.loadedCount).toBe(1);
		expect((await api('PATCH', `/api/workspaces/${owner.workspaceId}`, { timeZone: 'Europe/Moscow' })).status).toBe(200);
		now = new Date('2026-12-04T14:00:00Z');
		await api('POST', `/api/deals/${dealId}/move`, { stageId: stages[1]!.id });
		// Monday 7 December, 10:00 Moscow: one hour on Friday, one on Monday from 9:00.
		expect((await ruleTasks(dealId, 'In two working hours'))[0]!.dueAt).toBe('2026-12-07T07:00:00.000Z');
		// The next working day at the same wall time: Monday 17:00 Moscow.
		expect((await ruleTasks(dealId, 'Next working day'))[0]!.dueAt).toBe('2026-12-07T14:00:00.000Z');
		expect((await ruleTasks(dealId, 'In 30 minutes'))[0]!.dueAt).toBe('2026-12-04T14:30:00.000Z');
	});

	it('gives a fixed assignee’s task to the owner once they left, and says so in the log', async () => {
		const { server, owner, api, stages, setRules, newDeal, ruleTasks, log } = await setUp();
		const rep = await addMember(server.url, owner.token, owner.workspaceId, 'rep');
		const manager = await addMember(server.url, owner.token, owner.workspaceId, 'manager');
		await setRules(stages[2]!.id, [{ ...proposal, title: 'Prepare the meeting', type: 'meeting', assigneeId: manager.userId }]);
		const before = await newDeal('While the manager is here');
		await api('PATCH', `/api/deals/${before}`, { ownerId: rep.userId });
		await api('POST', `/api/deals/${before}/move`, { stageId: stages[2]!.id });
		expect(await ruleTasks(before, 'Prepare the meeting')).toMatchObject([{ assigneeId: manager.userId, type: 'meeting' }]);

		expect((await api('DELETE', `/api/workspaces/${owner.workspaceId}/members/${manager.userId}`)).status).toBe(204);
		const after = await newDeal('After the manager left');
		await api('PATCH', `/api/deals/${after}`, { ownerId: rep.userId });
		await api('POST', `/api/deals/${after}/move`, { stageId: stages[2]!.id });
		expect(await ruleTasks(after, 'Prepare the meeting')).toMatchObject([{ assigneeId: rep.userId }]);
		const entry = (await log()).find((one) => one.dealId === after)!;
		expect(entry).toMatchObject({ outcome: 'done', assigneeId: rep.userId, fallbackFrom: manager.userId });
	});

	it('a rule write the board refuses is logged as failed and never refuses the move', async () => {
		const { server, owner, api, pipelineId, stages, newDeal, ruleTasks, log, board } = await setUp();
		const client = await board();
		// A template no API accepts (a title beyond the board's limit), as a legacy row could hold.
		await database().db.insert(stageRules).values([
			{ id: 'too-long', workspaceId: owner.workspaceId, pipelineId, stageId: stages[1]!.id, position: 0, title: 'x'.repeat(300), type: 'todo', dueAmount: 1, dueUnit: 'days' },
			{ id: 'fine', workspaceId: owner.workspaceId, pipelineId, stageId: stages[1]!.id, position: 1, title: 'Still made', type: 'todo', dueAmount: 1, dueUnit: 'days' }
		]);
		await server.rooms.stageRulesChanged(owner.workspaceId);
		const dealId = await newDeal('Moves anyway');
		expect((await api('POST', `/api/deals/${dealId}/move`, { stageId: stages[1]!.id })).status).toBe(200);
		expect((await api('GET', `/api/deals/${dealId}`)).body.deal.stageId).toBe(stages[1]!.id);
		expect(await ruleTasks(dealId, 'Still made')).toHaveLength(1);
		await eventually(() => readDeal(client.doc, dealId)?.stageId === stages[1]!.id, 'the board shows the move');
		// A board client's move is not refused either.
		const second = await newDeal('Moved on the board anyway');
		await eventually(() => readDeal(client.doc, second) !== null, 'the client has the deal');
		moveDeal(client.doc, second, stages[1]!.id, undefined, clock);
		await eventually(() => tasksTitled(client.doc, second, 'Still made').length === 1, 'the good rule’s task arrives');
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(client.refusals).toEqual([]);
		expect(readDeal(client.doc, second)?.stageId).toBe(stages[1]!.id);
		const entries = await log();
		expect(entries.filter((entry) => entry.outcome === 'failed').map((entry) => [entry.ruleId, entry.dealId, entry.taskId])).toEqual([
			['too-long', second, null],
			['too-long', dealId, null]
		]);
		expect(entries.find((entry) => entry.outcome === 'failed')!.refused[0]).toEqual(expect.any(String));
	});
});

const redisUrl = process.env.TEST_REDIS_URL;
if (redisUrl) {
	describeEachDatabase('stage rules on two nodes over Redis', (database) => {
		const nodes: RunningServer[] = [];
		const clients: BoardClient[] = [];
		afterEach(async () => {
			for (const client of clients.splice(0)) client.destroy();
			for (const node of nodes.splice(0)) await node.close();
		});
		const startNode = async () => {
			const node = await startServer({
				database: database(),
				config: loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', REDIS_URL: redisUrl }),
				limits: { signupAddress: { points: 1000, durationSec: 3600 } },
				unloadRoomsAfterMs: 200
			});
			nodes.push(node);
			return node;
		};

		it('a move arriving on node A with a board open on node B makes one set of tasks, logged once', async () => {
			const [one, two] = [await startNode(), await startNode()];
			const owner = await signUpOwner(one.url);
			const stage = owner.pipeline.stages[3]!.id;
			const put = await callApi(one.url, 'PUT', `/api/pipelines/${owner.pipeline.id}/stages/${stage}/rules`, { token: owner.token, json: { rules: [proposal] } });
			expect(put.status).toBe(200);
			const onB = connectBoard(two.url, owner.pipeline.id, owner.token);
			const onA = connectBoard(one.url, owner.pipeline.id, owner.token);
			clients.push(onB, onA);
			await Promise.all([onA.synced(), onB.synced()]);
			const created = await callApi(one.url, 'POST', `/api/pipelines/${owner.pipeline.id}/deals`, {
				token: owner.token,
				json: { title: 'Across nodes', valueMinor: 1, currency: 'EUR', firstTask: { type: 'call', title: 'Call back', dueAt: '2030-01-01T10:00:00Z' } }
			});
			const dealId = created.body.deal.id as string;
			expect((await callApi(one.url, 'POST', `/api/deals/${dealId}/move`, { token: owner.token, json: { stageId: stage } })).status).toBe(200);
			await eventually(() => tasksTitled(onB.doc, dealId, proposal.title).length === 1, 'node B’s client shows the task');

			// And a move a client of node B makes: node B accepts it, node A only applies it.
			const second = await callApi(two.url, 'POST', `/api/pipelines/${owner.pipeline.id}/deals`, {
				token: owner.token,
				json: { title: 'Moved on node B', valueMinor: 1, currency: 'EUR', firstTask: { type: 'call', title: 'Call back', dueAt: '2030-01-01T10:00:00Z' } }
			});
			const secondId = second.body.deal.id as string;
			await eventually(() => readDeal(onB.doc, secondId) !== null, 'node B’s client has it');
			moveDeal(onB.doc, secondId, stage, undefined, clock);
			await eventually(() => tasksTitled(onA.doc, secondId, proposal.title).length === 1, 'node A’s client shows the task');
			// Time for a second set to show up, were one made.
			await new Promise((resolve) => setTimeout(resolve, 500));
			for (const doc of [onA.doc, onB.doc]) {
				expect(tasksTitled(doc, dealId, proposal.title)).toHaveLength(1);
				expect(tasksTitled(doc, secondId, proposal.title)).toHaveLength(1);
			}
			await Promise.all(nodes.map((node) => node.rooms.stageRuleLog.idle()));
			const log = await callApi(two.url, 'GET', `/api/workspaces/${owner.workspaceId}/stage-rules/log`, { token: owner.token });
			expect(log.body.entries.map((entry: { dealId: string }) => entry.dealId).sort()).toEqual([dealId, secondId].sort());
		});
	});
}
