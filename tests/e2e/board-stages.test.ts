import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { describeWithBrowser, launchBrowser } from './support/browser';
import { addMember, column, dragStageBefore, firstPipeline, openBoard, signUpOwner, stageOrder, waitForStageOrder } from './support/board';

const baseUrl = inject('baseUrl');
/** Set BOARD_SHOTS to a folder to keep screenshots of the stage drag and the editor. */
const shots = process.env.BOARD_SHOTS;

describeWithBrowser('reordering stages on the live board', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('lets a manager drag a column by its header or move it with the arrow keys; others see the new order; a rep gets no grip', async () => {
		const owner = await signUpOwner(browser, baseUrl, 'Olga Owner');
		const manager = await addMember(browser, baseUrl, owner, 'manager', 'Mia Manager');
		const rep = await addMember(browser, baseUrl, owner, 'rep', 'Ron Rep');
		const pipeline = await firstPipeline(owner);
		await openBoard(manager, pipeline.id);
		await openBoard(rep, pipeline.id);
		const page = manager.page;
		const initial = ['New lead', 'Qualified', 'Meeting', 'Proposal', 'Negotiation'];
		expect(await stageOrder(page)).toEqual(initial);

		// A rep has no grip and cannot pick a column up.
		await expect(rep.page.locator('[data-stage-grip]').count()).resolves.toBe(0);
		await expect(rep.page.getByRole('button', { name: /^Move stage/ }).count()).resolves.toBe(0);
		await dragStageBefore(rep.page, 'Meeting', 'New lead');
		expect(await stageOrder(rep.page)).toEqual(initial);

		// The manager drags the third column before the first; the indicator shows where it lands.
		await expect(page.getByRole('button', { name: 'Move stage Meeting' }).count()).resolves.toBe(1);
		await dragStageBefore(page, 'Meeting', 'New lead', async () => {
			const indicator = page.locator('[data-stage-drop]');
			await indicator.waitFor();
			const bar = (await indicator.boundingBox())!;
			const first = (await column(page, 'New lead').boundingBox())!;
			expect(bar.x + bar.width).toBeLessThanOrEqual(first.x);
			await expect(column(page, 'Meeting').evaluate((el) => el.classList.contains('held'))).resolves.toBe(true);
			if (shots) await page.screenshot({ path: `${shots}/stage-drag-1280.png` });
		});
		const moved = ['Meeting', 'New lead', 'Qualified', 'Proposal', 'Negotiation'];
		expect(await stageOrder(page)).toEqual(moved);
		await expect(page.locator('[data-stage-drop]').count()).resolves.toBe(0);
		await waitForStageOrder(rep.page, moved);

		// Keyboard: arrow keys on a focused grip move the stage one place, and focus stays on it.
		await page.getByRole('button', { name: 'Move stage Proposal' }).focus();
		await page.keyboard.press('ArrowLeft');
		await page.keyboard.press('ArrowLeft');
		const byKeys = ['Meeting', 'Proposal', 'New lead', 'Qualified', 'Negotiation'];
		await waitForStageOrder(page, byKeys);
		await expect(page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).resolves.toBe('Move stage Proposal');
		await page.getByRole('status').filter({ hasText: 'Proposal moved to position 2 of 5.' }).waitFor();
		await waitForStageOrder(rep.page, byKeys);

		// The editor's Left and Right buttons still work, and the order survives a reload.
		await page.getByRole('button', { name: 'Edit stage Negotiation' }).click();
		await page.getByRole('button', { name: 'Move stage left' }).click();
		if (shots) await page.screenshot({ path: `${shots}/stage-editor-1280.png` });
		const byEditor = ['Meeting', 'Proposal', 'New lead', 'Negotiation', 'Qualified'];
		await waitForStageOrder(page, byEditor);
		await waitForStageOrder(rep.page, byEditor);
		await page.reload();
		await page.locator('[data-connection="live"]').waitFor();
		await waitForStageOrder(page, byEditor);

		await owner.context.close();
		await manager.context.close();
		await rep.context.close();
	});
});
