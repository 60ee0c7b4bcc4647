import { expect, it } from 'vitest';
import { describeEachDatabase } from '../support/databases.js';
import { ApiClient, createTestApp, joinAs, signUp, strongPassword, uniqueEmail } from '../support/api-client.js';

describeEachDatabase('workspaces, members and invites', (database) => {
	it('lets a user create more workspaces and lists them all with roles', async () => {
		const app = createTestApp(database());
		const { client, workspace } = await signUp(app, { workspaceName: 'First' });
		const second = await client.post('/api/workspaces', { name: ' Renewals ' });
		expect(second.status).toBe(201);
		expect(second.body.workspace).toMatchObject({ name: 'Renewals', role: 'owner' });
		const me = await client.get('/api/me');
		expect(me.body.workspaces.map((w: { id: string }) => w.id)).toEqual([workspace.id, second.body.workspace.id]);
	});

	it('shows a workspace to members only: by id a stranger gets 404 everywhere', async () => {
		const app = createTestApp(database());
		const owner = await signUp(app);
		const stranger = await signUp(app);
		const id = owner.workspace.id;
		expect((await stranger.client.get(`/api/workspaces/${id}`)).status).toBe(404);
		expect((await stranger.client.get(`/api/workspaces/${id}/members`)).status).toBe(404);
		expect((await stranger.client.get(`/api/workspaces/${id}/invites`)).status).toBe(404);
		expect((await stranger.client.post(`/api/workspaces/${id}/invites`, { role: 'admin' })).status).toBe(404);
		expect((await stranger.client.patch(`/api/workspaces/${id}`, { name: 'Mine now' })).status).toBe(404);
		expect((await stranger.client.delete(`/api/workspaces/${id}/members/${owner.user.id}`)).status).toBe(404);
		expect((await owner.client.get(`/api/workspaces/${id}`)).body.workspace.name).toBe('Test Workspace');
	});

	it('joins by invite link with the invite’s role, once for a single-use link', async () => {
		const app = createTestApp(database());
		const owner = await signUp(app, { workspaceName: 'Acme' });
		const invite = await owner.client.post(`/api/workspaces/${owner.workspace.id}/invites`, { role: 'manager' });
		expect(invite.status).toBe(201);
		expect(invite.body.url).toBe(`http://localhost/invite/${invite.body.token}`);
		expect(invite.body.invite).toMatchObject({ role: 'manager', maxUses: 1, useCount: 0 });

		const preview = await new ApiClient(app).get(`/api/invites/${invite.body.token}`);
		expect(preview.body).toMatchObject({ workspace: { name: 'Acme' }, role: 'manager', invitedBy: 'Test User' });

		const colleague = await signUp(app, { workspaceName: 'Own' });
		const accepted = await colleague.client.post(`/api/invites/${invite.body.token}/accept`);
		expect(accepted.status).toBe(200);
		expect(accepted.body.workspace).toMatchObject({ id: owner.workspace.id, role: 'manager' });
		const members = await owner.client.get(`/api/workspaces/${owner.workspace.id}/members`);
		expect(members.body.members.find((m: { userId: string }) => m.userId === colleague.user.id).role).toBe('manager');

		const third = await signUp(app);
		const reused = await third.client.post(`/api/invites/${invite.body.token}/accept`);
		expect(reused.status).toBe(410);
		expect(reused.body.error.code).toBe('invite_used_up');
		expect((await new ApiClient(app).get(`/api/invites/${invite.body.token}`)).status).toBe(410);
		expect((await owner.client.get(`/api/workspaces/${owner.workspace.id}/invites`)).body.invites).toHaveLength(0);
	});

	it('signs a new person up straight into the invited workspace, and only once', async () => {
		const app = createTestApp(database());
		const owner = await signUp(app);
		const invite = await owner.client.post(`/api/workspaces/${owner.workspace.id}/invites`, { role: 'rep' });
		const newcomer = new ApiClient(app);
		const signup = await newcomer.post('/api/auth/signup', {
			email: uniqueEmail('rep'),
			password: strongPassword,
			name: 'Rita Rep',
			inviteToken: invite.body.token
		});
		expect(signup.status).toBe(201);
		expect(signup.body.workspace).toMatchObject({ id: owner.workspace.id, role: 'rep' });
		const me = await newcomer.get('/api/me');
		expect(me.body.workspaces).toEqual([{ id: owner.workspace.id, name: 'Test Workspace', role: 'rep' }]);

		// The used link fails the whole signup: no account is left behind.
		const email = uniqueEmail('late');
		const late = await new ApiClient(app).post('/api/auth/signup', {
			email,
			password: strongPassword,
			name: 'Late',
			inviteToken: invite.body.token
		});
		expect(late.status).toBe(410);
		expect((await new ApiClient(app).post('/api/auth/login', { email, password: strongPassword })).status).toBe(401);
	});

	it('refuses an expired invite and a revoked one', async () => {
		let now = new Date('2026-06-01T09:00:00Z');
		const app = createTestApp(database(), { now: () => now });
		const owner = await signUp(app);
		const base = `/api/workspaces/${owner.workspace.id}/invites`;
		const expiring = await owner.client.post(base, { role: 'rep', expiresInDays: 2, maxUses: null });
		const revoked = await owner.client.post(base, { role: 'rep' });
		expect((await owner.client.delete(`${base}/${revoked.body.invite.id}`)).status).toBe(204);
		const joiner = await signUp(app);
		const revokedAnswer = await joiner.client.post(`/api/invites/${revoked.body.token}/accept`);
		expect(revokedAnswer.status).toBe(410);
		expect(revokedAnswer.body.error.code).toBe('invite_revoked');

		now = new Date('2026-06-03T09:00:01Z');
		const expiredAnswer = await joiner.client.post(`/api/invites/${expiring.body.token}/accept`);
		expect(expiredAnswer.status).toBe(410);
		expect(expiredAnswer.body.error.code).toBe('invite_expired');
		expect((await joiner.client.get('/api/me')).body.workspaces).toHaveLength(1);
	});

	it('lets a multi-use link admit several people and an unknown link 404', async () => {
		const app = createTestApp(database());
		const owner = await signUp(app);
		const invite = await owner.client.post(`/api/workspaces/${owner.workspace.id}/invites`, { role: 'viewer', maxUses: 2 });
		for (let i = 0; i < 2; i++) {
			const person = await signUp(app);
			expect((await person.client.post(`/api/invites/${invite.body.token}/accept`)).status).toBe(200);
		}
		const third = await signUp(app);
		expect((await third.client.post(`/api/invites/${invite.body.token}/accept`)).status).toBe(410);
		expect((await third.client.post('/api/invites/not-a-real-token/accept')).status).toBe(404);
		const again = await owner.client.post(`/api/invites/${invite.body.token}/accept`);
		expect([409, 410]).toContain(again.status);
	});

	it('says 409 when a member opens an invite to their own workspace', async () => {
		const app = createTestApp(database());
		const owner = await signUp(app);
		const invite = await owner.client.post(`/api/workspaces/${owner.workspace.id}/invites`, { role: 'rep', maxUses: null });
		const answer = await owner.client.post(`/api/invites/${invite.body.token}/accept`);
		expect(answer.status).toBe(409);
		expect(answer.body.error.code).toBe('already_member');
	});

	it('keeps invites and role changes to admins, and owners to owners', async () => {
		const app = createTestApp(database());
		const owner = await signUp(app);
		const id = owner.workspace.id;
		const admin = await joinAs(app, owner.client, id, 'admin');
		const manager = await joinAs(app, owner.client, id, 'manager');
		const rep = await joinAs(app, owner.client, id, 'rep');

		expect((await manager.client.post(`/api/workspaces/${id}/invites`, { role: 'rep' })).status).toBe(403);
		expect((await rep.client.patch(`/api/workspaces/${id}/members/${manager.user.id}`, { role: 'viewer' })).status).toBe(403);
		expect((await admin.client.post(`/api/workspaces/${id}/invites`, { role: 'owner' })).status).toBe(403);
		expect((await admin.client.patch(`/api/workspaces/${id}/members/${rep.user.id}`, { role: 'owner' })).status).toBe(403);
		expect((await admin.client.patch(`/api/workspaces/${id}/members/${owner.user.id}`, { role: 'rep' })).status).toBe(403);

		const promoted = await admin.client.patch(`/api/workspaces/${id}/members/${rep.user.id}`, { role: 'manager' });
		expect(promoted.status).toBe(200);
		expect(promoted.body.member.role).toBe('manager');
		expect((await rep.client.get('/api/me')).body.workspaces[0].role).toBe('manager');

		const wrongRole = await admin.client.patch(`/api/workspaces/${id}/members/${rep.user.id}`, { role: 'boss' });
		expect(wrongRole.status).toBe(422);
	});

	it('keeps at least one owner', async () => {
		const app = createTestApp(database());
		const owner = await signUp(app);
		const id = owner.workspace.id;
		const demote = await owner.client.patch(`/api/workspaces/${id}/members/${owner.user.id}`, { role: 'admin' });
		expect(demote.status).toBe(409);
		expect(demote.body.error.code).toBe('last_owner');
		expect((await owner.client.delete(`/api/workspaces/${id}/members/${owner.user.id}`)).status).toBe(409);
		const second = await joinAs(app, owner.client, id, 'admin');
		expect((await owner.client.patch(`/api/workspaces/${id}/members/${second.user.id}`, { role: 'owner' })).status).toBe(200);
		expect((await owner.client.patch(`/api/workspaces/${id}/members/${owner.user.id}`, { role: 'admin' })).status).toBe(200);
	});

	it('cuts a removed member off at once, session still logged in', async () => {
		const app = createTestApp(database());
		const owner = await signUp(app);
		const id = owner.workspace.id;
		const rep = await joinAs(app, owner.client, id, 'rep');
		expect((await rep.client.get(`/api/workspaces/${id}/members`)).status).toBe(200);
		expect((await owner.client.delete(`/api/workspaces/${id}/members/${rep.user.id}`)).status).toBe(204);
		expect((await rep.client.get(`/api/workspaces/${id}/members`)).status).toBe(404);
		expect((await rep.client.get(`/api/workspaces/${id}`)).status).toBe(404);
		const me = await rep.client.get('/api/me');
		expect(me.status).toBe(200);
		expect(me.body.workspaces).toEqual([]);
	});

	it('lets a member leave, and renames only for admins', async () => {
		const app = createTestApp(database());
		const owner = await signUp(app);
		const id = owner.workspace.id;
		const viewer = await joinAs(app, owner.client, id, 'viewer');
		expect((await viewer.client.patch(`/api/workspaces/${id}`, { name: 'Hijacked' })).status).toBe(403);
		const renamed = await owner.client.patch(`/api/workspaces/${id}`, { name: 'Acme East' });
		expect(renamed.body.workspace.name).toBe('Acme East');
		expect((await viewer.client.delete(`/api/workspaces/${id}/members/${viewer.user.id}`)).status).toBe(204);
		expect((await viewer.client.get(`/api/workspaces/${id}`)).status).toBe(404);
	});
});
