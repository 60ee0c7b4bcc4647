import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { findViolations } from './support/axe';
import { createDeal, firstPipeline, signUpOwner, type BoardUser } from './support/board';
import { describeWithBrowser, launchBrowser, newPhone } from './support/browser';

const baseUrl = inject('baseUrl');

/** The top bar's search box: contacts by a phone typed another way, deals by a title with a typo, on a desktop and a phone. */
describeWithBrowser('search in the top bar', () => {
	let browser: Browser;
	let owner: BoardUser;
	let contactId: string;
	let dealId: string;

	beforeAll(async () => {
		browser = await launchBrowser();
		owner = await signUpOwner(browser, baseUrl, 'Olga Owner');
		const request = owner.context.request;
		const company = await request.post(`/api/workspaces/${owner.workspaceId}/companies`, { data: { name: 'ООО «Ромашка»', taxId: '7736207543' } });
		expect(company.status()).toBe(201);
		const companyId = ((await company.json()) as { company: { id: string } }).company.id;
		const contact = await request.post(`/api/workspaces/${owner.workspaceId}/contacts`, {
			data: { name: 'Анна Петрова', phones: ['+7 912 345-67-89'], emails: ['anna@romashka.ru'], companyId }
		});
		expect(contact.status()).toBe(201);
		contactId = ((await contact.json()) as { contact: { id: string } }).contact.id;
		dealId = await createDeal(owner, await firstPipeline(owner), 'Warehouse roof repair', 'New lead');
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('finds a contact by a phone typed another way and opens the card with Enter', async () => {
		const page = owner.page;
		await page.goto(`/w/${owner.workspaceId}/deals`);
		const box = page.getByRole('combobox', { name: 'Search' });
		await box.click();
		await box.pressSequentially('8 (912) 345');
		const list = page.getByRole('listbox', { name: 'Search results' });
		const option = list.getByRole('option', { name: /Анна Петрова/ });
		await option.waitFor();
		// Grouped, with the company and the matched part of the phone marked.
		await expect(list.getByRole('group', { name: 'Contacts' }).textContent()).resolves.toContain('ООО «Ромашка»');
		await expect(option.locator('mark').textContent()).resolves.toBe('912 345');
		await page.keyboard.press('ArrowDown');
		await expect(option.getAttribute('aria-selected')).resolves.toBe('true');
		await expect(box.getAttribute('aria-activedescendant')).resolves.toBe(await option.getAttribute('id'));
		await page.keyboard.press('Enter');
		await page.waitForURL(`**/w/${owner.workspaceId}/contacts/${contactId}`);
	});

	it('finds a deal by its title with a typo, says when nothing is found, and works from the keyboard alone', async () => {
		const page = owner.page;
		await page.goto(`/w/${owner.workspaceId}/deals`);
		await page.getByRole('heading', { name: 'Deals' }).waitFor();
		// "/" reaches the box from anywhere on the page.
		await page.locator('body').click({ position: { x: 5, y: 300 } });
		await page.keyboard.press('/');
		const box = page.getByRole('combobox', { name: 'Search' });
		await expect.poll(() => box.evaluate((element) => element === document.activeElement)).toBe(true);
		await page.keyboard.type('warehose');
		const deal = page.getByRole('listbox').getByRole('option', { name: /Warehouse roof repair/ });
		await deal.waitFor();
		await expect(page.getByRole('group', { name: 'Deals' }).textContent()).resolves.toContain('New lead');

		// Escape closes the list, and the box keeps the query.
		await page.keyboard.press('Escape');
		await expect(box.getAttribute('aria-expanded')).resolves.toBe('false');
		await expect(box.inputValue()).resolves.toBe('warehose');

		// A query that finds nothing says so.
		await box.fill('');
		await page.keyboard.type('zzqxw');
		await page.getByText('Nothing found for “zzqxw”').waitFor();

		// Ctrl+K, then arrows and Enter open the deal.
		await page.keyboard.press('Escape');
		await page.keyboard.press('Escape');
		await page.locator('body').click({ position: { x: 5, y: 300 } });
		await page.keyboard.press('Control+k');
		await page.keyboard.type('roof repair');
		await deal.waitFor();
		await page.keyboard.press('ArrowDown');
		await page.keyboard.press('Enter');
		await page.waitForURL(`**/w/${owner.workspaceId}/deals/${dealId}`);
	});

	it('only the latest query’s answer is shown, however the answers arrive', async () => {
		const page = owner.page;
		await page.goto(`/w/${owner.workspaceId}/deals`);
		// The first query's answer is held back until after the second's.
		let release: () => void = () => {};
		const held = new Promise<void>((resolve) => (release = resolve));
		await page.route('**/search?q=warehouse*', async (route) => {
			await held;
			await route.continue();
		});
		const box = page.getByRole('combobox', { name: 'Search' });
		await box.click();
		await page.keyboard.type('warehouse');
		await page.waitForTimeout(400);
		await box.fill('');
		await page.keyboard.type('петрова');
		await page.getByRole('option', { name: /Анна Петрова/ }).waitFor();
		release();
		await page.waitForTimeout(500);
		const options = page.getByRole('listbox', { name: 'Search results' }).getByRole('option');
		await expect(options.count()).resolves.toBe(1);
		await expect(options.filter({ hasText: 'Warehouse' }).count()).resolves.toBe(0);
		await page.unroute('**/search?q=warehouse*');
	});

	it('on a phone, the icon opens a full-screen sheet whose results are tapped; axe finds no violation in it', async () => {
		const state = await owner.context.storageState();
		const { context, page } = await newPhone(browser, baseUrl, { width: 390, height: 844 }, state);
		await page.goto(`/w/${owner.workspaceId}/deals`);
		await expect(page.getByRole('combobox', { name: 'Search' }).isVisible()).resolves.toBe(false);
		await page.getByRole('button', { name: 'Search' }).tap();
		const sheet = page.getByRole('dialog', { name: 'Search' });
		await sheet.waitFor();
		const sheetBox = await sheet.boundingBox();
		expect(sheetBox).toMatchObject({ x: 0, y: 0, width: 390, height: 844 });
		await sheet.getByRole('combobox', { name: 'Search' }).fill('петрова');
		const option = sheet.getByRole('option', { name: /Анна Петрова/ });
		await option.waitFor();
		expect((await option.boundingBox())!.height).toBeGreaterThanOrEqual(44);
		await page.waitForTimeout(300);
		expect(await findViolations(page)).toEqual([]);
		await option.tap();
		await page.waitForURL(`**/w/${owner.workspaceId}/contacts/${contactId}`);
		await expect(sheet.isVisible()).resolves.toBe(false);
		await context.close();
	});
});
