import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eq } from 'drizzle-orm';
import { addStage, addTask, createDeal } from '../../src/lib/model/index.js';
import { interactions, stageEvents, tasksProjection as tasks } from '../../server/db/schema.js';
import type { RunningServer } from '../../server/server.js';
import { hasRoleAtLeast } from '../../server/workspaces/roles.js';
import { isWorkspaceScoped, methodOf, routeTable, routesOfDocument, type RouteCase } from '../support/api-routes.js';
import { describeEachDatabase } from '../support/databases.js';
import { connectBoard, eventually, startTestServer } from '../support/sync-server.js';
import { apiOver, buildWorkspace, memberRoles, readWorkspace, type Api, type Member, type WorkspaceFixture } from '../support/two-workspaces.js';

/** Opens /sync/<pipelineId> with a token: 'open', or the HTTP status it was refused with. */
function openBoard(baseUrl: string, pipelineId: string, token: string): Promise<number | 'open'> {
	return new Promise((resolve, reject) => {
		const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/sync/${encodeURIComponent(pipelineId)}?token=${token}`);
		socket.on('unexpected-response', (request, response) => {
			resolve(response.statusCode ?? 0);
			request.destroy();
		});
		socket.on('open', () => {
			resolve('open');
			socket.close();
		});
		socket.on('error', (error) => {
			if (!/unexpected server response|socket hang up|aborted/i.test(error.message)) reject(error);
		});
	});
}

/** A token one character off the real one (never the real one, whatever its last character). */
function guessFrom(token: string): string {
	return token.slice(0, -1) + (token.endsWith('x') ? 'y' : 'x');
}

const scopedRoutes = () => Object.entries(routeTable).filter(([, route]) => isWorkspaceScoped(route.scope));

describeEachDatabase('workspace isolation', (database) => {
	let server: RunningServer;
	let api: Api;
	let a: WorkspaceFixture;
	let b: WorkspaceFixture;

	beforeAll(async () => {
		server = await startTestServer(database());
		api = apiOver(server.url);
		a = await buildWorkspace(server.url, 'A');
		b = await buildWorkspace(server.url, 'B');
	});
	afterAll(async () => {
		await server?.close();
	});

	async function send(route: string, request: { path: string; json?: unknown; form?: Record<string, string> }, caller: Member) {
		return api(methodOf(route), request.path, caller.token, request.json, request.form);
	}

	it('has a case for every route of the OpenAPI document, and only for those', async () => {
		const document = await api('GET', '/api/openapi.json', b.members.owner.token);
		const documented = routesOfDocument(document.body).sort();
		expect(documented.length).toBeGreaterThan(30);
		expect(Object.keys(routeTable).sort()).toEqual(documented);
		// A write on a workspace's data with no least role would let viewers write.
		for (const [key, route] of Object.entries(routeTable)) {
			if (route.write && isWorkspaceScoped(route.scope)) expect(route.minRole, key).toBeDefined();
			if (route.write && isWorkspaceScoped(route.scope)) expect(route.minRole, key).not.toBe('viewer');
		}
	});

	it('answers every member of another workspace 404 on every route, by id, and changes nothing', async () => {
		const before = await readWorkspace(api, b);
		const leaks: string[] = [];
		for (const role of memberRoles) {
			const attacker = a.members[role];
			for (const [key, route] of scopedRoutes()) {
				const response = await send(key, route.request(b, attacker), attacker);
				if (response.status !== 404 || response.body?.error?.code !== 'not_found') leaks.push(`${role} ${key}: ${response.status}`);
			}
			// Another user's API token, by id.
			const revoke = await send('DELETE /api/tokens/{tokenId}', routeTable['DELETE /api/tokens/{tokenId}']!.request(b, attacker), attacker);
			if (revoke.status !== 404) leaks.push(`${role} revoke B's token: ${revoke.status}`);
		}
		expect(leaks).toEqual([]);
		expect(await readWorkspace(api, b)).toEqual(before);
	});

	it('refuses B’s ids under A’s own URLs and in A’s request bodies', async () => {
		const before = await readWorkspace(api, b);
		const owner = a.members.owner;
		const w = a.workspaceId;
		const probes: Array<[method: string, path: string, json: unknown, expected: number[]]> = [
			['PATCH', `/api/workspaces/${w}/members/${b.members.rep.userId}`, { role: 'viewer' }, [404]],
			['DELETE', `/api/workspaces/${w}/members/${b.members.rep.userId}`, undefined, [404]],
			['DELETE', `/api/workspaces/${w}/invites/${b.inviteId}`, undefined, [404]],
			['POST', `/api/workspaces/${w}/sample-data`, { pipelineId: b.pipelineId, count: 1 }, [404]],
			['POST', `/api/pipelines/${a.pipelineId}/deals/bulk`, { dealIds: [b.dealId], changes: { stageId: a.stageIds[0] } }, [422]],
			['POST', `/api/pipelines/${a.pipelineId}/deals/bulk`, { dealIds: [a.dealId], changes: { ownerId: b.members.rep.userId } }, [422]],
			['POST', `/api/pipelines/${a.pipelineId}/deals/bulk`, { dealIds: [a.dealId], changes: { stageId: b.stageIds[1] } }, [422]],
			[
				'POST',
				`/api/pipelines/${a.pipelineId}/deals`,
				{ title: 'x', valueMinor: 0, currency: 'EUR', stageId: b.stageIds[0], firstTask: { type: 'call', title: 'x', dueAt: '2030-01-01T00:00:00Z' } },
				[422]
			],
			[
				'POST',
				`/api/pipelines/${a.pipelineId}/deals`,
				{ title: 'x', valueMinor: 0, currency: 'EUR', ownerId: b.members.rep.userId, firstTask: { type: 'call', title: 'x', dueAt: '2030-01-01T00:00:00Z' } },
				[422]
			],
			['PUT', `/api/pipelines/${a.pipelineId}/members`, { userIds: [b.members.manager.userId] }, [422]],
			['PATCH', `/api/deals/${a.dealId}`, { ownerId: b.members.rep.userId }, [422]],
			['POST', `/api/deals/${a.dealId}/move`, { stageId: b.stageIds[0] }, [422]],
			['POST', `/api/deals/${a.dealId}/close`, { outcome: 'won', completeTaskIds: [b.taskId] }, [422]],
			['POST', `/api/deals/${a.dealId}/tasks`, { type: 'call', title: 'x', dueAt: '2030-01-01T00:00:00Z', assigneeId: b.members.rep.userId }, [422]],
			['PATCH', `/api/tasks/${a.taskId}`, { assigneeId: b.members.rep.userId }, [422]],
			['POST', `/api/deals/${a.lostDealId}/reopen`, { task: { type: 'call', title: 'x', dueAt: '2030-01-01T00:00:00Z', assigneeId: b.members.rep.userId } }, [422]],
			// Contacts and companies: B's records are not found from A, in URLs or bodies.
			['POST', `/api/workspaces/${w}/contacts`, { name: 'x', companyId: b.companyId }, [422]],
			['POST', `/api/contacts/${a.contactId}/merge`, { otherId: b.contactId }, [404]],
			['POST', `/api/companies/${a.companyId}/merge`, { otherId: b.companyId }, [404]],
			['POST', `/api/workspaces/${w}/links`, { fromKind: 'contact', fromId: a.contactId, toKind: 'contact', toId: b.contactId, relation: 'x' }, [404]],
			['DELETE', `/api/workspaces/${w}/links/${b.linkId}`, undefined, [404]],
			['PATCH', `/api/contacts/${a.contactId}`, { companyId: b.companyId }, [422]],
			['PATCH', `/api/deals/${a.dealId}`, { contactId: b.contactId }, [422]],
			['PATCH', `/api/deals/${a.dealId}`, { companyId: b.companyId }, [422]],
			[
				'POST',
				`/api/pipelines/${a.pipelineId}/deals`,
				{ title: 'x', valueMinor: 0, currency: 'EUR', contactId: b.contactId, firstTask: { type: 'call', title: 'x', dueAt: '2030-01-01T00:00:00Z' } },
				[422]
			],
			// Guessed invite links.
			['GET', `/api/invites/${guessFrom(b.inviteToken)}`, undefined, [404]],
			['POST', `/api/invites/${guessFrom(b.inviteToken)}/accept`, undefined, [404]]
		];
		const wrong: string[] = [];
		for (const [method, path, json, expected] of probes) {
			const response = await api(method, path, owner.token, json);
			if (!expected.includes(response.status)) wrong.push(`${method} ${path} ${JSON.stringify(json)}: ${response.status}`);
		}
		expect(wrong).toEqual([]);
		// A's duplicate check and search never answer with B's records, though B has the same phone and tax id.
		const duplicates = await api('POST', `/api/workspaces/${w}/contacts/duplicates`, owner.token, { name: 'B secret contact', phones: ['+7 912 345-67-89'] });
		expect(duplicates.body.candidates.map((c: { id: string }) => c.id)).toEqual([a.contactId]);
		const companyDuplicates = await api('POST', `/api/workspaces/${w}/companies/duplicates`, owner.token, { taxId: '7707083893' });
		expect(companyDuplicates.body.candidates).toEqual([]);
		const found = await api('GET', `/api/workspaces/${w}/search?q=${encodeURIComponent('B secret')}`, owner.token);
		expect(JSON.stringify(found.body)).not.toContain('B secret');
		expect((await api('GET', `/api/workspaces/${w}/contacts?q=secret`, owner.token)).body.items.map((c: { id: string }) => c.id)).toEqual([a.contactId]);
		// Filtering A's deals by B's stage or owner finds nothing, and says nothing of B.
		const filtered = await api('GET', `/api/pipelines/${a.pipelineId}/deals?stage=${b.stageIds[1]}&owner=${b.members.rep.userId}`, owner.token);
		expect(filtered.body).toEqual({ deals: [], total: 0 });
		// Fields a body has no business setting are refused by name, and nothing is written.
		const mass = await api('PATCH', `/api/deals/${a.dealId}`, owner.token, { title: 'Renamed by mass assignment', pipelineId: b.pipelineId, workspaceId: b.workspaceId, id: b.dealId });
		expect(mass.status).toBe(422);
		expect(mass.body.error.message).toMatch(/pipelineId.*workspaceId.*id|Unrecognized keys/);
		const deal = await api('GET', `/api/deals/${a.dealId}`, owner.token);
		expect(deal.body.deal).toMatchObject({ id: a.dealId, pipelineId: a.pipelineId });
		expect(deal.body.deal.title).not.toBe('Renamed by mass assignment');
		expect(await readWorkspace(api, b)).toEqual(before);
	});

	it('refuses another workspace’s live board before the socket opens', async () => {
		for (const role of memberRoles) {
			const token = a.members[role].token;
			expect([403, 404], `${role} on B's board`).toContain(await openBoard(server.url, b.pipelineId, token));
			expect([403, 404], `${role} on B's private board`).toContain(await openBoard(server.url, b.privatePipelineId, token));
		}
		// A pipeline limited to its members: a rep of B who is not listed is refused too.
		expect([403, 404]).toContain(await openBoard(server.url, b.privatePipelineId, b.members.rep.token));
		expect([403, 404]).toContain(await openBoard(server.url, '..%2F' + b.pipelineId, a.members.owner.token));
		// The same probes open for those who may: the refusals are about access.
		expect(await openBoard(server.url, b.privatePipelineId, b.members.manager.token)).toBe('open');
		expect(await openBoard(server.url, b.pipelineId, b.members.viewer.token)).toBe('open');
	});

	it('refuses every role below a route’s least role: viewers write nothing, reps do no admin work', async () => {
		const before = await readWorkspace(api, b);
		const wrong: string[] = [];
		for (const role of memberRoles) {
			const caller = b.members[role];
			for (const [key, route] of scopedRoutes()) {
				if (!route.minRole || hasRoleAtLeast(role, route.minRole)) continue;
				const response = await send(key, route.request(b, caller), caller);
				if (response.status !== 403 || response.body?.error?.code !== 'forbidden') wrong.push(`${role} ${key}: ${response.status}`);
			}
		}
		expect(wrong).toEqual([]);
		expect(await readWorkspace(api, b)).toEqual(before);
	});

	it('hides a members-only pipeline from the members not listed in it', async () => {
		const before = await readWorkspace(api, b);
		const hidden = { ...b, pipelineId: b.privatePipelineId };
		const wrong: string[] = [];
		for (const role of ['rep', 'viewer'] as const) {
			const caller = b.members[role];
			for (const [key, route] of scopedRoutes().filter(([, route]) => route.scope === 'pipeline')) {
				const response = await send(key, route.request(hidden, caller), caller);
				if (response.status !== 404) wrong.push(`${role} ${key}: ${response.status}`);
			}
			const listed = await api('GET', `/api/workspaces/${b.workspaceId}/pipelines`, caller.token);
			expect(listed.body.map((pipeline: { id: string }) => pipeline.id)).not.toContain(b.privatePipelineId);
		}
		expect(wrong).toEqual([]);
		const managers = await api('GET', `/api/workspaces/${b.workspaceId}/pipelines`, b.members.manager.token);
		expect(managers.body.map((pipeline: { id: string }) => pipeline.id)).toContain(b.privatePipelineId);
		expect(await readWorkspace(api, b)).toEqual(before);
	});

	it('keeps another board’s stages out of a deal’s stage history when a stage id is reused', async () => {
		const before = await readWorkspace(api, b);
		// A manager of A reuses the id of B's stage that B's deal moved into.
		const board = connectBoard(server.url, a.pipelineId, a.members.manager.token);
		await board.synced();
		addStage(board.doc, { id: b.stageIds[1]!, name: 'A copycat stage', kind: 'open', probability: 10 }, null);
		await eventually(async () => {
			const pipeline = await api('GET', `/api/pipelines/${a.pipelineId}`, a.members.owner.token);
			return pipeline.body.stages.some((stage: { name: string }) => stage.name === 'A copycat stage');
		}, 'A has the copycat stage');
		board.destroy();
		const move = await api('POST', `/api/deals/${a.dealId}/move`, a.members.rep.token, { stageId: b.stageIds[1] });
		expect(move.status).toBe(200);
		// And out of it again, so the shared id is both a "to" and a "from".
		expect((await api('POST', `/api/deals/${a.dealId}/move`, a.members.rep.token, { stageId: a.stageIds[0] })).status).toBe(200);
		await eventually(async () => (await database().db.select().from(stageEvents).where(eq(stageEvents.dealId, a.dealId))).length === 4, 'A’s moves are projected');
		const page = await api('GET', `/api/deals/${a.dealId}`, a.members.owner.token);
		const aStages = (await api('GET', `/api/pipelines/${a.pipelineId}`, a.members.owner.token)).body.stages as Array<{ id: string; name: string }>;
		const nameOf = (id: string | null) => (id === null ? null : (aStages.find((stage) => stage.id === id)?.name ?? null));
		expect(page.body.stageHistory.map((event: { toStage: string }) => event.toStage)).toEqual([nameOf(a.stageIds[0]!), 'A copycat stage', nameOf(a.stageIds[1]!), nameOf(a.stageIds[0]!)]);
		for (const event of page.body.stageHistory) {
			expect(event.toStage).toBe(nameOf(event.toStageId));
			expect(event.fromStage).toBe(nameOf(event.fromStageId));
		}
		expect(await readWorkspace(api, b)).toEqual(before);
	});

	it('keeps another board’s tasks, moves and notes off a deal page when a deal id is reused', async () => {
		const before = (await api('GET', `/api/deals/${b.dealId}`, b.members.owner.token)).body;
		const list = (await api('GET', `/api/pipelines/${b.pipelineId}/deals`, b.members.owner.token)).body;
		// A rep of A tries to create, on A's board, a deal with the id of B's deal: the board refuses it.
		const board = connectBoard(server.url, a.pipelineId, a.members.rep.token);
		await board.synced();
		const clock = { now: () => new Date().toISOString() };
		createDeal(
			board.doc,
			{ id: b.dealId, title: 'A impostor', valueMinor: 1, currency: 'EUR', stageId: a.stageIds[0]!, ownerId: a.members.rep.userId },
			{ id: 'impostor-task', type: 'call', title: 'A impostor task', dueAt: '2029-01-01T00:00:00Z' },
			clock
		);
		await eventually(() => board.refusals.some((refusal) => /another board/.test(refusal.message)), 'the board refuses B’s id');
		// The reads must hold even if such rows existed (an id collision in old data): plant them.
		await database().db.insert(tasks).values({
			id: 'impostor-task',
			pipelineId: a.pipelineId,
			dealId: b.dealId,
			type: 'call',
			title: 'A impostor task',
			dueAt: new Date('2029-01-01T00:00:00Z'),
			assigneeId: a.members.rep.userId,
			done: false,
			auto: false
		});
		await database().db.insert(stageEvents).values({ pipelineId: a.pipelineId, dealId: b.dealId, fromStageId: null, toStageId: a.stageIds[0]!, userId: a.members.rep.userId, at: new Date() });
		// A timeline entry of A that names B's deal id, as a colliding import would.
		await database().db.insert(interactions).values({
			id: 'impostor-note',
			workspaceId: a.workspaceId,
			dealId: b.dealId,
			kind: 'note',
			text: 'A impostor note',
			at: new Date(),
			userId: a.members.rep.userId
		});
		board.destroy();
		const after = (await api('GET', `/api/deals/${b.dealId}`, b.members.owner.token)).body;
		expect(after.tasks).toEqual(before.tasks);
		expect(after.stageHistory).toEqual(before.stageHistory);
		expect(after.interactions).toEqual(before.interactions);
		const listAfter = (await api('GET', `/api/pipelines/${b.pipelineId}/deals`, b.members.owner.token)).body;
		const nextTaskOf = (body: typeof list) => body.deals.map((deal: { id: string; nextTask: unknown }) => [deal.id, deal.nextTask]);
		expect(nextTaskOf(listAfter)).toEqual(nextTaskOf(list));
		// A's own task list names only deals of A's own board.
		const aDeals = (await api('GET', `/api/pipelines/${a.pipelineId}/deals`, a.members.owner.token)).body.deals.map((deal: { id: string }) => deal.id);
		const myTasks = (await api('GET', `/api/workspaces/${a.workspaceId}/my-tasks`, a.members.rep.token)).body;
		for (const task of [...myTasks.tasks, ...myTasks.done]) expect(aDeals).toContain(task.deal.id);
		// A sees nothing of B through the reused id.
		expect((await api('GET', `/api/deals/${b.dealId}`, a.members.owner.token)).status).toBe(404);
	});

	it('refuses a deal id of another board on the socket and leaves B’s projected row alone', async () => {
		const board = connectBoard(server.url, a.pipelineId, a.members.rep.token);
		await board.synced();
		const clock = { now: () => new Date().toISOString() };
		createDeal(
			board.doc,
			{ id: b.lostDealId, title: 'A overwrites', valueMinor: 1, currency: 'EUR', stageId: a.stageIds[0]!, ownerId: a.members.rep.userId },
			{ id: 'overwrite-task', type: 'call', title: 'A overwrite task', dueAt: '2030-01-01T00:00:00Z' },
			clock
		);
		await eventually(() => board.refusals.some((refusal) => /another board/.test(refusal.message)), 'the board refuses B’s id');
		board.destroy();
		expect(await database().db.select().from(tasks).where(eq(tasks.id, 'overwrite-task'))).toEqual([]);
		const page = await api('GET', `/api/deals/${b.lostDealId}`, b.members.owner.token);
		expect(page.body.deal).toMatchObject({ title: 'B lost deal', status: 'lost', ownerId: b.members.rep.userId });
	});

	it('refuses a task id of another board on the socket and leaves B’s projected task alone', async () => {
		const board = connectBoard(server.url, a.pipelineId, a.members.rep.token);
		await board.synced();
		addTask(board.doc, a.dealId, { id: b.taskId, type: 'todo', title: 'A overwrites a task', dueAt: '2030-01-01T00:00:00Z' });
		await eventually(() => board.refusals.some((refusal) => /another board/.test(refusal.message)), 'the board refuses B’s id');
		board.destroy();
		expect(await database().db.select().from(tasks).where(eq(tasks.title, 'A overwrites a task'))).toEqual([]);
		const page = await api('GET', `/api/deals/${b.dealId}`, b.members.owner.token);
		expect(page.body.tasks.map((task: { id: string; title: string }) => [task.id, task.title])).toContainEqual([b.taskId, 'B send proposal']);
	});

	it('refuses a manager who rewrites which workspace their board belongs to', async () => {
		const board = connectBoard(server.url, a.pipelineId, a.members.manager.token);
		await board.synced();
		board.doc.getMap('meta').set('workspaceId', b.workspaceId);
		try {
			await eventually(() => board.refusals.length > 0, 'the board refuses the new workspaceId', 1000);
		} finally {
			board.destroy();
		}
	});

	it('accepts every probe from a member with the role: the refusals above are about access, not input', async () => {
		const c = await buildWorkspace(server.url, 'C');
		// Probes that end what later ones need go last.
		const last = [
			'POST /api/contacts/{id}/merge',
			'POST /api/companies/{id}/merge',
			'DELETE /api/deals/{dealId}',
			'POST /api/deals/{dealId}/restore',
			'POST /api/deals/{dealId}/close',
			'PATCH /api/pipelines/{pipelineId}',
			'DELETE /api/workspaces/{workspaceId}/invites/{inviteId}',
			'DELETE /api/workspaces/{workspaceId}/members/{userId}'
		];
		const ordered = scopedRoutes().sort(([x], [y]) => last.indexOf(x) - last.indexOf(y));
		const refused: string[] = [];
		for (const [key, route] of ordered as Array<[string, RouteCase]>) {
			const caller = c.members[route.minRole ?? 'viewer'];
			const response = await send(key, route.request(c, caller), caller);
			if (response.status >= 300) refused.push(`${key}: ${response.status} ${JSON.stringify(response.body)}`);
		}
		expect(refused).toEqual([]);
	});
});
