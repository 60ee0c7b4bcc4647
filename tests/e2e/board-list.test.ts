import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { describeWithBrowser, launchBrowser } from './support/browser';
import { card, createDeal, firstPipeline, openBoard, signUpOwner } from './support/board';

const baseUrl = inject('baseUrl');
/** Set BOARD_SHOTS to a folder to keep a screenshot of the list. */
const shots = process.env.BOARD_SHOTS;

describeWithBrowser('a list-mode pipeline on the board', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('shows every open deal in one list without stage columns, and columns again in free mode', async () => {
		const owner = await signUpOwner(browser, baseUrl, 'Olga Owner');
		const pipeline = await firstPipeline(owner);
		const page = owner.page;
		const toList = await page.request.patch(`/api/pipelines/${pipeline.id}`, { data: { mode: 'list' } });
		expect(toList.ok(), await toList.text()).toBe(true);
		const first = await createDeal(owner, pipeline, 'Initech: pilot', 'New lead');
		const second = await createDeal(owner, pipeline, 'Globex: renewal', 'Qualified');

		await openBoard(owner, pipeline.id);
		const list = page.locator('[data-deal-list]');
		await list.waitFor();
		await expect(list.count()).resolves.toBe(1);
		await card(page, first).waitFor();
		await card(page, second).waitFor();
		await expect(list.locator(`[data-deal-id="${first}"]`).count()).resolves.toBe(1);
		await expect(list.locator(`[data-deal-id="${second}"]`).count()).resolves.toBe(1);
		await expect(list.locator('h2').textContent()).resolves.toBeTruthy();
		await expect(list.getByLabel('2 deals', { exact: true }).count()).resolves.toBe(1);
		// No stage columns, stage headers, stage editor or dragging.
		await expect(page.locator('[data-drop-stage]').count()).resolves.toBe(0);
		await expect(page.getByRole('heading', { name: 'New lead', exact: true }).count()).resolves.toBe(0);
		await expect(page.getByRole('heading', { name: 'Qualified', exact: true }).count()).resolves.toBe(0);
		await expect(page.getByRole('button', { name: /^Edit stage/ }).count()).resolves.toBe(0);
		await expect(page.getByRole('button', { name: 'Add stage' }).count()).resolves.toBe(0);
		await expect(card(page, first).getAttribute('aria-roledescription')).resolves.toBe('deal');
		if (shots) await page.screenshot({ path: `${shots}/board-list-1280.png` });

		// Quick add still works: the new deal joins the list.
		await list.getByRole('button', { name: 'Add a deal' }).click();
		await page.getByRole('textbox', { name: 'Deal title' }).fill('Umbrella: trial');
		await page.getByRole('textbox', { name: 'Value' }).fill('5000');
		await page.getByRole('textbox', { name: 'Deal title' }).press('Enter');
		await list.locator('[data-deal-id]').filter({ hasText: 'Umbrella: trial' }).waitFor();

		const toFree = await page.request.patch(`/api/pipelines/${pipeline.id}`, { data: { mode: 'free' } });
		expect(toFree.ok(), await toFree.text()).toBe(true);
		await page.reload();
		await page.locator('[data-connection="live"]').waitFor();
		await page.locator('[data-drop-stage]').first().waitFor();
		await expect(page.locator('[data-deal-list]').count()).resolves.toBe(0);
		await expect(page.getByRole('heading', { name: 'New lead', exact: true }).count()).resolves.toBe(1);
		await expect(page.getByRole('heading', { name: 'Qualified', exact: true }).count()).resolves.toBe(1);
		await card(page, second).waitFor();
	});
});
