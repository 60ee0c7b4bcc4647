import { eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { recordAuditEvent } from '../../server/audit/audit-log.js';
import { auditEvents } from '../../server/db/schema.js';
import { describeEachDatabase } from '../support/databases.js';
import { ApiClient, createTestApp, joinAs, signUp, strongPassword, type TestApp } from '../support/api-client.js';

interface EventJson {
	id: string;
	at: string;
	action: string;
	actor: { id: string | null; name: string | null; kind: string; tokenId: string | null };
	target: { type: string; id: string; label: string | null };
	detail: Record<string, unknown> | null;
	address: string | null;
}

async function auditOf(client: ApiClient, workspaceId: string, query = ''): Promise<EventJson[]> {
	const answer = await client.get(`/api/workspaces/${workspaceId}/audit${query}`);
	expect(answer.status).toBe(200);
	return answer.body.events;
}

/** The newest event of the action, which must exist. */
async function lastEvent(client: ApiClient, workspaceId: string, action: string): Promise<EventJson> {
	const events = await auditOf(client, workspaceId, `?action=${action}`);
	expect(events.length, `an ${action} event`).toBeGreaterThan(0);
	return events[0]!;
}

/** The messages of the error a query failed with (drizzle wraps the driver's), or '' when it did not fail. */
async function refusal(query: Promise<unknown>): Promise<string> {
	try {
		await query;
		return '';
	} catch (error) {
		const messages: string[] = [];
		for (let current: unknown = error; current instanceof Error; current = current.cause) messages.push(current.message);
		return messages.join(' / ');
	}
}

describeEachDatabase('audit log', (database) => {
	let app: TestApp;
	const newApp = () => (app = createTestApp(database()));

	it('records the workspace, invites, joining, role changes and removals with actor and target', async () => {
		newApp();
		const owner = await signUp(app, { name: 'Olga Owner', workspaceName: 'Acme' });
		const id = owner.workspace.id;
		expect(await lastEvent(owner.client, id, 'workspace.created')).toMatchObject({
			actor: { id: owner.user.id, name: 'Olga Owner', kind: 'member' },
			target: { type: 'workspace', id, label: 'Acme' }
		});

		const invite = await owner.client.post(`/api/workspaces/${id}/invites`, { role: 'rep', maxUses: 2 });
		expect(await lastEvent(owner.client, id, 'invite.created')).toMatchObject({
			actor: { id: owner.user.id },
			target: { type: 'invite', id: invite.body.invite.id, label: 'rep' },
			detail: { role: 'rep', maxUses: 2 },
			address: '203.0.113.1'
		});

		const rita = new ApiClient(app);
		const joined = await rita.post('/api/auth/signup', { email: 'rita@example.com', password: strongPassword, name: 'Rita Rep', inviteToken: invite.body.token });
		const ritaId = joined.body.user.id;
		expect(await lastEvent(owner.client, id, 'member.joined')).toMatchObject({
			actor: { id: ritaId, kind: 'member' },
			target: { type: 'user', id: ritaId, label: 'Rita Rep' },
			detail: { role: 'rep', inviteId: invite.body.invite.id }
		});
		const existing = await signUp(app, { name: 'Erik Existing' });
		await existing.client.post(`/api/invites/${invite.body.token}/accept`);
		expect(await lastEvent(owner.client, id, 'member.joined')).toMatchObject({ actor: { id: existing.user.id }, target: { id: existing.user.id } });

		await owner.client.patch(`/api/workspaces/${id}/members/${ritaId}`, { role: 'manager' });
		expect(await lastEvent(owner.client, id, 'member.role_changed')).toMatchObject({
			actor: { id: owner.user.id },
			target: { type: 'user', id: ritaId, label: 'Rita Rep' },
			detail: { from: 'rep', to: 'manager' }
		});

		await owner.client.delete(`/api/workspaces/${id}/members/${existing.user.id}`);
		expect(await lastEvent(owner.client, id, 'member.removed')).toMatchObject({
			actor: { id: owner.user.id },
			target: { id: existing.user.id, label: 'Erik Existing' },
			detail: { role: 'rep' }
		});
		await rita.delete(`/api/workspaces/${id}/members/${ritaId}`);
		expect(await lastEvent(owner.client, id, 'member.left')).toMatchObject({ actor: { id: ritaId }, target: { id: ritaId } });

		await owner.client.delete(`/api/workspaces/${id}/invites/${invite.body.invite.id}`);
		expect(await lastEvent(owner.client, id, 'invite.revoked')).toMatchObject({ actor: { id: owner.user.id }, target: { id: invite.body.invite.id } });
	});

	it('records nothing for a change that was refused', async () => {
		newApp();
		const owner = await signUp(app);
		const id = owner.workspace.id;
		const before = await auditOf(owner.client, id);
		expect((await owner.client.patch(`/api/workspaces/${id}/members/${owner.user.id}`, { role: 'admin' })).status).toBe(409);
		expect((await owner.client.delete(`/api/workspaces/${id}/members/${owner.user.id}`)).status).toBe(409);
		expect((await owner.client.delete(`/api/workspaces/${id}/invites/nope`)).status).toBe(404);
		// Saving the same name changes nothing, so it records nothing.
		expect((await owner.client.patch(`/api/workspaces/${id}`, { name: 'Test Workspace' })).status).toBe(200);
		expect(await auditOf(owner.client, id)).toEqual(before);
	});

	it('records logins, failed logins, password changes and API tokens in every workspace of the user', async () => {
		newApp();
		const owner = await signUp(app, { name: 'Olga Owner' });
		const second = await owner.client.post('/api/workspaces', { name: 'Second' });
		const workspaceIds = [owner.workspace.id, second.body.workspace.id];

		const wrong = await new ApiClient(app).post('/api/auth/login', { email: owner.email, password: 'not-the-password' }, { address: '198.51.100.7' });
		expect(wrong.status).toBe(401);
		const browser = new ApiClient(app);
		expect((await browser.post('/api/auth/login', { email: owner.email, password: strongPassword }, { address: '198.51.100.8' })).status).toBe(200);
		const token = await browser.post('/api/tokens', { name: 'Zapier' });
		const script = browser.withToken(token.body.token);
		const other = await script.post('/api/tokens', { name: 'Spare' });
		expect((await script.delete(`/api/tokens/${other.body.id}`)).status).toBe(204);
		const newPassword = 'quince-harbour-friday-17';
		expect((await browser.post('/api/me/password', { currentPassword: strongPassword, newPassword })).status).toBe(204);

		for (const workspaceId of workspaceIds) {
			expect(await lastEvent(browser, workspaceId, 'auth.login_failed')).toMatchObject({
				actor: { id: null, kind: 'anonymous' },
				target: { type: 'user', id: owner.user.id },
				address: '198.51.100.7'
			});
			expect(await lastEvent(browser, workspaceId, 'auth.login')).toMatchObject({
				actor: { id: owner.user.id, kind: 'member' },
				target: { type: 'user', id: owner.user.id },
				address: '198.51.100.8'
			});
			expect(await lastEvent(browser, workspaceId, 'token.created')).toMatchObject({
				actor: { id: owner.user.id, kind: 'api-token', tokenId: token.body.id },
				target: { type: 'api-token', id: other.body.id, label: 'Spare' }
			});
			expect(await lastEvent(browser, workspaceId, 'token.revoked')).toMatchObject({
				actor: { kind: 'api-token', tokenId: token.body.id },
				target: { id: other.body.id, label: 'Spare' }
			});
			expect(await lastEvent(browser, workspaceId, 'auth.password_changed')).toMatchObject({ actor: { id: owner.user.id }, target: { id: owner.user.id } });
		}
	});

	it('shows a member’s account events only from when they joined, and no login for an unknown email', async () => {
		newApp();
		const owner = await signUp(app);
		const rep = await signUp(app, { name: 'Rita Rep' });
		expect((await new ApiClient(app).post('/api/auth/login', { email: rep.email, password: strongPassword })).status).toBe(200);
		const invite = await owner.client.post(`/api/workspaces/${owner.workspace.id}/invites`, { role: 'rep' });
		await rep.client.post(`/api/invites/${invite.body.token}/accept`);
		expect(await auditOf(owner.client, owner.workspace.id, '?action=auth.login')).toEqual([]);
		expect((await new ApiClient(app).post('/api/auth/login', { email: 'nobody@example.com', password: 'whatever-1234' })).status).toBe(401);
		expect((await new ApiClient(app).post('/api/auth/login', { email: rep.email, password: strongPassword })).status).toBe(200);
		const logins = await auditOf(owner.client, owner.workspace.id, '?action=auth.login,auth.login_failed');
		expect(logins.map((event) => [event.action, event.target.id])).toEqual([['auth.login', rep.user.id]]);
	});

	it('records workspace settings, lost reasons and pipeline changes', async () => {
		newApp();
		const owner = await signUp(app, { workspaceName: 'Acme' });
		const id = owner.workspace.id;
		const rep = await joinAs(app, owner.client, id, 'rep');

		await owner.client.patch(`/api/workspaces/${id}`, { name: 'Acme East', closedDealDays: 30 });
		expect(await lastEvent(owner.client, id, 'workspace.renamed')).toMatchObject({ detail: { from: 'Acme', to: 'Acme East' }, target: { id } });
		expect(await lastEvent(owner.client, id, 'workspace.settings_changed')).toMatchObject({ detail: { setting: 'closedDealDays', from: 7, to: 30 } });

		await owner.client.call('PUT', `/api/workspaces/${id}/lost-reasons`, { json: { labels: ['No budget', 'Too expensive'] } });
		expect(await lastEvent(owner.client, id, 'lost_reasons.changed')).toMatchObject({
			actor: { id: owner.user.id },
			detail: { from: ['No budget', 'Chose a competitor', 'No response', 'Deal impossible'], to: ['No budget', 'Too expensive'] }
		});

		const created = await owner.client.post(`/api/workspaces/${id}/pipelines`, { name: 'Renewals', mode: 'strict' });
		const pipelineId = created.body.id;
		expect(await lastEvent(owner.client, id, 'pipeline.created')).toMatchObject({
			actor: { id: owner.user.id },
			target: { type: 'pipeline', id: pipelineId, label: 'Renewals' },
			detail: { mode: 'strict' }
		});
		await owner.client.patch(`/api/pipelines/${pipelineId}`, { name: 'Renewals 2027', mode: 'free', access: 'members' });
		expect(await lastEvent(owner.client, id, 'pipeline.renamed')).toMatchObject({ target: { id: pipelineId }, detail: { from: 'Renewals', to: 'Renewals 2027' } });
		expect(await lastEvent(owner.client, id, 'pipeline.mode_changed')).toMatchObject({ detail: { from: 'strict', to: 'free' } });
		expect(await lastEvent(owner.client, id, 'pipeline.access_changed')).toMatchObject({ detail: { from: 'workspace', to: 'members' } });

		await owner.client.call('PUT', `/api/pipelines/${pipelineId}/members`, { json: { userIds: [rep.user.id] } });
		expect(await lastEvent(owner.client, id, 'pipeline.members_changed')).toMatchObject({
			target: { id: pipelineId, label: 'Renewals 2027' },
			detail: { added: [{ id: rep.user.id, name: 'A rep' }], removed: [] }
		});
		await owner.client.call('PUT', `/api/pipelines/${pipelineId}/members`, { json: { userIds: [] } });
		expect(await lastEvent(owner.client, id, 'pipeline.members_changed')).toMatchObject({ detail: { added: [], removed: [{ id: rep.user.id }] } });

		await owner.client.patch(`/api/pipelines/${pipelineId}`, { archived: true });
		expect(await lastEvent(owner.client, id, 'pipeline.archived')).toMatchObject({ actor: { id: owner.user.id }, target: { id: pipelineId } });
		await owner.client.patch(`/api/pipelines/${pipelineId}`, { archived: false });
		expect(await lastEvent(owner.client, id, 'pipeline.restored')).toMatchObject({ target: { id: pipelineId } });
	});

	it('is for owners and admins: 403 for managers, reps and viewers, 404 for strangers, 401 logged out', async () => {
		newApp();
		const owner = await signUp(app);
		const id = owner.workspace.id;
		const admin = await joinAs(app, owner.client, id, 'admin');
		for (const role of ['manager', 'rep', 'viewer']) {
			const member = await joinAs(app, owner.client, id, role);
			const answer = await member.client.get(`/api/workspaces/${id}/audit`);
			expect(answer.status, role).toBe(403);
			expect(JSON.stringify(answer.body)).not.toContain('member.joined');
		}
		const stranger = await signUp(app);
		expect((await stranger.client.get(`/api/workspaces/${id}/audit`)).status).toBe(404);
		expect((await new ApiClient(app).get(`/api/workspaces/${id}/audit`)).status).toBe(401);
		expect((await admin.client.get(`/api/workspaces/${id}/audit`)).status).toBe(200);
		expect((await owner.client.get(`/api/workspaces/${id}/audit`)).status).toBe(200);
		// The stranger's own workspace shows nothing of this one.
		const theirs = await auditOf(stranger.client, stranger.workspace.id);
		expect(theirs.every((event) => event.target.id !== id && event.actor.id !== owner.user.id)).toBe(true);
	});

	it('offers no way to write or delete the log through the API', async () => {
		newApp();
		const owner = await signUp(app);
		const id = owner.workspace.id;
		const before = await auditOf(owner.client, id);
		const eventId = before[0]!.id;
		const event = { action: 'auth.login', target: { type: 'user', id: 'x' } };
		for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
			for (const path of [`/api/workspaces/${id}/audit`, `/api/workspaces/${id}/audit/${eventId}`]) {
				const answer = await owner.client.call(method, path, { json: event });
				expect(answer.status, `${method} ${path}`).toBe(404);
			}
		}
		expect(await auditOf(owner.client, id)).toEqual(before);

		const spec = (await new ApiClient(app).get('/api/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
		const auditPaths = Object.entries(spec.paths).filter(([path]) => path.includes('audit'));
		expect(auditPaths.map(([path, methods]) => [path, Object.keys(methods)])).toEqual([['/api/workspaces/{workspaceId}/audit', ['get']]]);
	});

	it('refuses UPDATE, DELETE and TRUNCATE in the database itself, but lets a deleted workspace take its log', async () => {
		newApp();
		const owner = await signUp(app);
		const id = owner.workspace.id;
		const { db } = database();
		const count = async () => (await db.select({ n: sql<number>`count(*)::int` }).from(auditEvents).where(eq(auditEvents.workspaceId, id)))[0]!.n;
		const before = await count();
		expect(before).toBeGreaterThan(0);
		expect(await refusal(db.execute(sql`update audit_events set action = 'auth.login' where workspace_id = ${id}`))).toMatch(/append-only: UPDATE/);
		expect(await refusal(db.execute(sql`update audit_events set actor_id = null`))).toMatch(/append-only: UPDATE/);
		expect(await refusal(db.execute(sql`delete from audit_events where workspace_id = ${id}`))).toMatch(/append-only: DELETE/);
		expect(await refusal(db.execute(sql`truncate audit_events`))).toMatch(/append-only: TRUNCATE/);
		expect(await count()).toBe(before);
		expect((await lastEvent(owner.client, id, 'workspace.created')).action).toBe('workspace.created');

		// Appending still works, and erasing the workspace erases its log with it.
		await db.transaction((tx) =>
			recordAuditEvent(tx, { workspaceId: id, actorId: null, actorKind: 'system', action: 'pipeline.archived', target: { type: 'pipeline', id: 'p' }, at: new Date() })
		);
		expect(await count()).toBe(before + 1);
		await db.execute(sql`delete from workspaces where id = ${id}`);
		expect(await count()).toBe(0);
	});

	it('pages newest first with a cursor, and filters by action and actor', async () => {
		newApp();
		const owner = await signUp(app);
		const id = owner.workspace.id;
		const admin = await joinAs(app, owner.client, id, 'admin');
		for (let i = 0; i < 6; i++) await owner.client.post(`/api/workspaces/${id}/invites`, { role: 'viewer' });
		for (let i = 0; i < 3; i++) await admin.client.post(`/api/workspaces/${id}/invites`, { role: 'rep' });
		const all = await auditOf(owner.client, id, '?limit=200');

		const seen: EventJson[] = [];
		let cursor: string | null = null;
		let pages = 0;
		do {
			const answer: { status: number; body: { events: EventJson[]; nextCursor: string | null } } = await owner.client.get(
				`/api/workspaces/${id}/audit?limit=4${cursor ? `&before=${cursor}` : ''}`
			);
			expect(answer.status).toBe(200);
			expect(answer.body.events.length).toBeLessThanOrEqual(4);
			seen.push(...answer.body.events);
			cursor = answer.body.nextCursor;
			pages += 1;
		} while (cursor && pages < 20);
		expect(seen).toEqual(all);
		expect(pages).toBe(Math.ceil(all.length / 4));
		const ids = seen.map((event) => Number(event.id));
		expect(ids).toEqual([...ids].sort((a, b) => b - a));
		expect(new Set(ids).size).toBe(ids.length);

		const invites = await auditOf(owner.client, id, '?action=invite.created&limit=200');
		// The owner's six, the one the admin joined with, and the admin's three.
		expect(invites).toHaveLength(6 + 1 + 3);
		const byAdmin = await auditOf(owner.client, id, `?action=invite.created&actorId=${admin.user.id}`);
		expect(byAdmin).toHaveLength(3);
		expect(byAdmin.every((event) => event.actor.id === admin.user.id)).toBe(true);
		const mixed = await auditOf(owner.client, id, '?action=member.joined,workspace.created');
		expect(new Set(mixed.map((event) => event.action))).toEqual(new Set(['member.joined', 'workspace.created']));

		expect((await owner.client.get(`/api/workspaces/${id}/audit?action=deal.exploded`)).status).toBe(422);
		expect((await owner.client.get(`/api/workspaces/${id}/audit?limit=0`)).status).toBe(422);
		expect((await owner.client.get(`/api/workspaces/${id}/audit?before=abc`)).status).toBe(422);
	});
});
