import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { describeWithBrowser, launchBrowser, newUser, strongPassword, uniqueEmail } from './support/browser';
import { account, signUpWithWorkspace } from './support/flows';

const baseUrl = inject('baseUrl');

describeWithBrowser('audit log', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('shows an admin who did what, filtered by kind, and keeps it from a rep', async () => {
		const owner = await newUser(browser, baseUrl);
		const workspaceId = await signUpWithWorkspace(owner.page, account('Olga Owner', uniqueEmail('olga')), `Audit ${Date.now().toString(36)}`);
		const invite = await owner.page.request.post(`/api/workspaces/${workspaceId}/invites`, { data: { role: 'rep' } });
		const { token } = (await invite.json()) as { token: string };
		const rep = await newUser(browser, baseUrl);
		const joined = await rep.page.request.post('/api/auth/signup', {
			data: { name: 'Rita Rep', email: uniqueEmail('rita'), password: strongPassword, inviteToken: token }
		});
		expect(joined.status()).toBe(201);

		// From the settings page to the log.
		await owner.page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: 'Settings' }).click();
		await owner.page.getByTestId('audit-link').click();
		await owner.page.waitForURL(`**/w/${workspaceId}/settings/audit`);
		const events = owner.page.getByTestId('audit-event');
		await events.first().waitFor();
		await expect(events.allInnerTexts()).resolves.toEqual([
			expect.stringMatching(/^Rita Rep joined the workspace as Sales rep\s+just now/),
			expect.stringMatching(/^Olga Owner created an invite link for a Sales rep\s+just now/),
			expect.stringMatching(/^Olga Owner created the workspace Audit /)
		]);

		await owner.page.getByTestId('audit-filter').selectOption({ label: 'Sign-ins and passwords' });
		await owner.page.getByText('Nothing of this kind has happened yet.').waitFor();
		await owner.page.getByTestId('audit-filter').selectOption({ label: 'Members and invites' });
		await expect.poll(() => events.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-action')))).toEqual(['member.joined', 'invite.created']);

		// A rep has no link to it, and the page itself says no.
		await rep.page.goto(`/w/${workspaceId}/settings`);
		await rep.page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
		await expect(rep.page.getByTestId('audit-link').count()).resolves.toBe(0);
		await rep.page.goto(`/w/${workspaceId}/settings/audit`);
		await rep.page.getByText('Only owners and admins can read the audit log.').waitFor();
		await expect(rep.page.getByTestId('audit-event').count()).resolves.toBe(0);
	});
});
