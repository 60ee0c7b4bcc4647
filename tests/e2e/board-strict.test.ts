import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { describeWithBrowser, launchBrowser } from './support/browser';
import { card, columnOf, dragWithMouse, firstPipeline, openBoard, signUpOwner } from './support/board';

const baseUrl = inject('baseUrl');
/** Set BOARD_SHOTS to a folder to keep screenshots of the required-fields editor. */
const shots = process.env.BOARD_SHOTS;

describeWithBrowser('a strict pipeline on the board', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('edits the fields a stage requires and refuses, locally, a skip or a deal that lacks them', async () => {
		const owner = await signUpOwner(browser, baseUrl, 'Olga Owner');
		const pipeline = await firstPipeline(owner);
		const request = owner.context.request;
		const strict = await request.patch(`/api/pipelines/${pipeline.id}`, { data: { mode: 'strict' } });
		expect(strict.ok(), await strict.text()).toBe(true);
		const created = await request.post(`/api/pipelines/${pipeline.id}/deals`, {
			data: {
				title: 'Initech: pilot',
				valueMinor: 0,
				currency: 'EUR',
				stageId: pipeline.stages.find((s) => s.name === 'New lead')!.id,
				firstTask: { type: 'call', title: 'Call back', dueAt: new Date(Date.now() + 86_400_000).toISOString() }
			}
		});
		expect(created.ok(), await created.text()).toBe(true);
		const dealId = ((await created.json()) as { deal: { id: string } }).deal.id;
		const stageOf = async () => ((await (await request.get(`/api/deals/${dealId}`)).json()) as { deal: { stageId: string } }).deal.stageId;
		const firstStage = await stageOf();

		await openBoard(owner, pipeline.id);
		const page = owner.page;

		// The second stage's editor offers the required fields; "A value" is set there.
		await page.getByRole('button', { name: 'Edit stage Qualified' }).click();
		const editor = page.getByRole('group', { name: 'Edit stage Qualified' });
		const valueBox = editor.getByRole('checkbox', { name: 'A value' });
		await valueBox.check();
		await expect(valueBox.isChecked()).resolves.toBe(true);
		await expect(editor.getByRole('checkbox', { name: 'A contact' }).isChecked()).resolves.toBe(false);
		if (shots) {
			await page.screenshot({ path: `${shots}/strict-editor-1280.png` });
			await page.setViewportSize({ width: 390, height: 844 });
			await editor.scrollIntoViewIfNeeded();
			await page.screenshot({ path: `${shots}/strict-editor-390.png` });
			await page.setViewportSize({ width: 1280, height: 800 });
		}
		// It is stored on the board: a reload still shows it.
		await page.waitForTimeout(300);
		await page.reload();
		await page.locator('[data-connection="live"]').waitFor();
		await page.getByRole('button', { name: 'Edit stage Qualified' }).click();
		await expect(page.getByRole('group', { name: 'Edit stage Qualified' }).getByRole('checkbox', { name: 'A value' }).isChecked()).resolves.toBe(true);
		await page.getByRole('group', { name: 'Edit stage Qualified' }).getByRole('button', { name: 'Done' }).click();

		// Skipping a stage is refused on the spot, with the reason on the card.
		await dragWithMouse(page, dealId, 'Meeting');
		expect(await columnOf(page, dealId)).toBe('New lead');
		await expect(card(page, dealId).getByRole('alert').textContent()).resolves.toContain('can only move on to "Qualified"');

		// The next stage wants a value, which the deal lacks.
		await dragWithMouse(page, dealId, 'Qualified');
		expect(await columnOf(page, dealId)).toBe('New lead');
		await expect(card(page, dealId).getByRole('alert').textContent()).resolves.toContain('"Qualified" needs a value');
		if (shots) await card(page, dealId).screenshot({ path: `${shots}/strict-refusal-card.png` });

		// Nor by keyboard.
		await card(page, dealId).focus();
		await page.keyboard.press('Space');
		await page.keyboard.press('ArrowRight');
		await page.keyboard.press('Space');
		await page.waitForTimeout(200);
		expect(await columnOf(page, dealId)).toBe('New lead');
		await expect(page.getByRole('status').filter({ hasText: 'stays where it was' }).count()).resolves.toBe(1);

		await page.waitForTimeout(500);
		expect(await stageOf()).toBe(firstStage);
		expect(await columnOf(page, dealId)).toBe('New lead');
	});
});
