import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { signUpOwner } from './support/board';
import { describeWithBrowser, launchBrowser } from './support/browser';

const baseUrl = inject('baseUrl');

describeWithBrowser('navigating while a page still loads', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('stays on the page the user went to when the board’s pipeline list arrives late', async () => {
		const owner = await signUpOwner(browser, baseUrl, 'Nina Nav');
		const { page } = owner;
		let release!: () => void;
		const held = new Promise<void>((resolve) => (release = resolve));
		await page.route(`**/api/workspaces/${owner.workspaceId}/pipelines`, async (route) => {
			await held;
			await route.continue();
		});
		await page.goto(`/w/${owner.workspaceId}/board`);
		await page.getByText('Opening the board…').waitFor();

		await page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: 'Settings' }).click();
		await page.getByRole('heading', { name: 'Members' }).waitFor();
		release();
		await page.waitForTimeout(1000);
		expect(new URL(page.url()).pathname).toBe(`/w/${owner.workspaceId}/settings`);
		await expect(page.getByRole('heading', { name: 'Members' }).isVisible()).resolves.toBe(true);
	});
});
