import { afterEach, expect, it } from 'vitest';
import { boardMaps, listDealsInStage } from '../../src/lib/model/index.js';
import { listDealsRoute } from '../../server/api/pipelines/pipelines.routes.js';
import type { RunningServer } from '../../server/server.js';
import { describeEachDatabase } from '../support/databases.js';
import { addMember, callApi, connectBoard, eventually, signUpOwner, startTestServer, type BoardClient } from '../support/sync-server.js';

const due = '2030-01-01T10:00:00Z';
const item = (title: string, extra: { stageId?: string; ownerId?: string } = {}) => ({
	title,
	valueMinor: 1000,
	currency: 'EUR',
	firstTask: { type: 'call', title: `Call about ${title}`, dueAt: due },
	...extra
});

describeEachDatabase('deals batch', (database) => {
	let server: RunningServer | null = null;
	const clients: BoardClient[] = [];
	afterEach(async () => {
		for (const client of clients.splice(0)) client.destroy();
		await server?.close();
		server = null;
	});

	it('creates many deals in one call: in the list when it answers, live on an open board, each at the top of its column in the order given', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const rep = await addMember(server.url, owner.token, owner.workspaceId, 'rep');
		const id = owner.pipeline.id;
		const [first, second] = owner.pipeline.stages;
		const board = connectBoard(server.url, id, owner.token);
		clients.push(board);
		await board.synced();
		const earlier = await callApi(server.url, 'POST', `/api/pipelines/${id}/deals`, { token: owner.token, json: item('Already there') });
		expect(earlier.status).toBe(201);

		const deals = [
			...Array.from({ length: 250 }, (_, i) => item(`First column ${i}`)),
			item('Second column', { stageId: second!.id, ownerId: rep.userId }),
			item('First column last')
		];
		const created = await callApi(server.url, 'POST', `/api/pipelines/${id}/deals/batch`, { token: owner.token, json: { deals } });
		expect(created.status).toBe(201);
		expect(created.body.deals).toHaveLength(deals.length);
		expect(new Set(created.body.deals.map((deal: { id: string }) => deal.id)).size).toBe(deals.length);

		// API writes wait for the projection: the list is complete at once, with each deal's first task.
		const list = await callApi(server.url, 'GET', `/api/pipelines/${id}/deals?limit=5000`, { token: owner.token });
		expect(list.body.total).toBe(deals.length + 1);
		const byId = new Map(list.body.deals.map((deal: { id: string }) => [deal.id, deal]));
		const secondDeal = byId.get(created.body.deals[250].id) as { title: string; stageId: string; ownerId: string; nextTask: { id: string; title: string } };
		expect(secondDeal).toMatchObject({ title: 'Second column', stageId: second!.id, ownerId: rep.userId });
		expect(secondDeal.nextTask).toMatchObject({ id: created.body.deals[250].taskId, title: 'Call about Second column' });
		expect((byId.get(created.body.deals[0].id) as { ownerId: string }).ownerId).toBe(owner.userId);

		await eventually(() => boardMaps(board.doc).deals.size === deals.length + 1, 'the board client sees every deal');
		const column = listDealsInStage(board.doc, first!.id).map((deal) => deal.title);
		expect(column).toEqual([...deals.filter((deal) => deal.stageId === undefined).map((deal) => deal.title), 'Already there']);
		expect(boardMaps(board.doc).tasks.get(created.body.deals[0].taskId)?.get('dealId')).toBe(created.body.deals[0].id);
	});

	it('refuses the whole batch when one item is bad, naming its index and field', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const other = await signUpOwner(server.url);
		const id = owner.pipeline.id;
		const path = `/api/pipelines/${id}/deals/batch`;
		const total = async () => (await callApi(server!.url, 'GET', `/api/pipelines/${id}/deals?limit=1`, { token: owner.token })).body.total;

		const badTitle = await callApi(server.url, 'POST', path, { token: owner.token, json: { deals: [item('Good'), item('Good too'), item('')] } });
		expect(badTitle.status).toBe(422);
		expect(badTitle.body.error.issues).toEqual([expect.objectContaining({ path: 'deals.2.title' })]);

		const badTask = await callApi(server.url, 'POST', path, {
			token: owner.token,
			json: { deals: [item('Good'), { ...item('No date'), firstTask: { type: 'call', title: 'Call' } }] }
		});
		expect(badTask.status).toBe(422);
		expect(badTask.body.error.issues[0].path).toBe('deals.1.firstTask.dueAt');

		const closedStage = owner.pipeline.stages.find((stage) => stage.kind === 'won')!.id;
		const badStage = await callApi(server.url, 'POST', path, {
			token: owner.token,
			json: { deals: [item('Good'), item('Won already', { stageId: closedStage }), item('Nowhere', { stageId: 'no-such-stage' })] }
		});
		expect(badStage.status).toBe(422);
		expect(badStage.body.error.issues.map((issue: { path: string }) => issue.path)).toEqual(['deals.1.stageId', 'deals.2.stageId']);
		expect(badStage.body.error.message).toContain('deals.1.stageId');

		const strangerOwner = await callApi(server.url, 'POST', path, { token: owner.token, json: { deals: [item('Good'), item('Theirs', { ownerId: other.userId })] } });
		expect(strangerOwner.status).toBe(422);
		expect(strangerOwner.body.error.issues).toEqual([{ path: 'deals.1.ownerId', message: 'Not a member of this workspace.' }]);

		const tooMany = await callApi(server.url, 'POST', path, { token: owner.token, json: { deals: Array.from({ length: 5001 }, (_, i) => item(`D${i}`)) } });
		expect(tooMany.status).toBe(422);
		const empty = await callApi(server.url, 'POST', path, { token: owner.token, json: { deals: [] } });
		expect(empty.status).toBe(422);

		expect(await total()).toBe(0);
		const board = connectBoard(server.url, id, owner.token);
		clients.push(board);
		await board.synced();
		expect(boardMaps(board.doc).deals.size).toBe(0);
	});

	it('refuses viewers, and answers 404 for another workspace’s pipeline', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const other = await signUpOwner(server.url);
		const viewer = await addMember(server.url, owner.token, owner.workspaceId, 'viewer');
		const path = `/api/pipelines/${owner.pipeline.id}/deals/batch`;
		const json = { deals: [item('Not allowed')] };

		expect((await callApi(server.url, 'POST', path, { token: viewer.token, json })).status).toBe(403);
		expect((await callApi(server.url, 'POST', path, { token: other.token, json })).status).toBe(404);
		expect((await callApi(server.url, 'POST', `/api/pipelines/${other.pipeline.id}/deals/batch`, { token: owner.token, json })).status).toBe(404);
		const list = await callApi(server.url, 'GET', `/api/pipelines/${owner.pipeline.id}/deals?limit=1`, { token: owner.token });
		expect(list.body.total).toBe(0);
	});

	it('lists deals in the documented shape, each field as the deal’s own page has it, with its soonest open task', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const id = owner.pipeline.id;
		const batch = await callApi(server.url, 'POST', `/api/pipelines/${id}/deals/batch`, {
			token: owner.token,
			json: { deals: [item('Open one'), item('Lost one', { stageId: owner.pipeline.stages[1]!.id }), item('Plain')] }
		});
		expect(batch.status).toBe(201);
		const [open, lost] = batch.body.deals as Array<{ id: string; taskId: string }>;
		const sooner = await callApi(server.url, 'POST', `/api/deals/${open!.id}/tasks`, { token: owner.token, json: { type: 'email', title: 'Sooner', dueAt: '2029-06-01T08:30:00.250Z' } });
		expect(sooner.status).toBe(201);
		const closed = await callApi(server.url, 'POST', `/api/deals/${lost!.id}/close`, { token: owner.token, json: { outcome: 'lost', reason: 'No budget', note: 'Too dear', completeTaskIds: [lost!.taskId] } });
		expect(closed.status).toBe(200);

		const list = await callApi(server.url, 'GET', `/api/pipelines/${id}/deals`, { token: owner.token });
		expect(list.status).toBe(200);
		const schema = listDealsRoute.responses[200].content['application/json'].schema;
		expect(schema.strict().safeParse(list.body).success).toBe(true);
		expect(list.body.total).toBe(3);
		for (const listed of list.body.deals) {
			const { deal } = (await callApi(server.url, 'GET', `/api/deals/${listed.id}`, { token: owner.token })).body;
			const { nextTask: _next, ...fields } = listed;
			expect(fields).toEqual(Object.fromEntries(Object.keys(fields).map((key) => [key, deal[key]])));
		}
		const byTitle = new Map(list.body.deals.map((deal: { title: string }) => [deal.title, deal]));
		expect((byTitle.get('Open one') as { nextTask: unknown }).nextTask).toEqual({ id: sooner.body.task.id, title: 'Sooner', type: 'email', dueAt: '2029-06-01T08:30:00.250Z' });
		expect(byTitle.get('Lost one')).toMatchObject({ status: 'lost', lostReason: 'No budget', lostNote: 'Too dear', nextTask: null });
		expect((byTitle.get('Lost one') as { closedAt: string }).closedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

		const past = await callApi(server.url, 'GET', `/api/pipelines/${id}/deals?offset=10`, { token: owner.token });
		expect(past.body).toEqual({ deals: [], total: 3 });
		const none = await callApi(server.url, 'GET', `/api/pipelines/${id}/deals?q=nothing-like-this`, { token: owner.token });
		expect(none.body).toEqual({ deals: [], total: 0 });
	});
});
