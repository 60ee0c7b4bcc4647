import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { describeWithBrowser, launchBrowser, newUser, uniqueEmail } from './support/browser';
import { account, signUpWithWorkspace } from './support/flows';

const baseUrl = inject('baseUrl');

describeWithBrowser('logging in', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('refuses a wrong password, then logs in and returns to the page asked for', async () => {
		const carol = account('Carol Login', uniqueEmail('carol'));
		const { page, context } = await newUser(browser, baseUrl);
		const workspaceId = await signUpWithWorkspace(page, carol, 'Login Test Co');

		// Log out through the user menu.
		await page.getByRole('button', { name: 'Account menu' }).click();
		await page.getByRole('button', { name: 'Log out' }).click();
		await page.waitForURL('**/login');

		// A page behind the login sends the visitor to log in, and back after.
		await page.goto('/account');
		await page.waitForURL((url) => url.pathname === '/login' && url.searchParams.get('next') === '/account');

		await page.getByLabel('Email').fill(carol.email);
		await page.getByLabel('Password').fill('not the right password');
		await page.getByRole('button', { name: 'Log in' }).click();
		const alert = page.getByRole('alert');
		await alert.waitFor();
		await expect(alert.textContent()).resolves.toContain('The email or password is wrong.');
		expect(new URL(page.url()).pathname).toBe('/login');

		await page.getByLabel('Password').fill(carol.password);
		await page.getByRole('button', { name: 'Log in' }).click();
		await page.waitForURL('**/account');
		await page.getByRole('heading', { name: 'Account', exact: true }).waitFor();
		await expect(page.getByLabel('Display name').inputValue()).resolves.toBe(carol.name);

		// "/" remembers the workspace last used.
		await page.goto('/');
		await page.waitForURL(`**/w/${workspaceId}/board`);

		await context.close();
	});
});
