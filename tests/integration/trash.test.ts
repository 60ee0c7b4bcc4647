import { afterEach, expect, it } from 'vitest';
import type { RunningServer } from '../../server/server.js';
import { describeEachDatabase } from '../support/databases.js';
import { addMember, callApi, connectBoard, signUpOwner, startTestServer } from '../support/sync-server.js';
import { purgeDealTrash } from '../../server/deals/deal-trash.js';
import { purgeTrash } from '../../server/contacts/party-store.js';
import { readDeal, listTasksOfDeal } from '../../src/lib/model/index.js';

const day = 24 * 3600 * 1000;

describeEachDatabase('the trash', (database) => {
	let server: RunningServer | null = null;
	afterEach(async () => {
		await server?.close();
		server = null;
	});

	async function setUp() {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const api = (method: string, path: string, json?: unknown, token = owner.token) => callApi(server!.url, method, path, { token, json });
		const newDeal = async (title: string, token = owner.token) =>
			(
				await api(
					'POST',
					`/api/pipelines/${owner.pipeline.id}/deals`,
					{ title, valueMinor: 500, currency: 'EUR', firstTask: { type: 'call', title: `Call about ${title}`, dueAt: '2030-01-01T10:00:00Z' } },
					token
				)
			).body as { deal: { id: string }; task: { id: string } };
		return { owner, api, newDeal };
	}

	it('takes a deleted deal off its board and every list, and brings it back whole with its tasks', async () => {
		const { owner, api, newDeal } = await setUp();
		const { deal, task } = await newDeal('Roof');
		// A done task and a second open one: the deal comes back with its history and its next step.
		expect((await api('POST', `/api/deals/${deal.id}/tasks`, { type: 'email', title: 'Send the quote', dueAt: '2030-01-02T10:00:00Z' })).status).toBe(201);
		expect((await api('PATCH', `/api/tasks/${task.id}`, { done: true })).status).toBe(200);
		await newDeal('Kept');
		const board = connectBoard(server!.url, owner.pipeline.id, owner.token);
		await board.synced();

		const deleted = await api('DELETE', `/api/deals/${deal.id}`);
		expect(deleted.status).toBe(200);
		expect(deleted.body.deal.deletedAt).not.toBeNull();
		await expect.poll(() => readDeal(board.doc, deal.id)).toBeNull();
		expect(listTasksOfDeal(board.doc, deal.id)).toEqual([]);
		const list = await api('GET', `/api/pipelines/${owner.pipeline.id}/deals`);
		expect(list.body.deals.map((d: { title: string }) => d.title)).toEqual(['Kept']);
		const trash = await api('GET', `/api/pipelines/${owner.pipeline.id}/deals?trash=true`);
		expect(trash.body.deals.map((d: { title: string }) => d.title)).toEqual(['Roof']);
		const tasks = await api('GET', `/api/workspaces/${owner.workspaceId}/my-tasks`);
		expect(JSON.stringify(tasks.body)).not.toContain('Send the quote');
		// Deleting twice is not an error: the second finishes what the first began.
		expect((await api('DELETE', `/api/deals/${deal.id}`)).status).toBe(200);
		// A deal in the trash cannot be worked on.
		expect((await api('POST', `/api/deals/${deal.id}/move`, { stageId: owner.pipeline.stages[1]!.id })).status).toBe(404);

		const restored = await api('POST', `/api/deals/${deal.id}/restore`);
		expect(restored.status).toBe(200);
		expect(restored.body.deal.deletedAt).toBeNull();
		await expect.poll(() => readDeal(board.doc, deal.id)?.title).toBe('Roof');
		expect(
			listTasksOfDeal(board.doc, deal.id)
				.map((t) => [t.title, t.done])
				.sort()
		).toEqual([
			['Call about Roof', true],
			['Send the quote', false]
		]);
		const page = await api('GET', `/api/deals/${deal.id}`);
		expect(page.body.tasks.map((t: { title: string }) => t.title).sort()).toEqual(['Call about Roof', 'Send the quote']);
		expect((await api('POST', `/api/deals/${deal.id}/restore`)).status).toBe(422);
		board.destroy();
	});

	it('lets admins and the deal’s owner delete it, and nobody else', async () => {
		const { owner, api, newDeal } = await setUp();
		const rep = await addMember(server!.url, owner.token, owner.workspaceId, 'rep');
		const other = await addMember(server!.url, owner.token, owner.workspaceId, 'rep');
		const { deal } = await newDeal('Rep deal', rep.token);
		expect((await api('DELETE', `/api/deals/${deal.id}`, undefined, other.token)).status).toBe(403);
		expect((await api('DELETE', `/api/deals/${deal.id}`, undefined, rep.token)).status).toBe(200);
		expect((await api('POST', `/api/deals/${deal.id}/restore`, undefined, other.token)).status).toBe(403);
		expect((await api('POST', `/api/deals/${deal.id}/restore`)).status).toBe(200);
	});

	it('empties the trash after 30 days, and not before', async () => {
		const { owner, api, newDeal } = await setUp();
		const { deal } = await newDeal('Old');
		const contact = (await api('POST', `/api/workspaces/${owner.workspaceId}/contacts`, { name: 'Gone Soon' })).body.contact;
		await api('POST', `/api/contacts/${contact.id}/interactions`, { kind: 'note', text: 'about to go' });
		expect((await api('DELETE', `/api/deals/${deal.id}`)).status).toBe(200);
		expect((await api('DELETE', `/api/contacts/${contact.id}`)).status).toBe(200);
		const db = database().db;
		expect(await purgeDealTrash(db, new Date(Date.now() + 29 * day))).toBe(0);
		expect(await purgeTrash(db, new Date(Date.now() + 29 * day))).toBe(0);
		expect((await api('GET', `/api/deals/${deal.id}`)).status).toBe(200);
		// Other tests of this file share the database: at least ours goes.
		expect(await purgeDealTrash(db, new Date(Date.now() + 31 * day))).toBeGreaterThanOrEqual(1);
		expect(await purgeTrash(db, new Date(Date.now() + 31 * day))).toBeGreaterThanOrEqual(1);
		expect((await api('GET', `/api/deals/${deal.id}`)).status).toBe(404);
		expect((await api('GET', `/api/contacts/${contact.id}`)).status).toBe(404);
		expect((await api('GET', `/api/pipelines/${owner.pipeline.id}/deals?trash=true`)).body.total).toBe(0);
	});
});
