import { afterEach, expect, it } from 'vitest';
import { deleteStage, listStages, moveDeal } from '../../src/lib/model/index.js';
import type { RunningServer } from '../../server/server.js';
import { describeEachDatabase } from '../support/databases.js';
import { addMember, callApi, connectBoard, eventually, signUpOwner, startTestServer, type BoardClient } from '../support/sync-server.js';

/** The board projection writes who moved, handed over or deleted what into the audit log. */
describeEachDatabase('audit log of board changes', (database) => {
	let server: RunningServer | null = null;
	const clients: BoardClient[] = [];
	afterEach(async () => {
		for (const client of clients.splice(0)) client.destroy();
		await server?.close();
		server = null;
	});

	it('records a rep’s move on the board, an owner change and a manager’s stage deletion, each with who did it', async () => {
		server = await startTestServer(database());
		const { url } = server;
		const owner = await signUpOwner(url);
		const rep = await addMember(url, owner.token, owner.workspaceId, 'rep');
		const manager = await addMember(url, owner.token, owner.workspaceId, 'manager');
		const created = await callApi(url, 'POST', `/api/pipelines/${owner.pipeline.id}/deals`, {
			token: owner.token,
			json: { title: 'Audited', valueMinor: 100, currency: 'EUR', firstTask: { type: 'call', title: 'Call', dueAt: '2030-01-01T09:00:00.000Z' } }
		});
		const dealId = created.body.deal.id as string;
		const board = connectBoard(url, owner.pipeline.id, rep.token);
		clients.push(board);
		await board.synced();
		const stages = listStages(board.doc);
		moveDeal(board.doc, dealId, stages[1]!.id, undefined, { now: () => new Date().toISOString() });
		expect((await callApi(url, 'PATCH', `/api/deals/${dealId}`, { token: owner.token, json: { ownerId: rep.userId } })).status).toBe(200);
		const managing = connectBoard(url, owner.pipeline.id, manager.token);
		clients.push(managing);
		await managing.synced();
		const empty = stages.find((stage) => stage.kind === 'open' && stage.id !== stages[0]!.id && stage.id !== stages[1]!.id)!;
		deleteStage(managing.doc, empty.id);

		const events = async () => (await callApi(url, 'GET', `/api/workspaces/${owner.workspaceId}/audit?action=deal.stage_changed,deal.owner_changed,stage.deleted`, { token: owner.token })).body.events as Array<{ action: string; actor: { id: string | null }; target: { id: string } }>;
		await eventually(async () => (await events()).length === 3, 'three board events are recorded');
		const byAction = Object.fromEntries((await events()).map((event) => [event.action, event]));
		expect(byAction['deal.stage_changed']).toMatchObject({ actor: { id: rep.userId }, target: { id: dealId } });
		expect(byAction['deal.owner_changed']).toMatchObject({ actor: { id: owner.userId }, target: { id: dealId } });
		expect(byAction['stage.deleted']).toMatchObject({ actor: { id: manager.userId }, target: { id: empty.id } });
	});
});
