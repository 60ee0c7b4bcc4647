import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { describeWithBrowser, launchBrowser, newUser, uniqueEmail } from './support/browser';
import { account, signUpWithWorkspace, workspaceIdOf } from './support/flows';

const baseUrl = inject('baseUrl');

function memberRow(page: Page, email: string) {
	return page.locator(`[data-testid="member"][data-email="${email}"]`);
}

async function openSettings(page: Page) {
	await page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: 'Settings' }).click();
	await page.getByRole('heading', { name: 'Members' }).waitFor();
	await page.getByTestId('members').waitFor();
}

describeWithBrowser('inviting a teammate into a workspace', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('signs up, invites a manager by link, changes their role, and refuses the used link', async () => {
		const workspaceName = `Acme Sales ${Date.now().toString(36)}`;
		const alice = account('Alice Owner', uniqueEmail('alice'));
		const bob = account('Bob Closer', uniqueEmail('bob'));

		// A signs up and lands in the app shell of her new workspace.
		const a = await newUser(browser, baseUrl);
		const workspaceId = await signUpWithWorkspace(a.page, alice, workspaceName);
		await expect(a.page.getByTestId('current-workspace').textContent()).resolves.toBe(workspaceName);
		const boardLink = a.page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: 'Board' });
		await expect(boardLink.getAttribute('aria-current')).resolves.toBe('page');
		await a.page.getByRole('heading', { name: 'Board', exact: true }).waitFor();

		// A creates a single-use invite link for a manager.
		await openSettings(a.page);
		await expect(memberRow(a.page, alice.email).count()).resolves.toBe(1);
		await a.page.getByLabel('Role', { exact: true }).selectOption('manager');
		await a.page.getByRole('button', { name: 'Create invite link' }).click();
		const linkField = a.page.getByRole('textbox', { name: 'Invite link' });
		await linkField.waitFor();
		const inviteUrl = await linkField.inputValue();
		expect(inviteUrl).toMatch(new RegExp(`^${baseUrl}/invite/[^/]+$`));
		await expect(a.page.getByTestId('invite').textContent()).resolves.toContain('Manager');

		// B, logged out, opens the link and signs up through the invite form.
		const b = await newUser(browser, baseUrl);
		await b.page.goto(inviteUrl);
		await b.page.getByRole('heading', { name: `Join ${workspaceName}` }).waitFor();
		await expect(b.page.getByTestId('invite-role').textContent()).resolves.toBe('Manager');
		await expect(b.page.getByText('invited by Alice Owner').count()).resolves.toBe(1);
		await b.page.getByLabel('Your name').fill(bob.name);
		await b.page.getByLabel('Work email').fill(bob.email);
		await b.page.getByLabel('Choose a password').fill(bob.password);
		await b.page.getByRole('button', { name: 'Create account and join' }).click();
		await b.page.waitForURL(`**/w/${workspaceId}/board`);
		expect(workspaceIdOf(b.page)).toBe(workspaceId);
		await expect(b.page.getByTestId('current-workspace').textContent()).resolves.toBe(workspaceName);
		await expect(b.page.getByRole('button', { name: 'Switch workspace' }).textContent()).resolves.toContain('Manager');

		// A manager sees the members read-only: no role selects, no invite form.
		await openSettings(b.page);
		await expect(memberRow(b.page, bob.email).locator('[data-role]').getAttribute('data-role')).resolves.toBe('manager');
		await expect(b.page.getByRole('main').getByRole('combobox').count()).resolves.toBe(0);
		await expect(b.page.getByRole('button', { name: 'Create invite link' }).count()).resolves.toBe(0);

		// A reloads and sees B as a manager, then makes B a rep.
		await a.page.reload();
		await a.page.getByTestId('members').waitFor();
		const bobRole = a.page.getByLabel(`Role of ${bob.name}`);
		await expect(bobRole.inputValue()).resolves.toBe('manager');
		const changed = a.page.waitForResponse(
			(response) => response.request().method() === 'PATCH' && response.url().includes('/members/')
		);
		await bobRole.selectOption('rep');
		expect((await changed).status()).toBe(200);
		// The single-use link is spent, so it no longer counts as active.
		await a.page.getByText('No active invite links').waitFor();

		// B sees the new role after a reload.
		await b.page.reload();
		await b.page.getByTestId('members').waitFor();
		await expect(memberRow(b.page, bob.email).locator('[data-role]').getAttribute('data-role')).resolves.toBe('rep');
		await expect(b.page.getByRole('button', { name: 'Switch workspace' }).textContent()).resolves.toContain('Sales rep');

		// A third person opening the spent link is told it was used.
		const c = await newUser(browser, baseUrl);
		await c.page.goto(inviteUrl);
		await c.page.getByRole('heading', { name: "This invitation can't be used" }).waitFor();
		await expect(c.page.getByRole('alert').textContent()).resolves.toContain('already been used');
		await expect(c.page.getByRole('button', { name: 'Create account and join' }).count()).resolves.toBe(0);

		await Promise.all([a.context.close(), b.context.close(), c.context.close()]);
	});
});
