import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { describeWithBrowser, launchBrowser } from './support/browser';
import { createDeal, firstPipeline, signUpOwner } from './support/board';

const baseUrl = inject('baseUrl');

describeWithBrowser('a deal’s whole history and its trash', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('sets the expected close date, shows value changes and a loss with its reason, and goes to the trash and back', async () => {
		const owner = await signUpOwner(browser, baseUrl, 'Hana History');
		const pipeline = await firstPipeline(owner);
		const dealId = await createDeal(owner, pipeline, 'Hooli cloud move', 'New lead');
		const { page, context } = owner;
		// The history compares with what the projection holds: let it hold the new deal before the change.
		expect((await context.request.get(`/api/deals/${dealId}`)).ok()).toBe(true);
		expect((await context.request.patch(`/api/deals/${dealId}`, { data: { valueMinor: 4_200_000, currency: 'EUR' } })).ok()).toBe(true);
		const deal = () => context.request.get(`/api/deals/${dealId}`).then((answer) => answer.json());

		await page.goto(`/w/${owner.workspaceId}/deals/${dealId}`);
		await page.getByRole('heading', { name: 'Hooli cloud move' }).waitFor();
		await page.getByLabel('Expected close').fill('2030-05-31');
		await page.getByLabel('Expected close').dispatchEvent('change');
		await expect.poll(async () => (await deal()).deal.expectedCloseDate).toBe('2030-05-31');

		expect((await context.request.post(`/api/deals/${dealId}/close`, { data: { outcome: 'lost', reason: 'No budget' } })).ok()).toBe(true);
		await page.reload();
		const timeline = page.getByTestId('timeline');
		await expect.poll(() => timeline.textContent()).toContain('closed the deal as lost: No budget');
		await expect(timeline.textContent()).resolves.toContain('changed the value from €12,500 to €42,000');
		await expect(timeline.textContent()).resolves.toContain('changed the expected close date');

		await page.getByRole('button', { name: 'Delete deal' }).click();
		const dialog = page.getByRole('dialog', { name: 'Delete this deal?' });
		await dialog.getByRole('button', { name: 'Delete deal' }).click();
		await page.getByTestId('deal-in-trash').waitFor();
		expect((await deal()).deal.deletedAt).not.toBeNull();
		// In the trash nothing but Restore is offered.
		await expect(page.getByRole('button', { name: 'Reopen' }).count()).resolves.toBe(0);
		const list = await (await context.request.get(`/api/pipelines/${pipeline.id}/deals`)).json();
		expect(list.deals.map((d: { id: string }) => d.id)).not.toContain(dealId);

		await page.getByRole('button', { name: 'Restore' }).click();
		await page.getByTestId('deal-in-trash').waitFor({ state: 'hidden' });
		expect((await deal()).deal.deletedAt).toBeNull();
		await expect.poll(() => timeline.textContent()).toContain('restored the deal from the trash');
	});
});
