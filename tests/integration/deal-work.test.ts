import { afterEach, expect, it } from 'vitest';
import type { RunningServer } from '../../server/server.js';
import { describeEachDatabase } from '../support/databases.js';
import { addMember, callApi, connectBoard, eventually, signUpOwner, startTestServer } from '../support/sync-server.js';
import { archiveClosedDeals } from '../../server/jobs/archive-closed-deals.js';
import { readDeal } from '../../src/lib/model/index.js';

describeEachDatabase('working deals through the API', (database) => {
	let server: RunningServer | null = null;
	afterEach(async () => {
		await server?.close();
		server = null;
	});

	async function setUp() {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const api = (method: string, path: string, json?: unknown, token = owner.token) => callApi(server!.url, method, path, { token, json });
		const newDeal = async (title = 'Acme', stageId?: string, pipelineId = owner.pipeline.id) =>
			(
				await api('POST', `/api/pipelines/${pipelineId}/deals`, {
					title,
					valueMinor: 0,
					currency: 'EUR',
					stageId,
					firstTask: { type: 'call', title: 'Call back', dueAt: '2030-01-01T10:00:00Z' }
				})
			).body as { deal: { id: string }; task: { id: string } };
		return { owner, api, newDeal };
	}

	it('asks for the next task when the last one is completed', async () => {
		const { api, newDeal } = await setUp();
		const { deal, task } = await newDeal();
		const alone = await api('PATCH', `/api/tasks/${task.id}`, { done: true });
		expect(alone.status).toBe(409);
		expect(alone.body.error.code).toBe('rule_deal_without_task');
		const withNext = await api('PATCH', `/api/tasks/${task.id}`, {
			done: true,
			next: { type: 'meeting', title: 'Demo on Thursday', dueAt: '2030-01-03T10:00:00+02:00' }
		});
		expect(withNext.status).toBe(200);
		expect(withNext.body.task).toMatchObject({ id: task.id, done: true });
		expect(withNext.body.next).toMatchObject({ dealId: deal.id, type: 'meeting', done: false, dueAt: '2030-01-03T08:00:00.000Z' });
		const page = await api('GET', `/api/deals/${deal.id}`);
		expect(page.body.tasks.map((t: { title: string; done: boolean }) => [t.title, t.done])).toEqual([
			['Demo on Thursday', false],
			['Call back', true]
		]);
		expect((await api('PATCH', `/api/tasks/${task.id}`, { next: { type: 'call', title: 'x', dueAt: '2030-01-01T10:00:00Z' } })).status).toBe(422);
		expect((await api('PATCH', '/api/tasks/unknown', { done: true })).status).toBe(404);
	});

	it('closes as lost only with a reason from the list, and reopens with a new task', async () => {
		const { owner, api, newDeal } = await setUp();
		const { deal } = await newDeal();
		const reasons = await api('GET', `/api/workspaces/${owner.workspaceId}/lost-reasons`);
		expect(reasons.body.reasons.map((r: { label: string }) => r.label)).toEqual(['No budget', 'Chose a competitor', 'No response', 'Deal impossible']);
		const noReason = await api('POST', `/api/deals/${deal.id}/close`, { outcome: 'lost' });
		expect(noReason.status).toBe(422);
		expect(noReason.body.error.issues[0].path).toBe('reason');
		expect((await api('POST', `/api/deals/${deal.id}/close`, { outcome: 'lost', reason: 'Bad vibes' })).status).toBe(422);
		const lost = await api('POST', `/api/deals/${deal.id}/close`, { outcome: 'lost', reason: 'No budget', note: 'Frozen until Q3' });
		expect(lost.status).toBe(200);
		expect(lost.body.deal).toMatchObject({ status: 'lost', lostReason: 'No budget', lostNote: 'Frozen until Q3' });
		expect(lost.body.deal.closedAt).not.toBeNull();

		expect((await api('POST', `/api/deals/${deal.id}/reopen`, {})).status).toBe(422);
		const reopened = await api('POST', `/api/deals/${deal.id}/reopen`, { task: { type: 'call', title: 'Check Q3 budget', dueAt: '2030-07-01T09:00:00Z' } });
		expect(reopened.status).toBe(200);
		expect(reopened.body.deal).toMatchObject({ status: 'open', lostReason: null, lostNote: null, closedAt: null });
		expect(reopened.body.task).toMatchObject({ title: 'Check Q3 budget', done: false });
		const other = await newDeal('Other');
		const foreignTask = await api('POST', `/api/deals/${deal.id}/close`, { outcome: 'won', completeTaskIds: [other.task.id] });
		expect(foreignTask.status).toBe(422);
		const won = await api('POST', `/api/deals/${deal.id}/close`, { outcome: 'won', completeTaskIds: [reopened.body.task.id] });
		expect(won.body.deal.status).toBe('won');
		const page = await api('GET', `/api/deals/${deal.id}`);
		expect(page.body.tasks.find((t: { id: string }) => t.id === reopened.body.task.id).done).toBe(true);
	});

	it('moves only to the next stage of a strict pipeline, with its required fields', async () => {
		const { owner, api, newDeal } = await setUp();
		const created = await api('POST', `/api/workspaces/${owner.workspaceId}/pipelines`, {
			name: 'Strict',
			mode: 'strict',
			stages: [
				{ name: 'Lead', kind: 'open', probability: 10 },
				{ name: 'Qualified', kind: 'open', probability: 30 },
				{ name: 'Proposal', kind: 'open', probability: 60, required: ['value'] },
				{ name: 'Won', kind: 'won', probability: 100 }
			]
		});
		expect(created.status).toBe(201);
		const [lead, qualified, proposal] = created.body.stages as Array<{ id: string }>;
		const { deal } = await newDeal('Strict deal', lead!.id, created.body.id);
		const skip = await api('POST', `/api/deals/${deal.id}/move`, { stageId: proposal!.id });
		expect(skip.status).toBe(409);
		expect(skip.body.error.code).toBe('rule_strict_move');
		expect(skip.body.error.message).toMatch(/Qualified/);
		expect((await api('POST', `/api/deals/${deal.id}/move`, { stageId: qualified!.id })).status).toBe(200);
		const missing = await api('POST', `/api/deals/${deal.id}/move`, { stageId: proposal!.id });
		expect(missing.status).toBe(409);
		expect(missing.body.error.code).toBe('rule_required_fields');
		expect((await api('PATCH', `/api/deals/${deal.id}`, { valueMinor: 250000 })).status).toBe(200);
		const moved = await api('POST', `/api/deals/${deal.id}/move`, { stageId: proposal!.id });
		expect(moved.status).toBe(200);
		expect(moved.body.deal.stageId).toBe(proposal!.id);
		expect((await api('POST', `/api/deals/${deal.id}/move`, { stageId: 'nowhere' })).status).toBe(422);
	});

	it('shows the deal page: stage history with who, and the timeline newest first', async () => {
		const { owner, api, newDeal } = await setUp();
		const { deal } = await newDeal('Timeline deal');
		const stages = owner.pipeline.stages;
		await api('POST', `/api/deals/${deal.id}/move`, { stageId: stages[1]!.id });
		await api('POST', `/api/deals/${deal.id}/interactions`, { kind: 'call', text: 'Talked to Anna, budget approved', at: '2026-11-20T10:00:00Z' });
		await api('POST', `/api/deals/${deal.id}/interactions`, { kind: 'note', text: 'Send the proposal by Friday', at: '2026-11-21T10:00:00Z' });
		expect((await api('POST', `/api/deals/${deal.id}/interactions`, { kind: 'fax', text: 'x' })).status).toBe(422);
		const page = await api('GET', `/api/deals/${deal.id}`);
		expect(page.status).toBe(200);
		expect(page.body.deal).toMatchObject({ title: 'Timeline deal', stageId: stages[1]!.id });
		expect(page.body.role).toBe('owner');
		expect(page.body.stageHistory.map((e: { fromStage: string | null; toStage: string; userName: string }) => [e.fromStage, e.toStage, e.userName])).toEqual([
			['New lead', 'Qualified', 'Olga Owner'],
			[null, 'New lead', 'Olga Owner']
		]);
		expect(page.body.interactions.map((i: { kind: string; userName: string }) => [i.kind, i.userName])).toEqual([
			['note', 'Olga Owner'],
			['call', 'Olga Owner']
		]);
	});

	it('lists my open tasks with the overdue count, and keeps viewers and strangers out', async () => {
		const { owner, api, newDeal } = await setUp();
		const { deal } = await newDeal('Overdue deal');
		await api('POST', `/api/deals/${deal.id}/tasks`, { type: 'email', title: 'Send the contract', dueAt: '2020-01-01T09:00:00Z' });
		const mine = await api('GET', `/api/workspaces/${owner.workspaceId}/my-tasks`);
		expect(mine.body.overdue).toBe(1);
		// The navigation's badge asks for the count alone, and gets the list's.
		expect((await api('GET', `/api/workspaces/${owner.workspaceId}/my-tasks/overdue`)).body).toEqual({ overdue: 1 });
		expect(mine.body.tasks.map((t: { title: string; overdue: boolean }) => [t.title, t.overdue])).toEqual([
			['Send the contract', true],
			['Call back', false]
		]);
		expect(mine.body.tasks[0].deal).toMatchObject({ id: deal.id, title: 'Overdue deal' });

		const viewer = await addMember(server!.url, owner.token, owner.workspaceId, 'viewer');
		expect((await api('GET', `/api/deals/${deal.id}`, undefined, viewer.token)).status).toBe(200);
		expect((await api('POST', `/api/deals/${deal.id}/tasks`, { type: 'call', title: 'x', dueAt: '2030-01-01T10:00:00Z' }, viewer.token)).status).toBe(403);
		expect((await api('PUT', `/api/workspaces/${owner.workspaceId}/lost-reasons`, { labels: ['Price'] }, viewer.token)).status).toBe(403);
		const stranger = await signUpOwner(server!.url);
		expect((await api('GET', `/api/deals/${deal.id}`, undefined, stranger.token)).status).toBe(404);
		expect((await api('PATCH', `/api/tasks/${mine.body.tasks[0].id}`, { done: true }, stranger.token)).status).toBe(404);

		const replaced = await api('PUT', `/api/workspaces/${owner.workspaceId}/lost-reasons`, { labels: ['Price', 'Timing'] });
		expect(replaced.body.reasons.map((r: { label: string }) => r.label)).toEqual(['Price', 'Timing']);
		expect((await api('PUT', `/api/workspaces/${owner.workspaceId}/lost-reasons`, { labels: ['Price', 'price'] })).status).toBe(422);
	});

	it('offers what I completed in the last day for reopening, and only tasks of pipelines I may open', async () => {
		const { owner, api, newDeal } = await setUp();
		const rep = await addMember(server!.url, owner.token, owner.workspaceId, 'rep');
		const mine = (token = owner.token) => api('GET', `/api/workspaces/${owner.workspaceId}/my-tasks`, undefined, token);

		const { deal, task } = await newDeal('Two steps');
		await api('POST', `/api/deals/${deal.id}/tasks`, { type: 'email', title: 'Send the offer', dueAt: '2030-01-02T10:00:00Z' });
		expect((await api('PATCH', `/api/tasks/${task.id}`, { done: true })).status).toBe(200);
		const afterDone = await mine();
		expect(afterDone.body.tasks.map((t: { title: string }) => t.title)).toEqual(['Send the offer']);
		expect(afterDone.body.done).toHaveLength(1);
		expect(afterDone.body.done[0]).toMatchObject({ id: task.id, title: 'Call back', overdue: false, assigneeId: owner.userId });
		expect(Date.parse(afterDone.body.done[0].doneAt)).toBeGreaterThan(Date.now() - 60_000);
		expect((await api('PATCH', `/api/tasks/${task.id}`, { done: false })).status).toBe(200);
		const afterReopen = await mine();
		expect(afterReopen.body.done).toEqual([]);
		expect(afterReopen.body.tasks.map((t: { title: string; doneAt: string | null }) => [t.title, t.doneAt])).toEqual([
			['Call back', null],
			['Send the offer', null]
		]);

		// A task on a members-only pipeline leaves the rep's list when they are taken off it.
		const created = await api('POST', `/api/workspaces/${owner.workspaceId}/pipelines`, { name: 'Renewals' });
		const renewals = created.body as { id: string };
		const { task: renewal } = await newDeal('Renewal', undefined, renewals.id);
		expect((await api('PATCH', `/api/tasks/${renewal.id}`, { assigneeId: rep.userId })).status).toBe(200);
		expect((await mine(rep.token)).body.tasks.map((t: { title: string }) => t.title)).toEqual(['Call back']);
		const overdue = async (token: string) => (await api('GET', `/api/workspaces/${owner.workspaceId}/my-tasks/overdue`, undefined, token)).body;
		expect((await api('PATCH', `/api/tasks/${renewal.id}`, { dueAt: '2020-01-01T09:00:00Z' })).status).toBe(200);
		expect(await overdue(rep.token)).toEqual({ overdue: 1 });
		expect((await api('PUT', `/api/pipelines/${renewals.id}/members`, { userIds: [] })).status).toBe(200);
		expect((await api('PATCH', `/api/pipelines/${renewals.id}`, { access: 'members' })).status).toBe(200);
		expect((await mine(rep.token)).body.tasks).toEqual([]);
		// The badge counts only what the list shows.
		expect(await overdue(rep.token)).toEqual({ overdue: 0 });
		expect((await api('PATCH', `/api/tasks/${renewal.id}`, { dueAt: '2030-01-02T11:00:00Z' })).status).toBe(200);

		// An archived pipeline's tasks are nobody's work any more, the owner's neither.
		expect((await api('PATCH', `/api/tasks/${renewal.id}`, { assigneeId: owner.userId })).status).toBe(200);
		expect((await mine()).body.tasks.map((t: { title: string }) => t.title)).toContain('Call back');
		expect((await mine()).body.tasks).toHaveLength(3);
		expect((await api('PATCH', `/api/pipelines/${renewals.id}`, { archived: true })).status).toBe(200);
		expect((await mine()).body.tasks.map((t: { deal: { title: string } }) => t.deal.title)).toEqual(['Two steps', 'Two steps']);
	});

	it('takes closed deals off the board after the workspace’s days, keeps them findable, and reopens them onto it', async () => {
		const { owner, api, newDeal } = await setUp();
		const settings = await api('PATCH', `/api/workspaces/${owner.workspaceId}`, { closedDealDays: 3 });
		expect(settings.body.settings).toEqual({ closedDealDays: 3, timeZone: 'UTC', workingHours: { days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' } });
		expect((await api('PATCH', `/api/workspaces/${owner.workspaceId}`, { closedDealDays: -1 })).status).toBe(422);
		const { deal: lost } = await newDeal('Lost one');
		const { deal: open } = await newDeal('Still open');
		await api('POST', `/api/deals/${lost.id}/close`, { outcome: 'lost', reason: 'No response' });

		const soon = new Date(Date.now() + 2 * 24 * 3600_000);
		expect(await archiveClosedDeals(database().db, server!.rooms, soon)).toBe(0);
		const later = new Date(Date.now() + 4 * 24 * 3600_000);
		expect(await archiveClosedDeals(database().db, server!.rooms, later)).toBe(1);
		expect(await archiveClosedDeals(database().db, server!.rooms, later)).toBe(0);

		const board = connectBoard(server!.url, owner.pipeline.id, owner.token);
		await board.synced();
		expect(readDeal(board.doc, lost.id)).toBeNull();
		expect(readDeal(board.doc, open.id)).not.toBeNull();
		const findable = await api('GET', `/api/pipelines/${owner.pipeline.id}/deals?status=lost`);
		expect(findable.body.deals.map((d: { id: string; archivedAt: string | null }) => [d.id, d.archivedAt !== null])).toEqual([[lost.id, true]]);
		expect((await api('GET', `/api/deals/${lost.id}`)).body.tasks).toHaveLength(1);

		const reopened = await api('POST', `/api/deals/${lost.id}/reopen`, { task: { type: 'call', title: 'Try again', dueAt: '2030-02-01T09:00:00Z' } });
		expect(reopened.status).toBe(200);
		expect(reopened.body.deal).toMatchObject({ status: 'open', archivedAt: null });
		await eventually(() => readDeal(board.doc, lost.id)?.status === 'open', 'the deal is back on the board');
		board.destroy();
	});

	it('keeps a deal’s whole history: value changed, lost with the reason, reopened, handed over, trashed and back', async () => {
		const { owner, api, newDeal } = await setUp();
		const { deal } = await newDeal('History');
		const rep = await addMember(server!.url, owner.token, owner.workspaceId, 'rep');
		expect((await api('PATCH', `/api/deals/${deal.id}`, { valueMinor: 250000, currency: 'RUB' })).status).toBe(200);
		expect((await api('PATCH', `/api/deals/${deal.id}`, { ownerId: rep.userId })).status).toBe(200);
		const dated = await api('PATCH', `/api/deals/${deal.id}`, { expectedCloseDate: '2030-05-31' });
		expect(dated.body.deal.expectedCloseDate).toBe('2030-05-31');
		expect((await api('PATCH', `/api/deals/${deal.id}`, { expectedCloseDate: '31.05.2030' })).status).toBe(422);
		expect((await api('POST', `/api/deals/${deal.id}/close`, { outcome: 'lost', reason: 'No budget' })).status).toBe(200);
		expect((await api('POST', `/api/deals/${deal.id}/reopen`, { task: { type: 'call', title: 'Try again', dueAt: '2030-07-01T09:00:00Z' } })).status).toBe(200);
		expect((await api('DELETE', `/api/deals/${deal.id}`)).status).toBe(200);
		expect((await api('POST', `/api/deals/${deal.id}/restore`)).status).toBe(200);
		await expect
			.poll(async () => (await api('GET', `/api/deals/${deal.id}`)).body.history.map((h: { action: string }) => h.action))
			.toEqual(['deal.restored', 'deal.deleted', 'deal.reopened', 'deal.closed', 'deal.close_date_changed', 'deal.owner_changed', 'deal.value_changed']);
		const listed = await api('GET', `/api/pipelines/${owner.pipeline.id}/deals`);
		expect(listed.body.deals.find((d: { id: string }) => d.id === deal.id).expectedCloseDate).toBe('2030-05-31');
		const history = (await api('GET', `/api/deals/${deal.id}`)).body.history;
		expect(history.find((h: { action: string }) => h.action === 'deal.closed')).toMatchObject({ userId: owner.userId, detail: { to: 'lost', reason: 'No budget' } });
		expect(history.find((h: { action: string }) => h.action === 'deal.value_changed').detail).toMatchObject({ from: '0 EUR', to: '250000 RUB' });
		expect(history.find((h: { action: string }) => h.action === 'deal.close_date_changed').detail).toMatchObject({ from: null, to: '2030-05-31' });
	});
});
