import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { addMember, signUpOwner } from './support/board';
import { describeWithBrowser, launchBrowser, newUser } from './support/browser';

const baseUrl = inject('baseUrl');
const newPassword = 'lantern harbour sunday 7';

describeWithBrowser('resetting a forgotten password', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('an admin creates a link in settings; the member sets a new password with it and logs in', async () => {
		const owner = await signUpOwner(browser, baseUrl);
		const rita = await addMember(browser, baseUrl, owner, 'rep', 'Rita Reset');
		const ritaEmail = ((await (await rita.context.request.get('/api/me')).json()) as { user: { email: string } }).user.email;

		// The owner creates the link on Rita's row in the workspace settings.
		await owner.page.goto(`/w/${owner.workspaceId}/settings`);
		await owner.page.getByTestId('members').waitFor();
		await owner.page.getByRole('button', { name: 'Reset password of Rita Reset' }).click();
		const linkField = owner.page.getByRole('textbox', { name: 'Password reset link for Rita Reset' });
		await linkField.waitFor();
		const resetUrl = await linkField.inputValue();
		expect(resetUrl).toMatch(new RegExp(`^${baseUrl}/reset/[^/]+$`));

		// Rita, on another computer, opens the link and chooses a new password.
		const laptop = await newUser(browser, baseUrl);
		await laptop.page.goto(resetUrl);
		await laptop.page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
		await expect(laptop.page.getByText(ritaEmail).count()).resolves.toBe(1);
		await laptop.page.getByLabel('New password').fill('short');
		await laptop.page.getByRole('button', { name: 'Set password and log in' }).click();
		// The refusal comes back from the server: wait for it rather than count at once.
		await laptop.page.getByText('Use at least 10 characters.').waitFor();
		await laptop.page.getByLabel('New password').fill(newPassword);
		await laptop.page.getByRole('button', { name: 'Set password and log in' }).click();
		await laptop.page.waitForURL(`**/w/${owner.workspaceId}/board`);

		// Her old session elsewhere ended with the reset.
		expect((await rita.context.request.get('/api/me')).status()).toBe(401);

		// She logs out and back in with the new password through the login page.
		await laptop.page.getByRole('button', { name: 'Account menu' }).click();
		await laptop.page.getByRole('button', { name: 'Log out' }).click();
		await laptop.page.waitForURL('**/login');
		await laptop.page.getByLabel('Email').fill(ritaEmail);
		await laptop.page.getByLabel('Password').fill(newPassword);
		await laptop.page.getByRole('button', { name: 'Log in' }).click();
		await laptop.page.waitForURL(`**/w/${owner.workspaceId}/board`);

		// The link worked once.
		const again = await newUser(browser, baseUrl);
		await again.page.goto(resetUrl);
		await again.page.getByRole('heading', { name: "This link can't be used" }).waitFor();
		await expect(again.page.getByRole('alert').textContent()).resolves.toContain('already been used');

		for (const context of [owner.context, rita.context, laptop.context, again.context]) await context.close();
	});
});
