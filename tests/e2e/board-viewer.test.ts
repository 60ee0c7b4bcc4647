import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { describeWithBrowser, launchBrowser } from './support/browser';
import {
	addMember,
	card,
	columnOf,
	createDeal,
	dragWithMouse,
	firstPipeline,
	openBoard,
	signUpOwner,
	waitForColumn
} from './support/board';

const baseUrl = inject('baseUrl');

describeWithBrowser('a viewer on the board', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('offers a viewer no way to change the board, and shows the refusal when a change is forced', async () => {
		const owner = await signUpOwner(browser, baseUrl, 'Olga Owner');
		const viewer = await addMember(browser, baseUrl, owner, 'viewer', 'Vera Viewer');
		const pipeline = await firstPipeline(owner);
		const globex = await createDeal(owner, pipeline, 'Globex: annual licence', 'New lead');
		await openBoard(owner, pipeline.id);
		await openBoard(viewer, pipeline.id);
		const page = viewer.page;
		await card(page, globex).waitFor();

		// No affordance: not draggable, no quick add, no stage editing.
		await expect(card(page, globex).getAttribute('aria-roledescription')).resolves.toBe('deal');
		await expect(page.getByRole('button', { name: /^Add a deal to/ }).count()).resolves.toBe(0);
		await expect(page.getByRole('button', { name: /^Edit stage/ }).count()).resolves.toBe(0);
		await expect(page.getByRole('button', { name: 'Add stage' }).count()).resolves.toBe(0);
		await expect(card(page, globex).evaluate((el) => getComputedStyle(el).cursor)).resolves.not.toBe('grab');

		// Neither the mouse nor the keyboard moves the card.
		await dragWithMouse(page, globex, 'Meeting');
		expect(await columnOf(page, globex)).toBe('New lead');
		await card(page, globex).focus();
		await page.keyboard.press('Space');
		await page.keyboard.press('ArrowRight');
		await page.keyboard.press('Space');
		expect(await columnOf(page, globex)).toBe('New lead');
		await expect(page.getByText('Picked up').count()).resolves.toBe(0);

		// Forced: the page is told the viewer is a rep, so it lets the card be dragged.
		// The move shows at once, the server refuses it, and the card comes back with the reason.
		await page.route(`**/api/pipelines/${pipeline.id}`, async (route) => {
			const response = await route.fetch();
			await route.fulfill({ response, json: { ...(await response.json()), role: 'rep' } });
		});
		await page.reload();
		await page.locator('[data-connection="live"]').waitFor();
		await page.locator(`[data-deal-id="${globex}"][aria-roledescription="draggable deal"]`).waitFor();
		await dragWithMouse(page, globex, 'Meeting');
		await card(page, globex).getByText('Viewers cannot change the board.').waitFor({ timeout: 5000 });
		await waitForColumn(page, globex, 'New lead', 5000);

		// The owner never saw it move.
		expect(await columnOf(owner.page, globex)).toBe('New lead');

		await owner.context.close();
		await viewer.context.close();
	});
});
