import { afterEach, expect, it } from 'vitest';
import { readMeta } from '../../src/lib/model/index.js';
import type { RunningServer } from '../../server/server.js';
import { describeEachDatabase } from '../support/databases.js';
import { addMember, callApi, connectBoard, eventually, signUpOwner, startTestServer, type BoardClient } from '../support/sync-server.js';

describeEachDatabase('pipelines', (database) => {
	let server: RunningServer | null = null;
	const clients: BoardClient[] = [];
	afterEach(async () => {
		for (const client of clients.splice(0)) client.destroy();
		await server?.close();
		server = null;
	});

	it('gives a new workspace the default Sales pipeline, in board order', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const list = await callApi(server.url, 'GET', `/api/workspaces/${owner.workspaceId}/pipelines`, { token: owner.token });
		expect(list.status).toBe(200);
		expect(list.body).toHaveLength(1);
		expect(list.body[0]).toMatchObject({ name: 'Sales', mode: 'free', access: 'workspace', archived: false });
		expect(list.body[0].stages[0]).toMatchObject({ rotDays: 3, color: '#64748b' });
		expect(list.body[0].stages.map((s: { name: string; probability: number; kind: string }) => [s.name, s.probability, s.kind])).toEqual([
			['New lead', 10, 'open'],
			['Qualified', 25, 'open'],
			['Meeting', 40, 'open'],
			['Proposal', 60, 'open'],
			['Negotiation', 80, 'open'],
			['Won', 100, 'won'],
			['Lost', 0, 'lost']
		]);
	});

	it('lets managers create pipelines with their own stages, not reps', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const manager = await addMember(server.url, owner.token, owner.workspaceId, 'manager');
		const rep = await addMember(server.url, owner.token, owner.workspaceId, 'rep');
		const path = `/api/workspaces/${owner.workspaceId}/pipelines`;
		expect((await callApi(server.url, 'POST', path, { token: rep.token, json: { name: 'Renewals' } })).status).toBe(403);
		const created = await callApi(server.url, 'POST', path, {
			token: manager.token,
			json: {
				name: 'Service claims',
				mode: 'strict',
				stages: [
					{ name: 'Received', kind: 'open', probability: 20 },
					{ name: 'Resolved', kind: 'won', probability: 100 },
					{ name: 'Rejected', kind: 'lost', probability: 0 }
				]
			}
		});
		expect(created.status).toBe(201);
		expect(created.body).toMatchObject({ name: 'Service claims', mode: 'strict' });
		expect(created.body.stages.map((s: { name: string }) => s.name)).toEqual(['Received', 'Resolved', 'Rejected']);
		const bad = await callApi(server.url, 'POST', path, { token: manager.token, json: { name: 'X', stages: [{ name: 'A', kind: 'maybe', probability: 120 }] } });
		expect(bad.status).toBe(422);
		const list = await callApi(server.url, 'GET', path, { token: rep.token });
		expect(list.body.map((p: { name: string }) => p.name)).toEqual(['Sales', 'Service claims']);
	});

	it('renames a pipeline live on its board', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const board = connectBoard(server.url, owner.pipeline.id, owner.token);
		clients.push(board);
		await board.synced();
		const renamed = await callApi(server.url, 'PATCH', `/api/pipelines/${owner.pipeline.id}`, { token: owner.token, json: { name: 'New business', mode: 'strict' } });
		expect(renamed.status).toBe(200);
		expect(renamed.body).toMatchObject({ name: 'New business', mode: 'strict', archived: false, role: 'owner' });
		const unchanged = await callApi(server.url, 'PATCH', `/api/pipelines/${owner.pipeline.id}`, { token: owner.token, json: {} });
		expect(unchanged.status).toBe(200);
		expect(unchanged.body.name).toBe('New business');
		await eventually(() => readMeta(board.doc)?.name === 'New business', 'the board shows the new name');
		expect(readMeta(board.doc)?.mode).toBe('strict');
	});

	it('limits a members-only pipeline to its members, and closes the sockets of those taken off', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const rep = await addMember(server.url, owner.token, owner.workspaceId, 'rep');
		const other = await addMember(server.url, owner.token, owner.workspaceId, 'rep');
		const id = owner.pipeline.id;
		const board = connectBoard(server.url, id, other.token);
		clients.push(board);
		await board.synced();
		const closed = new Promise<void>((resolve) => board.provider.on('connection-close', () => resolve()));

		expect((await callApi(server.url, 'PUT', `/api/pipelines/${id}/members`, { token: owner.token, json: { userIds: [rep.userId] } })).status).toBe(200);
		expect((await callApi(server.url, 'PATCH', `/api/pipelines/${id}`, { token: owner.token, json: { access: 'members' } })).status).toBe(200);
		await closed;

		const forRep = await callApi(server.url, 'GET', `/api/workspaces/${owner.workspaceId}/pipelines`, { token: rep.token });
		const forOther = await callApi(server.url, 'GET', `/api/workspaces/${owner.workspaceId}/pipelines`, { token: other.token });
		expect(forRep.body).toHaveLength(1);
		expect(forOther.body).toHaveLength(0);
		expect((await callApi(server.url, 'GET', `/api/pipelines/${id}/deals`, { token: other.token })).status).toBe(404);
		const members = await callApi(server.url, 'GET', `/api/pipelines/${id}/members`, { token: owner.token });
		expect(members.body.members.find((m: { userId: string }) => m.userId === rep.userId).listed).toBe(true);
		const unknown = await callApi(server.url, 'PUT', `/api/pipelines/${id}/members`, { token: owner.token, json: { userIds: ['nobody'] } });
		expect(unknown.status).toBe(422);
	});

	it('archives a pipeline out of sight and restores it', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const id = owner.pipeline.id;
		const path = `/api/workspaces/${owner.workspaceId}/pipelines`;
		expect((await callApi(server.url, 'PATCH', `/api/pipelines/${id}`, { token: owner.token, json: { archived: true } })).body.archived).toBe(true);
		expect((await callApi(server.url, 'GET', path, { token: owner.token })).body).toHaveLength(0);
		const archived = await callApi(server.url, 'GET', `${path}/archived`, { token: owner.token });
		expect(archived.body.map((p: { id: string; archived: boolean }) => [p.id, p.archived])).toEqual([[id, true]]);
		const rep = await addMember(server.url, owner.token, owner.workspaceId, 'rep');
		expect((await callApi(server.url, 'GET', `${path}/archived`, { token: rep.token })).status).toBe(403);
		expect((await callApi(server.url, 'GET', `/api/pipelines/${id}`, { token: owner.token })).status).toBe(404);
		expect((await callApi(server.url, 'PATCH', `/api/pipelines/${id}`, { token: owner.token, json: { archived: false } })).status).toBe(200);
		expect((await callApi(server.url, 'GET', path, { token: owner.token })).body).toHaveLength(1);
	});

	it('disconnects a removed member from the boards at once and refuses their reconnection', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const rep = await addMember(server.url, owner.token, owner.workspaceId, 'rep');
		const board = connectBoard(server.url, owner.pipeline.id, rep.token);
		clients.push(board);
		await board.synced();
		const closed = new Promise<void>((resolve) => board.provider.on('connection-close', () => resolve()));
		expect((await callApi(server.url, 'DELETE', `/api/workspaces/${owner.workspaceId}/members/${rep.userId}`, { token: owner.token })).status).toBe(204);
		await closed;
		await new Promise((resolve) => setTimeout(resolve, 400));
		expect(board.provider.wsconnected).toBe(false);
	});

	it('changes owner and stage of several deals at once, with the open tasks following the owner', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const rep = await addMember(server.url, owner.token, owner.workspaceId, 'rep');
		const id = owner.pipeline.id;
		const make = (title: string) =>
			callApi(server!.url, 'POST', `/api/pipelines/${id}/deals`, {
				token: owner.token,
				json: { title, valueMinor: 100, currency: 'EUR', firstTask: { type: 'call', title: 'Call', dueAt: '2030-01-01T10:00:00Z' } }
			});
		const a = (await make('A')).body;
		const b = (await make('B')).body;
		const meeting = owner.pipeline.stages[2]!.id;
		const bulk = await callApi(server.url, 'POST', `/api/pipelines/${id}/deals/bulk`, {
			token: owner.token,
			json: { dealIds: [a.deal.id, b.deal.id], changes: { ownerId: rep.userId, stageId: meeting } }
		});
		expect(bulk.status).toBe(200);
		expect(bulk.body).toEqual({ updated: 2 });
		const board = connectBoard(server.url, id, owner.token);
		clients.push(board);
		await board.synced();
		const { boardMaps } = await import('../../src/lib/model/index.js');
		const deals = boardMaps(board.doc).deals;
		expect([a, b].map(({ deal }) => [deals.get(deal.id)!.get('stageId'), deals.get(deal.id)!.get('ownerId')])).toEqual([
			[meeting, rep.userId],
			[meeting, rep.userId]
		]);
		expect(boardMaps(board.doc).tasks.get(a.task.id)!.get('assigneeId')).toBe(rep.userId);
		await eventually(async () => {
			const list = await callApi(server!.url, 'GET', `/api/pipelines/${id}/deals?owner=${rep.userId}&stage=${meeting}`, { token: owner.token });
			return list.body.deals.length === 2;
		}, 'the projection follows');

		const wrongStage = await callApi(server.url, 'POST', `/api/pipelines/${id}/deals/bulk`, {
			token: owner.token,
			json: { dealIds: [a.deal.id], changes: { stageId: owner.pipeline.stages.at(-1)!.id } }
		});
		expect(wrongStage.status).toBe(422);
		const unknownDeal = await callApi(server.url, 'POST', `/api/pipelines/${id}/deals/bulk`, {
			token: owner.token,
			json: { dealIds: ['nope'], changes: { ownerId: rep.userId } }
		});
		expect(unknownDeal.status).toBe(422);
		const nothing = await callApi(server.url, 'POST', `/api/pipelines/${id}/deals/bulk`, { token: owner.token, json: { dealIds: [a.deal.id], changes: {} } });
		expect(nothing.status).toBe(422);
	});

	it('pages and sorts the deals list, board order by default', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const id = owner.pipeline.id;
		const [first, second] = owner.pipeline.stages;
		const make = (title: string, valueMinor: number, stageId: string) =>
			callApi(server!.url, 'POST', `/api/pipelines/${id}/deals`, {
				token: owner.token,
				json: { title, valueMinor, currency: 'EUR', stageId, firstTask: { type: 'call', title: 'Call', dueAt: '2030-01-01T10:00:00Z' } }
			});
		await make('Later stage', 300, second!.id);
		await make('Small', 100, first!.id);
		await make('Big', 900, first!.id);
		const titles = (body: { deals: Array<{ title: string }> }) => body.deals.map((deal) => deal.title);
		const board = await callApi(server.url, 'GET', `/api/pipelines/${id}/deals`, { token: owner.token });
		expect(titles(board.body)).toEqual(['Big', 'Small', 'Later stage']);
		const byValue = await callApi(server.url, 'GET', `/api/pipelines/${id}/deals?sort=value&order=desc`, { token: owner.token });
		expect(titles(byValue.body)).toEqual(['Big', 'Later stage', 'Small']);
		const page = await callApi(server.url, 'GET', `/api/pipelines/${id}/deals?sort=title&limit=1&offset=1`, { token: owner.token });
		expect(page.body).toMatchObject({ total: 3 });
		expect(titles(page.body)).toEqual(['Later stage']);
		const bad = await callApi(server.url, 'GET', `/api/pipelines/${id}/deals?sort=price&limit=0`, { token: owner.token });
		expect(bad.status).toBe(422);
		expect(bad.body.error.issues.map((issue: { path: string }) => issue.path).sort()).toEqual(['limit', 'sort']);
	});
});
