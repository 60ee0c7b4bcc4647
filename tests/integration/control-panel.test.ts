import { afterEach, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { describeEachDatabase } from '../support/databases.js';
import { addMember, callApi, signUpOwner } from '../support/sync-server.js';
import { openEvents } from '../support/event-stream.js';

const hour = 3600_000;
const day = 24 * hour;
/** "Now" for the fixture: today's noon UTC, so a task due at 14:00 is due today (near real time: cookies expire by it). */
const t0 = new Date(`${new Date().toISOString().slice(0, 10)}T12:00:00Z`);

async function until(condition: () => boolean, label: string, timeoutMs = 8000) {
	const start = Date.now();
	while (!condition()) {
		if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${label}`);
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
}

describeEachDatabase('the control panel and the workspace’s live channel', (database) => {
	let server: RunningServer | null = null;
	afterEach(async () => {
		await server?.close();
		server = null;
	});

	async function setUp() {
		let now = new Date(t0.getTime() - 4 * day);
		server = await startServer({ database: database(), config: loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }), now: () => now, unloadRoomsAfterMs: 200 });
		const url = server.url;
		const owner = await signUpOwner(url);
		const [manager, ivan, rita] = [
			await addMember(url, owner.token, owner.workspaceId, 'manager'),
			await addMember(url, owner.token, owner.workspaceId, 'rep'),
			await addMember(url, owner.token, owner.workspaceId, 'rep')
		];
		const api = (method: string, path: string, json?: unknown, token = owner.token) => callApi(url, method, path, { token, json });
		// A second pipeline only Rita is listed in: the manager does not see it.
		const second = await api('POST', `/api/workspaces/${owner.workspaceId}/pipelines`, { name: 'Renewals' });
		await api('PATCH', `/api/pipelines/${second.body.id}`, { access: 'members' });
		await api('PUT', `/api/pipelines/${second.body.id}/members`, { userIds: [rita.userId] });
		const deal = async (title: string, ownerId: string, dueInMs: number, pipelineId = owner.pipeline.id) => {
			const made = await api('POST', `/api/pipelines/${pipelineId}/deals`, {
				title,
				valueMinor: 100000,
				currency: 'EUR',
				ownerId,
				firstTask: { type: 'call', title: `Call ${title}`, dueAt: new Date(t0.getTime() + dueInMs).toISOString() }
			});
			expect(made.status).toBe(201);
			return made.body as { deal: { id: string }; task: { id: string } };
		};
		// Made four days ago: every deal has sat in "New lead" (3 days to rot) since.
		const d1 = await deal('Ivan overdue 1', ivan.userId, -2 * hour);
		const d2 = await deal('Ivan overdue 2', ivan.userId, -1 * hour);
		const d3 = await deal('Rita overdue', rita.userId, -3 * hour);
		const d4 = await deal('Rita today', rita.userId, 2 * hour);
		const d5 = await deal('Ivan later', ivan.userId, 3 * day);
		const d6 = await deal('Rita renewal overdue', rita.userId, -1 * hour, second.body.id);
		now = t0;
		// Moved today: no longer idle.
		const qualified = owner.pipeline.stages[1]!.id;
		expect((await api('POST', `/api/deals/${d5.deal.id}/move`, { stageId: qualified })).status).toBe(200);
		const setNow = (at: Date) => (now = at);
		return { url, owner, manager, ivan, rita, api, deals: { d1, d2, d3, d4, d5, d6 }, secondId: second.body.id as string, setNow };
	}

	type Panel = {
		scope: string;
		overdue: { total: number; byRep: Array<{ userId: string; count: number; tasks: Array<{ deal: { title: string } }> }> };
		dueToday: { total: number; tasks: Array<{ deal: { title: string } }> };
		withoutTask: { total: number };
		repaired: { total: number };
		rotting: { total: number; stages: Array<{ name: string; pipeline: { name: string }; deals: Array<{ title: string }> }> };
	};
	const summary = (panel: Panel) => ({
		scope: panel.scope,
		overdue: panel.overdue.total,
		byRep: Object.fromEntries(panel.overdue.byRep.map((rep) => [rep.userId, rep.count])),
		dueToday: panel.dueToday.tasks.map((task) => task.deal.title),
		withoutTask: panel.withoutTask.total,
		repaired: panel.repaired.total,
		rotting: panel.rotting.stages.map((stage) => `${stage.pipeline.name}/${stage.name}: ${stage.deals.map((deal) => deal.title).sort().join(', ')}`)
	});

	it('counts overdue, due today and rotting exactly, scoped by role', async () => {
		const { owner, manager, ivan, rita, api } = await setUp();
		const panelOf = async (token: string) => {
			const answer = await api('GET', `/api/workspaces/${owner.workspaceId}/panel`, undefined, token);
			expect(answer.status).toBe(200);
			return summary(answer.body as Panel);
		};
		expect(await panelOf(owner.token)).toEqual({
			scope: 'team',
			overdue: 4,
			byRep: { [ivan.userId]: 2, [rita.userId]: 2 },
			dueToday: ['Rita today'],
			withoutTask: 0,
			repaired: 0,
			rotting: ['Sales/New lead: Ivan overdue 1, Ivan overdue 2, Rita overdue, Rita today', 'Renewals/New lead: Rita renewal overdue']
		});
		// The manager is not in Renewals.
		expect(await panelOf(manager.token)).toEqual({
			scope: 'team',
			overdue: 3,
			byRep: { [ivan.userId]: 2, [rita.userId]: 1 },
			dueToday: ['Rita today'],
			withoutTask: 0,
			repaired: 0,
			rotting: ['Sales/New lead: Ivan overdue 1, Ivan overdue 2, Rita overdue, Rita today']
		});
		// Reps see their own.
		expect(await panelOf(ivan.token)).toMatchObject({ scope: 'own', overdue: 2, byRep: { [ivan.userId]: 2 }, dueToday: [], rotting: ['Sales/New lead: Ivan overdue 1, Ivan overdue 2'] });
		expect(await panelOf(rita.token)).toMatchObject({
			scope: 'own',
			overdue: 2,
			byRep: { [rita.userId]: 2 },
			dueToday: ['Rita today'],
			rotting: ['Sales/New lead: Rita overdue, Rita today', 'Renewals/New lead: Rita renewal overdue']
		});
		// The day is the caller's: from 13:00 UTC (a zone 11 h ahead), "today" ends before Rita's 14:00 task.
		const dayStart = new Date(t0.getTime() - 23 * hour).toISOString();
		const tokyoish = await api('GET', `/api/workspaces/${owner.workspaceId}/panel?dayStart=${dayStart}`);
		expect(tokyoish.body.dueToday.total).toBe(0);
		expect((await api('GET', `/api/workspaces/${owner.workspaceId}/panel?dayStart=tomorrow`)).status).toBe(422);
		expect((await api('GET', `/api/workspaces/${owner.workspaceId}/panel?rep=me`)).status).toBe(422);
	});

	it('lists the team’s tasks for a manager by rep, pipeline, due window and type, and reassigns several at once through the boards', async () => {
		const { owner, manager, ivan, rita, api, deals, secondId } = await setUp();
		const list = async (query: string, token = manager.token) => {
			const answer = await api('GET', `/api/workspaces/${owner.workspaceId}/team-tasks${query}`, undefined, token);
			expect(answer.status).toBe(200);
			return (answer.body.tasks as Array<{ deal: { title: string } }>).map((task) => task.deal.title);
		};
		expect(await list('')).toEqual(['Rita overdue', 'Ivan overdue 1', 'Ivan overdue 2', 'Rita today', 'Ivan later']);
		expect(await list('', owner.token)).toHaveLength(6);
		expect(await list(`?rep=${ivan.userId}`)).toEqual(['Ivan overdue 1', 'Ivan overdue 2', 'Ivan later']);
		expect(await list('?due=overdue')).toEqual(['Rita overdue', 'Ivan overdue 1', 'Ivan overdue 2']);
		expect(await list('?due=today')).toEqual(['Rita today']);
		expect(await list('?due=week')).toEqual(['Ivan later']);
		expect(await list('?due=later')).toEqual([]);
		expect(await list('?type=meeting')).toEqual([]);
		expect(await list(`?pipelineId=${secondId}`)).toEqual([]);
		expect(await list(`?pipelineId=${secondId}`, owner.token)).toEqual(['Rita renewal overdue']);
		expect((await api('GET', `/api/workspaces/${owner.workspaceId}/team-tasks?order=desc&limit=2`, undefined, manager.token)).body).toMatchObject({ total: 5 });
		expect((await api('GET', `/api/workspaces/${owner.workspaceId}/team-tasks`, undefined, ivan.token)).status).toBe(403);
		expect((await api('GET', `/api/workspaces/${owner.workspaceId}/team-tasks?due=soon`, undefined, manager.token)).status).toBe(422);

		const reassign = (json: unknown, token = manager.token) => api('POST', `/api/workspaces/${owner.workspaceId}/team-tasks/reassign`, json, token);
		const moved = await reassign({ taskIds: [deals.d1.task.id, deals.d2.task.id], assigneeId: rita.userId });
		expect(moved.status).toBe(200);
		expect(moved.body).toEqual({ reassigned: 2 });
		expect(await list(`?rep=${rita.userId}&due=overdue`)).toEqual(['Rita overdue', 'Ivan overdue 1', 'Ivan overdue 2']);
		// Through the board: the deal page reads the same.
		const page = await api('GET', `/api/deals/${deals.d1.deal.id}`);
		expect(page.body.tasks[0].assigneeId).toBe(rita.userId);
		// A task of a pipeline the manager does not see, someone outside the workspace, a rep: refused, nothing changed.
		expect((await reassign({ taskIds: [deals.d3.task.id, deals.d6.task.id], assigneeId: ivan.userId })).status).toBe(404);
		expect((await reassign({ taskIds: [deals.d3.task.id], assigneeId: 'nobody' })).status).toBe(422);
		expect((await reassign({ taskIds: [deals.d3.task.id], assigneeId: ivan.userId }, ivan.token)).status).toBe(403);
		expect((await reassign({ taskIds: [deals.d3.task.id, deals.d3.task.id], assigneeId: ivan.userId })).status).toBe(422);
		expect(await list(`?rep=${ivan.userId}`)).toEqual(['Ivan later']);
	});

	it('tells a stream when a deal moves and when a task falls due, and ends a removed member’s stream at once', async () => {
		const { url, owner, manager, api, deals, setNow } = await setUp();
		const managerStream = openEvents(`${url}/api/workspaces/${owner.workspaceId}/events`, manager.token);
		await until(() => managerStream.seen.some((e) => e.event === 'ready'), 'ready');
		expect(managerStream.state.status).toBe(200);

		await api('POST', `/api/deals/${deals.d1.deal.id}/move`, { stageId: owner.pipeline.stages[2]!.id });
		await until(() => managerStream.seen.some((e) => e.event === 'projection'), 'a projection event');
		expect(managerStream.seen.find((e) => e.event === 'projection')!.data).toEqual({ type: 'projection', pipelineId: owner.pipeline.id });

		// A task due in a moment: the stream hears when it falls due, with no write at all.
		setNow(new Date());
		const soon = new Date(Date.now() + 800).toISOString();
		await api('POST', `/api/deals/${deals.d1.deal.id}/tasks`, { type: 'call', title: 'Soon', dueAt: soon });
		await until(() => managerStream.seen.some((e) => e.event === 'due'), 'a due event');

		// Removed from the workspace: the stream ends, and a new one is refused.
		expect(managerStream.state.ended).toBe(false);
		expect((await api('DELETE', `/api/workspaces/${owner.workspaceId}/members/${manager.userId}`)).status).toBe(204);
		await until(() => managerStream.state.ended, 'the stream to end', 3000);
		const again = openEvents(`${url}/api/workspaces/${owner.workspaceId}/events`, manager.token);
		await again.done;
		expect(again.state.status).toBe(404);
	});
});
