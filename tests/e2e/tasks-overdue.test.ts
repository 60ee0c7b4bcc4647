import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { describeWithBrowser, launchBrowser, newUser, uniqueEmail } from './support/browser';
import { account, signUpWithWorkspace } from './support/flows';

const baseUrl = inject('baseUrl');

describeWithBrowser('my tasks', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('lists an overdue task under Overdue in red and counts it in the navigation', async () => {
		const { page } = await newUser(browser, baseUrl);
		const workspaceId = await signUpWithWorkspace(page, account('Otto Overdue', uniqueEmail('otto')), `Tasks ${Date.now().toString(36)}`);
		const [pipeline] = (await (await page.request.get(`/api/workspaces/${workspaceId}/pipelines`)).json()) as { id: string }[];
		const created = await page.request.post(`/api/pipelines/${pipeline!.id}/deals`, {
			data: { title: 'Vandelay import', valueMinor: 0, currency: 'EUR', firstTask: { type: 'call', title: 'Call Art back', dueAt: new Date(Date.now() + 5 * 86_400_000).toISOString() } }
		});
		const dealId = ((await created.json()) as { deal: { id: string } }).deal.id;
		const late = await page.request.post(`/api/deals/${dealId}/tasks`, {
			data: { type: 'email', title: 'Send the latex samples', dueAt: new Date(Date.now() - 2 * 3_600_000).toISOString() }
		});
		expect(late.status()).toBe(201);

		await page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: /Tasks/ }).click();
		await page.waitForURL(/\/tasks$/);

		const overdue = page.getByTestId('task-group-overdue');
		await overdue.getByRole('heading', { name: /Overdue/ }).waitFor();
		const row = overdue.getByTestId('my-task').filter({ hasText: 'Send the latex samples' });
		await row.waitFor();
		await expect(row.getAttribute('data-overdue')).resolves.toBe('true');
		const color = await row.locator('.due').evaluate((element) => getComputedStyle(element).color);
		expect(color).toBe('rgb(185, 28, 28)'); // --red-700
		await expect(row.getByRole('link', { name: 'Vandelay import' }).getAttribute('href')).resolves.toBe(`/w/${workspaceId}/deals/${dealId}`);
		// The other task is upcoming, not overdue.
		await page.getByTestId('task-group-upcoming').getByText('Call Art back').waitFor();

		const badge = page.getByRole('navigation', { name: 'Workspace' }).getByTestId('overdue-badge');
		await expect.poll(() => badge.textContent()).toBe('1');

		// Completing it from here (not the last task) needs no dialog, and the badge goes.
		await row.getByRole('checkbox', { name: 'Complete “Send the latex samples”' }).click();
		await expect.poll(() => overdue.count()).toBe(0);
		await expect.poll(() => badge.count()).toBe(0);

		// The deal's last task asks what happens next.
		await page.getByRole('checkbox', { name: 'Complete “Call Art back”' }).click();
		const dialog = page.getByRole('dialog', { name: 'What happens next?' });
		await dialog.waitFor();
		await dialog.getByRole('button', { name: 'Tomorrow 10:00' }).click();
		await dialog.getByRole('button', { name: 'Complete and schedule' }).click();
		await dialog.waitFor({ state: 'hidden' });
		await page.getByTestId('task-group-upcoming').getByText('Call: Vandelay import').waitFor();
	});
});
