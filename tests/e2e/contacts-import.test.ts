import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { signUpOwner } from './support/board';
import { describeWithBrowser, launchBrowser } from './support/browser';

const baseUrl = inject('baseUrl');
/** amoCRM's export: Windows-1251, semicolons, quoted values with line breaks, and four bad lines. */
const amoFile = fileURLToPath(new URL('../fixtures/import/amo-contacts-1251.csv', import.meta.url));

function count(page: Page, name: string) {
	return page.locator(`[data-count="${name}"]`);
}

function errorLines(page: Page): Promise<string[]> {
	return page.locator('table.errors tbody td.line').allTextContents();
}

describeWithBrowser('importing contacts from a CSV file', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('previews a Windows-1251 file, checks it, imports it and keeps the report over a reload', async () => {
		const owner = await signUpOwner(browser, baseUrl, 'Olga Owner');
		const { page } = owner;
		const contactsTotal = async () =>
			((await (await page.request.get(`/api/workspaces/${owner.workspaceId}/contacts?limit=1`)).json()) as { total: number }).total;

		await page.goto(`/w/${owner.workspaceId}/contacts/import`);
		await page.getByRole('heading', { name: 'Import from CSV', level: 1 }).waitFor();
		await page.locator('input[type="file"]').setInputFiles(amoFile);

		// The encoding and the delimiter are found, and the Cyrillic reads as Cyrillic.
		await page.getByRole('heading', { name: 'Columns' }).waitFor();
		await expect.poll(() => page.locator('#import-encoding option[value="auto"]').textContent()).toBe('Auto (Windows-1251)');
		expect(await page.locator('#import-delimiter option[value="auto"]').textContent()).toBe('Auto (Semicolon ;)');
		const preview = page.locator('table.preview');
		await expect.poll(() => preview.locator('tbody tr').first().locator('td').allTextContents()).toEqual([
			'2',
			'Иван',
			'Петров',
			'ООО "Ромашка"',
			'+7 (495) 123-45-67',
			'+7 912 345-67-89',
			'ivan.petrov@romashka.ru',
			'Директор',
			''
		]);
		expect(await preview.textContent()).toContain('Семёнов');

		// The columns come mapped from their Russian names; the note is left out.
		expect(await page.getByLabel('Имя', { exact: true }).inputValue()).toBe('firstName');
		expect(await page.getByLabel('Мобильный телефон').inputValue()).toBe('phone');
		await page.getByLabel('Примечание').selectOption({ label: 'Don’t import' });
		expect(await preview.locator('thead th').last().textContent()).toContain('not imported');
		// Without a name column the import cannot start, and the page says why.
		await page.getByLabel('Имя', { exact: true }).selectOption({ label: 'Don’t import' });
		await page.getByLabel('Фамилия').selectOption({ label: 'Don’t import' });
		await page.getByText('Choose the column with the contact’s full name').waitFor();
		expect(await page.getByRole('button', { name: 'Import', exact: true }).isDisabled()).toBe(true);
		await page.getByLabel('Имя', { exact: true }).selectOption('firstName');
		await page.getByLabel('Фамилия').selectOption('lastName');

		// A dry run reports what would happen and writes nothing.
		await page.getByRole('button', { name: 'Check (dry run)' }).click();
		await page.waitForURL(/[?&]import=/);
		await page.getByRole('heading', { name: 'Check finished: nothing was written' }).waitFor({ timeout: 20_000 });
		expect(await count(page, 'created').textContent()).toBe('9');
		expect(await count(page, 'errors').textContent()).toBe('4');
		expect(await errorLines(page)).toEqual(['10', '12', '16', '17']);
		expect(await page.locator('table.errors').textContent()).toContain('“kirill.volkov(at)mail.ru” is not an email address.');
		expect(await contactsTotal()).toBe(0);

		// The import itself, with the same settings; the progress reaches the end.
		const dryUrl = page.url();
		await page.getByRole('button', { name: 'Import with these settings' }).click();
		await page.waitForURL((url) => url.toString() !== dryUrl && url.searchParams.has('import'));
		await page.getByRole('heading', { name: 'Import finished' }).waitFor({ timeout: 20_000 });
		expect(await page.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
		expect(await page.getByText('13 of 13 rows processed').count()).toBe(1);
		expect(await count(page, 'created').textContent()).toBe('9');

		// A reload shows the same report, error lines included.
		await page.reload();
		await page.getByRole('heading', { name: 'Import finished' }).waitFor();
		expect(await count(page, 'created').textContent()).toBe('9');
		expect(await count(page, 'skipped').textContent()).toBe('0');
		expect(await errorLines(page)).toEqual(['10', '12', '16', '17']);
		await page.getByRole('link', { name: 'Open contacts' }).waitFor();

		expect(await contactsTotal()).toBe(9);
		const listed = (await (await page.request.get(`/api/workspaces/${owner.workspaceId}/contacts?q=Сидорова`)).json()) as { items: Array<{ name: string; note?: string | null }> };
		expect(listed.items.map((item) => item.name)).toEqual(['Мария Сидорова']);
		await owner.context.close();
	}, 40_000);
});
