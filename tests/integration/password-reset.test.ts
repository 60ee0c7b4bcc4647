import { expect, it } from 'vitest';
import { describeEachDatabase } from '../support/databases.js';
import { ApiClient, createTestApp, joinAs, signUp, strongPassword, type TestApp } from '../support/api-client.js';

const newPassword = 'lantern-harbour-sunday-7';

function issueReset(admin: ApiClient, workspaceId: string, userId: string) {
	return admin.post(`/api/workspaces/${workspaceId}/members/${userId}/password-reset`);
}

const tokenOf = (url: string) => new URL(url).pathname.split('/').pop()!;

describeEachDatabase('password reset links', (database) => {
	async function workspaceWithRep(app: TestApp) {
		const owner = await signUp(app);
		const rep = await joinAs(app, owner.client, owner.workspace.id, 'rep');
		return { owner, rep };
	}

	it('lets an admin issue a link that sets a new password once and ends every session of the member', async () => {
		const app = createTestApp(database());
		const { owner, rep } = await workspaceWithRep(app);
		const admin = await joinAs(app, owner.client, owner.workspace.id, 'admin');
		const phone = new ApiClient(app);
		expect((await phone.post('/api/auth/login', { email: rep.email, password: strongPassword })).status).toBe(200);

		const issued = await issueReset(admin.client, owner.workspace.id, rep.user.id);
		expect(issued.status).toBe(201);
		expect(issued.body.url).toMatch(/^http:\/\/localhost\/reset\/[a-z2-7]{32}$/);
		expect(new Date(issued.body.expiresAt).getTime() - Date.now()).toBeGreaterThan(59 * 60_000);
		const token = tokenOf(issued.body.url);

		const preview = await new ApiClient(app).get(`/api/auth/password-reset/${token}`);
		expect(preview.status).toBe(200);
		expect(preview.body.user).toEqual({ id: rep.user.id, email: rep.email, name: rep.user.name, locale: null });

		const used = await new ApiClient(app).post(`/api/auth/password-reset/${token}`, { password: newPassword });
		expect(used.status).toBe(204);
		expect((await rep.client.get('/api/me')).status).toBe(401);
		expect((await phone.get('/api/me')).status).toBe(401);
		expect((await new ApiClient(app).post('/api/auth/login', { email: rep.email, password: strongPassword })).status).toBe(401);
		expect((await new ApiClient(app).post('/api/auth/login', { email: rep.email, password: newPassword })).status).toBe(200);

		const again = await new ApiClient(app).post(`/api/auth/password-reset/${token}`, { password: 'another-fine-secret-8' });
		expect(again.status).toBe(410);
		expect(again.body.error.code).toBe('reset_used');
		expect((await new ApiClient(app).get(`/api/auth/password-reset/${token}`)).status).toBe(410);
	});

	it('writes who issued a reset link and its use into the audit log', async () => {
		const app = createTestApp(database());
		const { owner, rep } = await workspaceWithRep(app);
		const token = tokenOf((await issueReset(owner.client, owner.workspace.id, rep.user.id)).body.url);
		expect((await new ApiClient(app).post(`/api/auth/password-reset/${token}`, { password: newPassword })).status).toBe(204);
		const log = await owner.client.get(`/api/workspaces/${owner.workspace.id}/audit?action=auth.password_reset_issued,auth.password_reset_used`);
		expect(log.status).toBe(200);
		const events = log.body.events as Array<{ action: string; actor: { id: string | null }; target: { id: string } }>;
		expect(events.map((event) => [event.action, event.actor.id, event.target.id])).toEqual([
			['auth.password_reset_used', rep.user.id, rep.user.id],
			['auth.password_reset_issued', owner.user.id, rep.user.id]
		]);
	});

	it('spends a link once even when it is used twice at the same moment', async () => {
		const app = createTestApp(database());
		const { owner, rep } = await workspaceWithRep(app);
		const token = tokenOf((await issueReset(owner.client, owner.workspace.id, rep.user.id)).body.url);
		const [first, second] = await Promise.all([
			new ApiClient(app).post(`/api/auth/password-reset/${token}`, { password: newPassword }),
			new ApiClient(app).post(`/api/auth/password-reset/${token}`, { password: 'another-fine-secret-8' })
		]);
		expect([first.status, second.status].sort()).toEqual([204, 410]);
	});

	it('refuses a link after its hour, and a weak password without spending the link', async () => {
		let now = new Date();
		const app = createTestApp(database(), { now: () => now });
		const { owner, rep } = await workspaceWithRep(app);
		const token = tokenOf((await issueReset(owner.client, owner.workspace.id, rep.user.id)).body.url);

		const weak = await new ApiClient(app).post(`/api/auth/password-reset/${token}`, { password: 'password123' });
		expect(weak.status).toBe(422);
		expect(weak.body.error.code).toBe('weak_password');
		expect(weak.body.error.issues[0].path).toBe('password');

		now = new Date(now.getTime() + 61 * 60_000);
		const late = await new ApiClient(app).post(`/api/auth/password-reset/${token}`, { password: newPassword });
		expect(late.status).toBe(410);
		expect(late.body.error.code).toBe('reset_expired');
		expect((await new ApiClient(app).post('/api/auth/login', { email: rep.email, password: strongPassword })).status).toBe(200);
	});

	it('lets only admins and owners issue links, and only owners for owners', async () => {
		const app = createTestApp(database());
		const { owner, rep } = await workspaceWithRep(app);
		const admin = await joinAs(app, owner.client, owner.workspace.id, 'admin');
		const manager = await joinAs(app, owner.client, owner.workspace.id, 'manager');

		const byRep = await issueReset(rep.client, owner.workspace.id, manager.user.id);
		expect(byRep.status).toBe(403);
		expect((await issueReset(manager.client, owner.workspace.id, rep.user.id)).status).toBe(403);
		const adminForOwner = await issueReset(admin.client, owner.workspace.id, owner.user.id);
		expect(adminForOwner.status).toBe(403);
		expect(adminForOwner.body.error.message).toMatch(/owner/);
		expect((await issueReset(owner.client, owner.workspace.id, admin.user.id)).status).toBe(201);
	});

	it('answers 404 for someone outside the workspace, and 403 for a member of a workspace the admin does not manage', async () => {
		const app = createTestApp(database());
		const { owner, rep } = await workspaceWithRep(app);
		const other = await signUp(app, { workspaceName: 'Other Co' });
		const outsider = await issueReset(owner.client, owner.workspace.id, other.user.id);
		expect(outsider.status).toBe(404);
		expect((await issueReset(owner.client, other.workspace.id, rep.user.id)).status).toBe(404);

		// The rep also owns a workspace of their own: a link from here would open it too.
		const repsOwn = await rep.client.post('/api/workspaces', { name: 'Side project' });
		expect(repsOwn.status).toBe(201);
		const reach = await issueReset(owner.client, owner.workspace.id, rep.user.id);
		expect(reach.status).toBe(403);
	});

	it('supersedes an earlier link and stops a link once the member has left the workspace', async () => {
		const app = createTestApp(database());
		const { owner, rep } = await workspaceWithRep(app);
		const first = tokenOf((await issueReset(owner.client, owner.workspace.id, rep.user.id)).body.url);
		const second = tokenOf((await issueReset(owner.client, owner.workspace.id, rep.user.id)).body.url);
		expect((await new ApiClient(app).get(`/api/auth/password-reset/${first}`)).status).toBe(404);
		expect((await new ApiClient(app).get(`/api/auth/password-reset/${second}`)).status).toBe(200);

		expect((await owner.client.delete(`/api/workspaces/${owner.workspace.id}/members/${rep.user.id}`)).status).toBe(204);
		expect((await new ApiClient(app).post(`/api/auth/password-reset/${second}`, { password: newPassword })).status).toBe(404);
	});

	it('lets the member in at once even when strangers had locked the account', async () => {
		const app = createTestApp(database());
		const { owner, rep } = await workspaceWithRep(app);
		for (let i = 0; i < 5; i++) {
			await new ApiClient(app).post('/api/auth/login', { email: rep.email, password: 'wrong-password-x1' }, { address: `198.51.100.${i}` });
		}
		expect((await new ApiClient(app).post('/api/auth/login', { email: rep.email, password: strongPassword })).status).toBe(429);
		const token = tokenOf((await issueReset(owner.client, owner.workspace.id, rep.user.id)).body.url);
		expect((await new ApiClient(app).post(`/api/auth/password-reset/${token}`, { password: newPassword })).status).toBe(204);
		expect((await new ApiClient(app).post('/api/auth/login', { email: rep.email, password: newPassword })).status).toBe(200);
	});
});
