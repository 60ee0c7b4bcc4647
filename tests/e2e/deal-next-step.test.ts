import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { describeWithBrowser, launchBrowser, newUser, uniqueEmail } from './support/browser';
import { account, signUpWithWorkspace } from './support/flows';

const baseUrl = inject('baseUrl');

interface DealPage {
	deal: { id: string; status: string };
	tasks: { id: string; type: string; title: string; done: boolean; dueAt: string }[];
}

/** A deal with one call due tomorrow, created over the API with the page's session. */
async function createDeal(page: Page, workspaceId: string, title: string): Promise<string> {
	const [pipeline] = (await (await page.request.get(`/api/workspaces/${workspaceId}/pipelines`)).json()) as { id: string }[];
	const created = await page.request.post(`/api/pipelines/${pipeline!.id}/deals`, {
		data: { title, valueMinor: 1_250_000, currency: 'EUR', firstTask: { type: 'call', title: 'Call Jane about the pilot', dueAt: new Date(Date.now() + 86_400_000).toISOString() } }
	});
	expect(created.status()).toBe(201);
	return ((await created.json()) as { deal: { id: string } }).deal.id;
}

describeWithBrowser('completing the last task of a deal', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('asks what happens next and schedules the next task in the same step', async () => {
		const { page } = await newUser(browser, baseUrl);
		const workspaceId = await signUpWithWorkspace(page, account('Nina Next', uniqueEmail('nina')), `Next ${Date.now().toString(36)}`);
		const dealId = await createDeal(page, workspaceId, 'Hooli pilot');

		await page.goto(`/w/${workspaceId}/deals/${dealId}`);
		await page.getByRole('heading', { name: 'Hooli pilot' }).waitFor();
		await page.getByRole('checkbox', { name: 'Complete “Call Jane about the pilot”' }).click();

		const dialog = page.getByRole('dialog', { name: 'What happens next?' });
		await dialog.waitFor();
		await dialog.getByLabel('Type').selectOption('meeting');
		await dialog.getByLabel('Task', { exact: true }).fill('Demo with the Hooli team');
		await dialog.getByRole('button', { name: 'In 3 days' }).click();
		await expect.poll(() => dialog.getByRole('button', { name: 'In 3 days' }).getAttribute('aria-pressed')).toBe('true');
		await dialog.getByRole('button', { name: 'Complete and schedule' }).click();
		await dialog.waitFor({ state: 'hidden' });

		// The page shows the old task done and the new one open.
		const openTask = page.getByTestId('task').filter({ hasText: 'Demo with the Hooli team' });
		await expect.poll(() => openTask.getAttribute('data-done')).toBe('false');
		await expect.poll(() => page.getByTestId('task').filter({ hasText: 'Call Jane about the pilot' }).getAttribute('data-done')).toBe('true');
		await expect(page.getByRole('checkbox', { name: 'Reopen “Call Jane about the pilot”' }).isChecked()).resolves.toBe(true);

		// And so does the server.
		const answer = (await (await page.request.get(`/api/deals/${dealId}`)).json()) as DealPage;
		expect(answer.deal.status).toBe('open');
		const byTitle = new Map(answer.tasks.map((task) => [task.title, task]));
		expect(byTitle.get('Call Jane about the pilot')?.done).toBe(true);
		const next = byTitle.get('Demo with the Hooli team');
		expect(next).toMatchObject({ type: 'meeting', done: false });
		const due = new Date(next!.dueAt);
		const expected = new Date();
		expected.setDate(expected.getDate() + 3);
		expect(due.getDate()).toBe(expected.getDate());
		expect(due.getHours()).toBe(10);
	});
});
