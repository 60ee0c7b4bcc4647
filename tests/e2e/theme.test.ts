import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createDeal, firstPipeline, openBoard, signUpOwner } from './support/board';
import { describeWithBrowser, launchBrowser } from './support/browser';

const baseUrl = inject('baseUrl');

function bodyBackground(page: Page): Promise<string> {
	return page.evaluate(() => getComputedStyle(document.body).backgroundColor);
}

function themeColor(page: Page): Promise<string | null> {
	return page.evaluate(() => document.querySelector('meta[name="theme-color"]')?.getAttribute('content') ?? null);
}

describeWithBrowser('dark theme and keyboard reach', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('follows the system until a theme is chosen, keeps the choice on this device and paints it before the app starts', async () => {
		const owner = await signUpOwner(browser, baseUrl);
		const { page } = owner;
		await page.emulateMedia({ colorScheme: 'light' });
		await page.goto('/account');
		await page.getByRole('heading', { name: 'Appearance' }).waitFor();
		const light = await bodyBackground(page);
		expect(await page.getByRole('radio', { name: 'System' }).isChecked()).toBe(true);

		// System follows the device's setting as it changes.
		await page.emulateMedia({ colorScheme: 'dark' });
		await expect.poll(() => bodyBackground(page)).not.toBe(light);
		const dark = await bodyBackground(page);
		expect(await themeColor(page)).toBe('#141c2a');
		await page.emulateMedia({ colorScheme: 'light' });
		await expect.poll(() => bodyBackground(page)).toBe(light);

		// Dark chosen on a light device: the page turns dark and stays so after a reload.
		await page.getByText('Dark', { exact: true }).click();
		await expect.poll(() => bodyBackground(page)).toBe(dark);
		expect(await themeColor(page)).toBe('#141c2a');
		await page.reload();
		await page.getByRole('heading', { name: 'Appearance' }).waitFor();
		expect(await page.getByRole('radio', { name: 'Dark' }).isChecked()).toBe(true);
		expect(await bodyBackground(page)).toBe(dark);

		// Before first paint: with the app's scripts refused, only the boot script
		// and the styles load, and the page is already dark.
		await page.route('**/_app/**/*.js', (route) => route.abort());
		await page.goto('/account');
		await page.waitForLoadState('load');
		expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
		expect(await page.evaluate(() => document.querySelector('h1') === null)).toBe(true);
		await page.unroute('**/_app/**/*.js');

		// The top bar's toggle flips it back in one press, on any page.
		await page.goto('/account');
		await page.getByRole('button', { name: 'Switch to light theme' }).click();
		await expect.poll(() => bodyBackground(page)).toBe(light);
		expect(await themeColor(page)).toBe('#ffffff');
		expect(await page.getByRole('radio', { name: 'Light' }).isChecked()).toBe(true);
		await page.reload();
		await page.getByRole('heading', { name: 'Appearance' }).waitFor();
		expect(await bodyBackground(page)).toBe(light);

		// System again: the stored choice is gone and the device decides.
		await page.getByText('System', { exact: true }).click();
		await page.emulateMedia({ colorScheme: 'dark' });
		await expect.poll(() => bodyBackground(page)).toBe(dark);
		expect(await page.evaluate(() => localStorage.getItem('voronka.theme'))).toBeNull();
		await owner.context.close();
	});

	it('reaches the first card of the board with Tab alone and opens it with Enter', async () => {
		const owner = await signUpOwner(browser, baseUrl);
		const pipeline = await firstPipeline(owner);
		const dealId = await createDeal(owner, pipeline, 'Globex: annual licence', 'New lead');
		await createDeal(owner, pipeline, 'Initech: pilot', 'Qualified');
		await openBoard(owner, pipeline.id);
		const { page } = owner;
		await page.locator(`[data-deal-id="${dealId}"]`).waitFor();

		// From the top of the page, Tab only, counting the stops.
		await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
		let stops = 0;
		while (stops < 60) {
			await page.keyboard.press('Tab');
			stops++;
			if (await page.evaluate(() => document.activeElement?.hasAttribute('data-deal-id') ?? false)) break;
		}
		expect(await page.evaluate(() => document.activeElement?.getAttribute('data-deal-id'))).toBe(dealId);
		// The focus is visible: an outline or a ring, not nothing.
		const ring = await page.evaluate(() => getComputedStyle(document.activeElement!).boxShadow);
		expect(ring).not.toBe('none');

		// The next stop is the card's Open deal link; Enter opens the deal.
		await page.keyboard.press('Tab');
		expect(await page.evaluate(() => document.activeElement?.getAttribute('data-open-deal'))).toBe(dealId);
		await page.keyboard.press('Enter');
		await page.waitForURL(new RegExp(`/deals/${dealId}$`));
		await page.getByRole('heading', { name: 'Globex: annual licence' }).waitFor();
		await owner.context.close();
	});

	it('walks a menu with the arrow keys and gives the focus back on Escape', async () => {
		const owner = await signUpOwner(browser, baseUrl);
		const { page } = owner;
		await page.goto('/account');
		await page.getByRole('heading', { name: 'Appearance' }).waitFor();
		const trigger = page.getByRole('button', { name: 'Account menu' });
		await trigger.focus();
		const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');

		await page.keyboard.press('ArrowDown');
		await expect.poll(focused).toBe('Account');
		await page.keyboard.press('ArrowDown');
		expect(await focused()).toBe('API reference');
		await page.keyboard.press('End');
		expect(await focused()).toBe('Log out');
		await page.keyboard.press('ArrowDown');
		expect(await focused()).toBe('Account');
		await page.keyboard.press('Escape');
		expect(await trigger.getAttribute('aria-expanded')).toBe('false');
		expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-haspopup'))).toBe('true');

		// Tab past the last item closes it too.
		await page.keyboard.press('ArrowUp');
		expect(await focused()).toBe('Log out');
		await page.keyboard.press('Tab');
		await expect.poll(() => trigger.getAttribute('aria-expanded')).toBe('false');
		await owner.context.close();
	});
});
