import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { updateDeal } from '../../src/lib/model';
import { connectBoard } from '../support/sync-server';
import { describeWithBrowser, launchBrowser } from './support/browser';
import { card, column, columnOf, createDeal, dragWithMouse, firstPipeline, openBoard, signUpOwner } from './support/board';

const baseUrl = inject('baseUrl');
/** Set BOARD_SHOTS to a folder to keep screenshots of a rotting card. */
const shots = process.env.BOARD_SHOTS;
const dayMs = 86_400_000;

describeWithBrowser('a deal card on the board', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('opens the deal page on a click that is not a drag, and from its Open deal link by keyboard', async () => {
		const owner = await signUpOwner(browser, baseUrl, 'Olga Owner');
		const pipeline = await firstPipeline(owner);
		const globex = await createDeal(owner, pipeline, 'Globex: annual licence', 'New lead');
		await openBoard(owner, pipeline.id);
		const page = owner.page;
		const dealUrl = `${baseUrl}/w/${owner.workspaceId}/deals/${globex}`;

		// A drag moves the card and stays on the board.
		await dragWithMouse(page, globex, 'Qualified');
		expect(await columnOf(page, globex)).toBe('Qualified');
		await page.waitForTimeout(100);
		expect(page.url()).toMatch(/\/board\/[^/]+$/);

		// A click (pointer down and up in place) opens the deal.
		const box = (await card(page, globex).boundingBox())!;
		await page.mouse.move(box.x + 60, box.y + 20);
		await page.mouse.down();
		await page.mouse.move(box.x + 62, box.y + 21);
		await page.mouse.up();
		await page.waitForURL(dealUrl);

		// Keyboard: Enter on the card still picks it up; Tab reaches the Open deal link.
		await page.goBack();
		await card(page, globex).waitFor();
		await card(page, globex).focus();
		await page.keyboard.press('Enter');
		await page.getByRole('status').filter({ hasText: 'Picked up Globex: annual licence' }).waitFor();
		await page.keyboard.press('Escape');
		await page.getByRole('status').filter({ hasText: 'Move cancelled' }).waitFor();
		await page.keyboard.press('Tab');
		await expect(page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).resolves.toBe('Open deal Globex: annual licence');
		const ring = await page.evaluate(() => getComputedStyle(document.activeElement!).boxShadow);
		expect(ring).not.toBe('none');
		await page.keyboard.press('Enter');
		await page.waitForURL(dealUrl);
		await owner.context.close();
	});

	it('marks a deal idle for longer than its stage allows as rotting', async () => {
		const owner = await signUpOwner(browser, baseUrl, 'Olga Owner');
		const pipeline = await firstPipeline(owner);
		const globex = await createDeal(owner, pipeline, 'Globex: annual licence', 'New lead');
		const initech = await createDeal(owner, pipeline, 'Initech: pilot', 'New lead');
		await openBoard(owner, pipeline.id);
		const page = owner.page;
		await card(page, globex).waitFor();
		await expect(page.locator('.rot').count()).resolves.toBe(0);

		// The owner (a manager and more) lets deals in New lead rot after one day.
		await page.getByRole('button', { name: 'Edit stage New lead' }).click();
		const rotting = column(page, 'New lead').getByLabel('Rotting after, days');
		await rotting.fill('1');
		await rotting.press('Tab');
		if (shots) await page.screenshot({ path: `${shots}/stage-editor-rot-1280.png` });
		await column(page, 'New lead').getByRole('button', { name: 'Done' }).click();

		// Globex was last changed three days ago: written through the server by a
		// stock Yjs client with the owner's API token, with the model's updateDeal.
		const token = await owner.context.request.post('/api/tokens', { data: { name: 'rotting test' } });
		expect(token.ok()).toBe(true);
		const client = connectBoard(baseUrl, pipeline.id, ((await token.json()) as { token: string }).token);
		try {
			await client.synced();
			const threeDaysAgo = new Date(Date.now() - 3 * dayMs - 60_000).toISOString();
			updateDeal(client.doc, globex, {}, { now: () => threeDaysAgo });
			// The board gets the change only from the server, after its checks passed.
			await card(page, globex).locator('.rot').waitFor({ timeout: 8000 });
			expect(client.refusals).toEqual([]);
		} finally {
			client.destroy();
		}

		const badge = card(page, globex).locator('.rot');
		await expect(badge.textContent()).resolves.toContain('3 d idle');
		await expect(badge.getAttribute('title')).resolves.toBe('No change for 3 days; this stage allows 1');
		await expect(card(page, globex).getAttribute('aria-label')).resolves.toContain('idle 3 days');
		// The deal changed a moment ago does not rot.
		await expect(card(page, initech).locator('.rot').count()).resolves.toBe(0);
		if (shots) await card(page, globex).screenshot({ path: `${shots}/rotting-card.png` });
		await owner.context.close();
	});
});
