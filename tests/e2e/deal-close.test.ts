import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { describeWithBrowser, launchBrowser, newUser, uniqueEmail } from './support/browser';
import { account, signUpWithWorkspace } from './support/flows';

const baseUrl = inject('baseUrl');

describeWithBrowser('closing a deal', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('loses a deal only with a reason, shows it, and reopens with a new task', async () => {
		const { page } = await newUser(browser, baseUrl);
		const workspaceId = await signUpWithWorkspace(page, account('Lou Lost', uniqueEmail('lou')), `Close ${Date.now().toString(36)}`);
		const [pipeline] = (await (await page.request.get(`/api/workspaces/${workspaceId}/pipelines`)).json()) as { id: string }[];
		const created = await page.request.post(`/api/pipelines/${pipeline!.id}/deals`, {
			data: { title: 'Pied Piper storage', valueMinor: 900_000, currency: 'EUR', firstTask: { type: 'email', title: 'Send the proposal', dueAt: new Date(Date.now() + 3_600_000).toISOString() } }
		});
		const dealId = ((await created.json()) as { deal: { id: string } }).deal.id;

		await page.goto(`/w/${workspaceId}/deals/${dealId}`);
		await page.getByRole('heading', { name: 'Pied Piper storage' }).waitFor();
		await page.getByRole('button', { name: 'Lost', exact: true }).click();

		const dialog = page.getByRole('dialog', { name: 'Mark the deal as lost' });
		await dialog.waitFor();
		// Without a reason the dialog stays open and says why; nothing reaches the server.
		await dialog.getByRole('button', { name: 'Mark as lost' }).click();
		await dialog.getByText('Choose why the deal was lost.').waitFor();
		await expect(dialog.getByLabel('Lost reason').getAttribute('aria-invalid')).resolves.toBe('true');
		expect(((await (await page.request.get(`/api/deals/${dealId}`)).json()) as { deal: { status: string } }).deal.status).toBe('open');

		await dialog.getByLabel('Lost reason').selectOption('Chose a competitor');
		await dialog.getByLabel('Note (optional)').fill('Went with Hooli');
		await dialog.getByRole('button', { name: 'Mark as lost' }).click();
		await dialog.waitFor({ state: 'hidden' });

		await expect.poll(() => page.getByTestId('deal-status').textContent()).toBe('Lost');
		const outcome = page.getByTestId('deal-outcome');
		await expect.poll(() => outcome.textContent()).toContain('Chose a competitor');
		await expect(outcome.textContent()).resolves.toContain('Went with Hooli');
		const closed = (await (await page.request.get(`/api/deals/${dealId}`)).json()) as { deal: { status: string; lostReason: string; lostNote: string }; tasks: { done: boolean }[] };
		expect(closed.deal).toMatchObject({ status: 'lost', lostReason: 'Chose a competitor', lostNote: 'Went with Hooli' });
		expect(closed.tasks.every((task) => task.done)).toBe(true);

		// Reopening asks for the next task.
		await page.getByRole('button', { name: 'Reopen' }).click();
		const reopen = page.getByRole('dialog', { name: 'Reopen the deal' });
		await reopen.waitFor();
		await reopen.getByLabel('Task', { exact: true }).fill('Check in after their trial');
		await reopen.getByRole('button', { name: 'Next Monday' }).click();
		await reopen.getByRole('button', { name: 'Reopen deal' }).click();
		await reopen.waitFor({ state: 'hidden' });

		await expect.poll(() => page.getByTestId('deal-status').textContent()).toBe('Open');
		await expect.poll(() => page.getByTestId('task').filter({ hasText: 'Check in after their trial' }).getAttribute('data-done')).toBe('false');
		const reopened = (await (await page.request.get(`/api/deals/${dealId}`)).json()) as { deal: { status: string; lostReason: string | null; lostNote: string | null } };
		expect(reopened.deal).toMatchObject({ status: 'open', lostReason: null, lostNote: null });
	});
});
