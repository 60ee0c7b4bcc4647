import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { describeWithBrowser, launchBrowser } from './support/browser';
import {
	addMember,
	card,
	column,
	columnOf,
	createDeal,
	dragWithMouse,
	firstPipeline,
	openBoard,
	signUpOwner,
	waitForColumn
} from './support/board';

const baseUrl = inject('baseUrl');

describeWithBrowser('the live board in two browsers', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('shows a mouse drag and a keyboard move of one user on the other user’s board, with presence', async () => {
		const owner = await signUpOwner(browser, baseUrl, 'Olga Owner');
		const rep = await addMember(browser, baseUrl, owner, 'rep', 'Ron Rep');
		const pipeline = await firstPipeline(owner);
		const globex = await createDeal(owner, pipeline, 'Globex: annual licence', 'New lead');
		const initech = await createDeal(owner, pipeline, 'Initech: pilot', 'New lead');

		await openBoard(owner, pipeline.id);
		await openBoard(rep, pipeline.id);
		await card(rep.page, globex).waitFor();

		// Each sees the other in the header.
		await owner.page.locator(`[data-presence="${rep.userId}"]`).waitFor();
		await rep.page.locator(`[data-presence="${owner.userId}"]`).waitFor();

		// The owner picks the card up: the rep sees who holds it before it is dropped.
		const from = (await card(owner.page, globex).boundingBox())!;
		const target = (await column(owner.page, 'Meeting').locator('[data-card-list]').boundingBox())!;
		await owner.page.mouse.move(from.x + from.width / 2, from.y + 20);
		await owner.page.mouse.down();
		await owner.page.mouse.move(from.x + from.width / 2 + 40, from.y + 40, { steps: 4 });
		await card(rep.page, globex).getByText('Olga Owner is moving this').waitFor({ timeout: 5000 });
		await owner.page.mouse.move(target.x + target.width / 2, target.y + 24, { steps: 10 });
		await owner.page.mouse.up();

		// Applied locally at once, and on the other board within seconds.
		expect(await columnOf(owner.page, globex)).toBe('Meeting');
		await waitForColumn(rep.page, globex, 'Meeting', 5000);
		// The move and the end of the hold travel as separate messages (the
		// document's update, then presence), so the label may outlive the move by
		// a moment; it must go.
		await card(rep.page, globex).getByText('is moving this').waitFor({ state: 'detached', timeout: 5000 });
		await expect(column(rep.page, 'New lead').locator('[data-deal-id]').count()).resolves.toBe(1);

		// The rep moves the other card with the keyboard: two stages right, dropped.
		await card(rep.page, initech).focus();
		await rep.page.keyboard.press('Space');
		await rep.page.keyboard.press('ArrowRight');
		await rep.page.keyboard.press('ArrowRight');
		await rep.page.keyboard.press('ArrowDown');
		await rep.page.keyboard.press('Space');
		await expect(rep.page.getByRole('status').filter({ hasText: 'Dropped Initech: pilot in Meeting, position 2' }).count()).resolves.toBe(1);
		await waitForColumn(owner.page, initech, 'Meeting', 5000);

		// Both boards agree on the order: Globex first, Initech under it.
		const order = (page: typeof owner.page) =>
			column(page, 'Meeting').locator('[data-deal-id]').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-deal-id')));
		await expect(order(owner.page)).resolves.toEqual([globex, initech]);
		await expect(order(rep.page)).resolves.toEqual([globex, initech]);

		// And the mouse drag helper round-trips: back to New lead.
		await dragWithMouse(rep.page, globex, 'New lead');
		await waitForColumn(owner.page, globex, 'New lead', 5000);

		await owner.context.close();
		await rep.context.close();
	});
});
