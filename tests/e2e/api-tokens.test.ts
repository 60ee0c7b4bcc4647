import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { describeWithBrowser, launchBrowser, newUser, uniqueEmail } from './support/browser';
import { account, signUpWithWorkspace } from './support/flows';

const baseUrl = inject('baseUrl');

function meWithToken(token: string) {
	return fetch(`${baseUrl}/api/me`, { headers: { authorization: `Bearer ${token}` } });
}

describeWithBrowser('API tokens on the account page', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('creates a token that works and is shown once, then revokes it', async () => {
		const dave = account('Dave Integrator', uniqueEmail('dave'));
		const { page, context } = await newUser(browser, baseUrl);
		await signUpWithWorkspace(page, dave, 'Token Test Co');

		await page.getByRole('button', { name: 'Account menu' }).click();
		await page.getByRole('link', { name: 'Account' }).click();
		await page.waitForURL('**/account');
		await expect(page.getByRole('link', { name: 'API reference' }).first().getAttribute('href')).resolves.toBe('/api/docs');

		await page.getByLabel('Token name').fill('Website form');
		await page.getByRole('button', { name: 'Create token' }).click();
		const secretField = page.getByLabel('New API token');
		await secretField.waitFor();
		const secret = await secretField.inputValue();
		expect(secret.length).toBeGreaterThan(20);
		await expect(page.getByTestId('fresh-token').textContent()).resolves.toContain("won't be able to see it again");

		// The token really authenticates as Dave.
		const answer = await meWithToken(secret);
		expect(answer.status).toBe(200);
		expect(((await answer.json()) as { user: { email: string } }).user.email).toBe(dave.email);

		// After a reload the secret is gone for good, the token is still listed.
		await page.reload();
		const row = page.locator('[data-testid="token"][data-name="Website form"]');
		await row.waitFor();
		expect(await page.getByLabel('New API token').count()).toBe(0);
		expect(await page.content()).not.toContain(secret);
		// It was used a moment ago by the request above.
		await expect(row.textContent()).resolves.not.toContain('Never');

		await row.getByRole('button', { name: 'Revoke Website form' }).click();
		await page.getByRole('dialog').getByRole('button', { name: 'Revoke token' }).click();
		await row.waitFor({ state: 'detached' });
		await page.getByText('No tokens yet').waitFor();

		expect((await meWithToken(secret)).status).toBe(401);
		await context.close();
	});
});
