import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { describeWithBrowser, launchBrowser, newUser, uniqueEmail } from './support/browser';
import { account, signUpWithWorkspace } from './support/flows';

const baseUrl = inject('baseUrl');

describeWithBrowser('the control panel', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('updates live, without a reload, when a task falls due or is completed elsewhere; the wall screen shows it without navigation', async () => {
		const { page } = await newUser(browser, baseUrl);
		const workspaceId = await signUpWithWorkspace(page, account('Petra Panel', uniqueEmail('petra')), `Panel ${Date.now().toString(36)}`);
		const [pipeline] = (await (await page.request.get(`/api/workspaces/${workspaceId}/pipelines`)).json()) as { id: string }[];
		const created = await page.request.post(`/api/pipelines/${pipeline!.id}/deals`, {
			data: { title: 'Hooli renewal', valueMinor: 0, currency: 'EUR', firstTask: { type: 'call', title: 'Call Gavin', dueAt: new Date(Date.now() + 5 * 86_400_000).toISOString() } }
		});
		const dealId = ((await created.json()) as { deal: { id: string } }).deal.id;
		// Falls due four seconds from now: nobody writes anything when it does.
		const soon = await page.request.post(`/api/deals/${dealId}/tasks`, {
			data: { type: 'email', title: 'Send the quote', dueAt: new Date(Date.now() + 4000).toISOString() }
		});
		const taskId = ((await soon.json()) as { task: { id: string } }).task.id;

		await page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: 'Control panel' }).click();
		await page.waitForURL(/\/panel$/);
		const overdue = page.getByTestId('tile-overdue-value');
		await expect.poll(() => overdue.textContent()).toBe('0');
		await expect.poll(() => page.getByTestId('tile-today-value').textContent()).toBe('1');
		await page.getByTestId('panel-live').getByText('Live').waitFor();

		// The due time passes: the number changes by itself.
		await expect.poll(() => overdue.textContent(), { timeout: 10_000 }).toBe('1');
		await expect.poll(() => page.getByTestId('tile-today-value').textContent()).toBe('0');
		const rep = page.getByTestId('overdue-rep').filter({ hasText: 'Petra Panel' });
		await rep.getByRole('button').click();
		await page.getByTestId('overdue-tasks').getByText('Send the quote').waitFor();

		// Completed elsewhere (another tab, a phone, the API): the panel follows.
		const done = await page.request.patch(`/api/tasks/${taskId}`, { data: { done: true } });
		expect(done.status()).toBe(200);
		await expect.poll(() => overdue.textContent(), { timeout: 5000 }).toBe('0');
		await expect(page.getByText('Nothing overdue. Well done.').isVisible()).resolves.toBe(true);

		// The wall screen: no navigation, the same numbers in large type.
		await page.getByTestId('wall-link').click();
		await page.waitForURL(/wall=1/);
		await page.getByTestId('tile-overdue-value').waitFor();
		await expect(page.getByRole('navigation', { name: 'Workspace' }).count()).resolves.toBe(0);
		const size = await page.getByTestId('tile-overdue-value').evaluate((element) => parseFloat(getComputedStyle(element).fontSize));
		expect(size).toBeGreaterThanOrEqual(48);
	});
});
