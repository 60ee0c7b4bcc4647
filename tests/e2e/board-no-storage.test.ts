import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { describeWithBrowser, launchBrowser } from './support/browser';
import { card, columnOf, createDeal, dragWithMouse, firstPipeline, openBoard, signUpOwner, waitForColumn } from './support/board';

const baseUrl = inject('baseUrl');

/*
 * A browser whose IndexedDB cannot be opened (storage turned off, some
 * private windows): the board cannot be kept on the device, but it still
 * connects, shows the deals and works live.
 */
describeWithBrowser('the board without IndexedDB', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('opens live and takes moves when the local copy cannot be opened', async () => {
		const owner = await signUpOwner(browser, baseUrl);
		const pipeline = await firstPipeline(owner);
		const globex = await createDeal(owner, pipeline, 'Globex: annual licence', 'New lead');
		// The owner's browser refuses to open any IndexedDB database, as a browser with storage off does.
		await owner.context.addInitScript(() => {
			indexedDB.open = () => {
				throw new DOMException('The user denied permission to access the database.', 'InvalidStateError');
			};
		});
		await openBoard(owner, pipeline.id);
		await card(owner.page, globex).waitFor();
		await dragWithMouse(owner.page, globex, 'Qualified');
		expect(await columnOf(owner.page, globex)).toBe('Qualified');
		// The move reached the server: a fresh page of the same browser (no copy either) shows it.
		const page = await owner.context.newPage();
		await page.goto(`/w/${owner.workspaceId}/board/${pipeline.id}`);
		await waitForColumn(page, globex, 'Qualified');
	});
});
