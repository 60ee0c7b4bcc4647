import type { Browser, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { card, column, columnOf, createDeal, firstPipeline, signUpOwner, waitForColumn, waitForConnection, type BoardUser, type PipelineInfo } from './support/board';
import { describeWithBrowser, launchBrowser, newPhone } from './support/browser';

const baseUrl = inject('baseUrl');
/** Set BOARD_SHOTS to a folder to keep screenshots of the phone board, its picker and the Move to sheet. */
const shots = process.env.BOARD_SHOTS;

/** The column that fills most of the screen: the one the user sees. */
async function columnOnScreen(page: Page): Promise<string | null> {
	return page.evaluate(() => {
		let best: { name: string; width: number } | null = null;
		for (const column of document.querySelectorAll('[data-drop-stage]')) {
			const rect = column.getBoundingClientRect();
			const width = Math.min(rect.right, innerWidth) - Math.max(rect.left, 0);
			const name = column.querySelector('h2')?.textContent?.trim() ?? '';
			if (width > 0 && (!best || width > best.width)) best = { name, width };
		}
		return best?.name ?? null;
	});
}

/**
 * Waits for the column to be the one on screen and for the columns to stop
 * scrolling: a picker's jump scrolls smoothly, and a finger that lands while
 * that scroll still runs stops it where it is, so a swipe then would start
 * from halfway.
 */
async function waitForColumnOnScreen(page: Page, name: string): Promise<void> {
	await expect.poll(() => columnOnScreen(page), { timeout: 5000 }).toBe(name);
	await page.evaluate(
		() =>
			new Promise<void>((resolve, reject) => {
				let scroller = document.querySelector('[data-drop-stage]')?.parentElement ?? null;
				while (scroller && scroller.scrollWidth <= scroller.clientWidth) scroller = scroller.parentElement;
				if (!scroller) return resolve();
				const columns = scroller;
				let last = columns.scrollLeft;
				let still = 0;
				const deadline = performance.now() + 5000;
				const check = () => {
					still = columns.scrollLeft === last ? still + 1 : 0;
					last = columns.scrollLeft;
					if (still >= 8) resolve();
					else if (performance.now() > deadline) reject(new Error('the columns kept scrolling for 5 s'));
					else requestAnimationFrame(check);
				};
				requestAnimationFrame(check);
			})
	);
	await expect.poll(() => columnOnScreen(page), { timeout: 5000 }).toBe(name);
}

/** The picker's current chip. */
function currentChip(page: Page) {
	return page.getByRole('navigation', { name: 'Stages' }).locator('[aria-current="true"]');
}

/** One finger through the DevTools protocol: the browser turns it into touch and pointer events and scrolls as for a real one. */
function finger(cdp: CDPSession) {
	const send = (type: 'touchStart' | 'touchMove' | 'touchEnd', x: number, y: number) =>
		cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x, y }] });
	return {
		down: (x: number, y: number) => send('touchStart', x, y),
		up: () => send('touchEnd', 0, 0),
		/** Moves in small steps, one a frame, as a finger does. */
		async move(page: Page, from: [number, number], to: [number, number], steps = 12) {
			for (let step = 1; step <= steps; step++) {
				await send('touchMove', from[0] + ((to[0] - from[0]) * step) / steps, from[1] + ((to[1] - from[1]) * step) / steps);
				await page.waitForTimeout(16);
			}
		}
	};
}

async function stageOfDeal(user: BoardUser, dealId: string): Promise<{ stageId: string; status: string }> {
	const answer = await user.context.request.get(`/api/deals/${dealId}`);
	return ((await answer.json()) as { deal: { stageId: string; status: string } }).deal;
}

function stageId(pipeline: PipelineInfo, name: string): string {
	return pipeline.stages.find((stage) => stage.name === name)!.id;
}

describeWithBrowser('the board on a phone', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	async function phoneBoard(owner: BoardUser, pipeline: PipelineInfo, size = { width: 390, height: 844 }) {
		const phone = await newPhone(browser, baseUrl, size, await owner.context.storageState());
		await phone.page.goto(`/w/${owner.workspaceId}/board/${pipeline.id}`);
		await waitForConnection(phone.page, 'live');
		return phone;
	}

	it('shows one column at a time: the picker jumps to a column and a swipe, on a card too, turns to the next', async () => {
		const owner = await signUpOwner(browser, baseUrl, 'Olga Owner');
		const pipeline = await firstPipeline(owner);
		const globex = await createDeal(owner, pipeline, 'Globex: annual licence', 'New lead');
		await createDeal(owner, pipeline, 'Initech: pilot', 'Qualified');
		await createDeal(owner, pipeline, 'Hooli: renewal', 'Qualified');
		const { context, page } = await phoneBoard(owner, pipeline);
		await card(page, globex).waitFor();

		await waitForColumnOnScreen(page, 'New lead');
		await expect(currentChip(page).innerText()).resolves.toMatch(/New lead\s+1\s+€12\.5K/);
		const qualifiedChip = page.getByRole('navigation', { name: 'Stages' }).getByRole('button', { name: /^Qualified/ });
		await expect(qualifiedChip.innerText()).resolves.toMatch(/Qualified\s+2\s+€25K/);
		if (shots) await page.screenshot({ path: `${shots}/phone-board-390.png` });

		await qualifiedChip.click();
		await waitForColumnOnScreen(page, 'Qualified');
		await expect(currentChip(page).getAttribute('data-pick-stage')).resolves.toBe(stageId(pipeline, 'Qualified'));

		// A swipe from right to left that starts on a card scrolls: no long press, no drag.
		const touch = finger(await context.newCDPSession(page));
		const box = (await column(page, 'Qualified').locator('[data-deal-id]').first().boundingBox())!;
		const start: [number, number] = [box.x + box.width - 40, box.y + 40];
		await touch.down(...start);
		await touch.move(page, start, [start[0] - 260, start[1] + 6], 10);
		await touch.up();
		await waitForColumnOnScreen(page, 'Meeting');
		await expect(currentChip(page).getAttribute('data-pick-stage')).resolves.toBe(stageId(pipeline, 'Meeting'));
		await expect(page.locator('.floating').count()).resolves.toBe(0);
		// Nothing moved.
		await expect(stageOfDeal(owner, globex)).resolves.toMatchObject({ stageId: stageId(pipeline, 'New lead') });
		await context.close();
		await owner.context.close();
	});

	it('moves a card with a long press and a drag to the screen edge, turning one column', async () => {
		const owner = await signUpOwner(browser, baseUrl, 'Olga Owner');
		const pipeline = await firstPipeline(owner);
		const globex = await createDeal(owner, pipeline, 'Globex: annual licence', 'New lead');
		const { context, page } = await phoneBoard(owner, pipeline);
		await waitForColumnOnScreen(page, 'New lead');
		const touch = finger(await context.newCDPSession(page));
		const box = (await card(page, globex).boundingBox())!;
		const start: [number, number] = [box.x + 80, box.y + 30];

		// Held still past the long press, the card lifts and follows the finger.
		await touch.down(...start);
		await page.waitForTimeout(550);
		await page.locator('div.floating:not(.deal)').waitFor();
		const edge: [number, number] = [384, start[1] + 120];
		await touch.move(page, start, edge, 14);
		// At the edge long enough for one turn, not two.
		await page.waitForTimeout(1000);
		if (shots) await page.screenshot({ path: `${shots}/phone-drag-390.png` });
		const middle: [number, number] = [200, start[1] + 60];
		await touch.move(page, edge, middle, 8);
		await page.waitForTimeout(600);
		await waitForColumnOnScreen(page, 'Qualified');
		await touch.up();

		await waitForColumn(page, globex, 'Qualified');
		await expect.poll(async () => (await stageOfDeal(owner, globex)).stageId, { timeout: 8000 }).toBe(stageId(pipeline, 'Qualified'));
		await context.close();
		await owner.context.close();
	});

	it('moves a deal with the Move to stage sheet, by finger and by keyboard, and closes it as won through the close dialog', async () => {
		const owner = await signUpOwner(browser, baseUrl, 'Olga Owner');
		const pipeline = await firstPipeline(owner);
		const globex = await createDeal(owner, pipeline, 'Globex: annual licence', 'New lead');
		const { context, page } = await phoneBoard(owner, pipeline);
		const sheet = page.getByTestId('move-sheet');

		await page.locator(`[data-move-deal="${globex}"]`).tap();
		await sheet.getByRole('heading', { name: 'Move to stage' }).waitFor();
		const current = sheet.locator('[aria-current="true"]');
		await expect(current.innerText()).resolves.toMatch(/New lead/);
		await expect(page.evaluate(() => document.activeElement?.getAttribute('data-move-choice'))).resolves.toBe(stageId(pipeline, 'New lead'));
		if (shots) await page.screenshot({ path: `${shots}/phone-sheet-390.png` });
		await sheet.getByRole('button', { name: 'Meeting', exact: true }).tap();
		await waitForColumn(page, globex, 'Meeting');
		await expect.poll(async () => (await stageOfDeal(owner, globex)).stageId, { timeout: 8000 }).toBe(stageId(pipeline, 'Meeting'));
		await waitForColumnOnScreen(page, 'Meeting');

		// The keyboard: Enter on the card's Move button, Down to the next stage, Enter.
		await page.locator(`[data-move-deal="${globex}"]`).focus();
		await page.keyboard.press('Enter');
		await sheet.getByRole('heading', { name: 'Move to stage' }).waitFor();
		await page.keyboard.press('ArrowDown');
		await page.keyboard.press('Enter');
		await waitForColumn(page, globex, 'Proposal');
		await expect.poll(async () => (await stageOfDeal(owner, globex)).stageId, { timeout: 8000 }).toBe(stageId(pipeline, 'Proposal'));

		// Won goes through the deal's close dialog.
		await page.locator(`[data-move-deal="${globex}"]`).tap();
		await sheet.getByRole('button', { name: 'Won…', exact: true }).tap();
		const dialog = page.getByTestId('close-deal-dialog');
		await dialog.getByRole('button', { name: 'Mark as won' }).tap();
		await expect.poll(async () => (await stageOfDeal(owner, globex)).status, { timeout: 8000 }).toBe('won');
		await expect(columnOf(page, globex)).resolves.toBe(null);
		await context.close();
		await owner.context.close();
	});

	it('offers only the next stage in a strict pipeline, as a drop would', async () => {
		const owner = await signUpOwner(browser, baseUrl, 'Olga Owner');
		const pipeline = await firstPipeline(owner);
		const strict = await owner.context.request.patch(`/api/pipelines/${pipeline.id}`, { data: { mode: 'strict' } });
		expect(strict.ok(), await strict.text()).toBe(true);
		const globex = await createDeal(owner, pipeline, 'Globex: annual licence', 'New lead');
		const { context, page } = await phoneBoard(owner, pipeline);
		const sheet = page.getByTestId('move-sheet');

		await page.locator(`[data-move-deal="${globex}"]`).tap();
		await sheet.getByText('This pipeline is strict').waitFor();
		await expect(sheet.getByRole('button', { name: 'Meeting', exact: true }).getAttribute('aria-disabled')).resolves.toBe('true');
		await expect(sheet.getByRole('button', { name: 'Qualified', exact: true }).getAttribute('aria-disabled')).resolves.toBe(null);
		// A refused stage does nothing: the sheet stays and the deal too.
		await sheet.getByRole('button', { name: 'Meeting', exact: true }).tap({ force: true });
		await page.waitForTimeout(300);
		await expect(sheet.isVisible()).resolves.toBe(true);
		await expect(columnOf(page, globex)).resolves.toBe('New lead');
		await sheet.getByRole('button', { name: 'Qualified', exact: true }).tap();
		await waitForColumn(page, globex, 'Qualified');
		await expect.poll(async () => (await stageOfDeal(owner, globex)).stageId, { timeout: 8000 }).toBe(stageId(pipeline, 'Qualified'));
		await context.close();
		await owner.context.close();
	});
});
