import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { describeWithBrowser, launchBrowser } from './support/browser';
import { addMember, card, createDeal, firstPipeline, openBoard, signUpOwner } from './support/board';

const baseUrl = inject('baseUrl');
/** Set BOARD_SHOTS to a folder to keep screenshots of a card's task control. */
const shots = process.env.BOARD_SHOTS;
const dayMs = 86_400_000;

interface DealAnswer {
	tasks: { id: string; type: string; title: string; done: boolean }[];
}

describeWithBrowser('completing the next task from a board card', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('marks a task done live; the last one asks what happens next; viewers get no control', async () => {
		const owner = await signUpOwner(browser, baseUrl, 'Olga Owner');
		const viewer = await addMember(browser, baseUrl, owner, 'viewer', 'Vera Viewer');
		const pipeline = await firstPipeline(owner);
		const request = owner.context.request;
		const dealId = await createDeal(owner, pipeline, 'Umbrella: renewal', 'New lead');
		const added = await request.post(`/api/deals/${dealId}/tasks`, {
			data: { type: 'email', title: 'Send the quote', dueAt: new Date(Date.now() + 3 * dayMs).toISOString() }
		});
		expect(added.ok(), await added.text()).toBe(true);
		const tasksOf = async () => ((await (await request.get(`/api/deals/${dealId}`)).json()) as DealAnswer).tasks;

		await openBoard(owner, pipeline.id);
		const page = owner.page;
		const first = page.getByRole('checkbox', { name: 'Complete “Call back”' });
		await first.waitFor();
		await expect(card(page, dealId).textContent()).resolves.toContain('Call back');

		// Reached with Tab from the card, after its Open deal link; not inside the card.
		await card(page, dealId).focus();
		await page.keyboard.press('Tab');
		await page.keyboard.press('Tab');
		await expect(first.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
		await expect(first.evaluate((el) => el.closest('[role="button"]') === null)).resolves.toBe(true);
		if (shots) {
			await page.screenshot({ path: `${shots}/card-task-1280.png` });
			await card(page, dealId).screenshot({ path: `${shots}/card-task-1280-card.png` });
		}

		// Another task stays open: the first is done at once, live, and the card moves on.
		await page.keyboard.press('Space');
		await page.getByRole('checkbox', { name: 'Complete “Send the quote”' }).waitFor();
		await expect(card(page, dealId).textContent()).resolves.toContain('Send the quote');
		expect(page.url()).toMatch(/\/board\/[^/]+$/);
		await expect.poll(async () => (await tasksOf()).find((t) => t.title === 'Call back')?.done, { timeout: 8000 }).toBe(true);
		// No drag started and nothing was picked up.
		await expect(card(page, dealId).getAttribute('class')).resolves.not.toContain('lifted');

		// The last open task: what happens next?
		await page.getByRole('checkbox', { name: 'Complete “Send the quote”' }).click();
		const dialog = page.getByRole('dialog', { name: 'What happens next?' });
		await dialog.waitFor();
		expect(page.url()).toMatch(/\/board\/[^/]+$/);
		await dialog.getByLabel('Type').selectOption('meeting');
		await dialog.getByLabel('Task', { exact: true }).fill('Demo with Umbrella');
		await dialog.getByRole('button', { name: 'In 3 days' }).click();
		await dialog.getByRole('button', { name: 'Complete and schedule' }).click();
		await dialog.waitFor({ state: 'hidden' });
		await page.getByRole('checkbox', { name: 'Complete “Demo with Umbrella”' }).waitFor();
		await expect(card(page, dealId).textContent()).resolves.toContain('Demo with Umbrella');
		// The board wrote it into the document; the server's lists follow a moment later.
		await expect.poll(async () => (await tasksOf()).find((t) => t.title === 'Demo with Umbrella')?.done, { timeout: 8000 }).toBe(false);
		const tasks = await tasksOf();
		expect(tasks.find((t) => t.title === 'Send the quote')?.done).toBe(true);
		expect(tasks.find((t) => t.title === 'Demo with Umbrella')).toMatchObject({ type: 'meeting', done: false });

		if (shots) {
			await page.setViewportSize({ width: 390, height: 844 });
			await card(page, dealId).scrollIntoViewIfNeeded();
			await page.screenshot({ path: `${shots}/card-task-390.png` });
		}

		// A viewer sees the task but cannot complete it.
		await openBoard(viewer, pipeline.id);
		await card(viewer.page, dealId).waitFor();
		await expect(card(viewer.page, dealId).textContent()).resolves.toContain('Demo with Umbrella');
		await expect(viewer.page.locator('[data-complete-task]').count()).resolves.toBe(0);
	});
});
