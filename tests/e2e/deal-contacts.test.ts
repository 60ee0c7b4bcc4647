import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { describeWithBrowser, launchBrowser } from './support/browser';
import { card, column, createDeal, firstPipeline, openBoard, signUpOwner, type BoardUser } from './support/board';

const baseUrl = inject('baseUrl');

async function post<T>(user: BoardUser, path: string, data: unknown): Promise<T> {
	const answer = await user.context.request.post(path, { data });
	expect(answer.ok(), await answer.text()).toBe(true);
	return (await answer.json()) as T;
}

describeWithBrowser('deals linked to contacts and companies', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('picks a contact in the quick add, names it on the card, relinks the company on the deal page and filters the board by company', async () => {
		const owner = await signUpOwner(browser, baseUrl);
		const ws = `/api/workspaces/${owner.workspaceId}`;
		const { company: stroy } = await post<{ company: { id: string } }>(owner, `${ws}/companies`, { name: 'Stroymontazh' });
		const { company: vega } = await post<{ company: { id: string } }>(owner, `${ws}/companies`, { name: 'Vega Logistics' });
		const { contact: anna } = await post<{ contact: { id: string } }>(owner, `${ws}/contacts`, { name: 'Anna Petrova', phones: ['+7 912 345-67-89'], companyId: stroy.id });
		const pipeline = await firstPipeline(owner);
		const other = await createDeal(owner, pipeline, 'Initech: pilot', 'New lead');
		await openBoard(owner, pipeline.id);
		const page = owner.page;
		await card(page, other).waitFor();

		// Quick add: type part of the name, the listbox offers Anna with her company, Enter takes her.
		await column(page, 'New lead').getByRole('button', { name: 'Add a deal to New lead' }).click();
		await page.getByRole('textbox', { name: 'Deal title' }).fill('Tower crane rental');
		const picker = page.getByRole('combobox', { name: 'Contact (optional)' });
		await picker.fill('Petr');
		const option = page.getByRole('option', { name: /Anna Petrova/ });
		await option.waitFor();
		await expect(option.textContent()).resolves.toContain('Stroymontazh');
		await expect(picker.getAttribute('aria-expanded')).resolves.toBe('true');
		await expect(picker.getAttribute('aria-activedescendant')).resolves.toBe(await option.getAttribute('id'));
		await picker.press('Enter');
		await page.getByTestId('party-chip-contact').filter({ hasText: 'Anna Petrova' }).waitFor();
		await page.getByRole('textbox', { name: 'Deal title' }).press('Enter');
		const newCard = page.locator('[data-deal-id]').filter({ hasText: 'Tower crane rental' });
		await newCard.locator('.parties', { hasText: 'Anna Petrova · Stroymontazh' }).waitFor();
		await expect(newCard.getAttribute('aria-label')).resolves.toContain('Anna Petrova · Stroymontazh');
		const dealId = (await newCard.getAttribute('data-deal-id'))!;

		// The board document carries both ids: the contact's company came along.
		const deal = await (await page.request.get(`/api/deals/${dealId}`)).json();
		expect(deal.deal).toMatchObject({ contactId: anna.id, companyId: stroy.id });

		// The deal page: links to the cards; clear the company and pick another.
		await page.goto(`${baseUrl}/w/${owner.workspaceId}/deals/${dealId}`);
		const companyField = page.getByTestId('deal-company');
		await page.getByTestId('deal-contact').getByRole('link', { name: 'Anna Petrova' }).waitFor();
		await expect(page.getByTestId('deal-contact').getByRole('link', { name: 'Anna Petrova' }).getAttribute('href')).resolves.toBe(`/w/${owner.workspaceId}/contacts/${anna.id}`);
		await companyField.getByRole('button', { name: 'Remove Stroymontazh' }).click();
		const companyPicker = companyField.getByRole('combobox', { name: 'Company' });
		await expect.poll(async () => (await (await page.request.get(`/api/deals/${dealId}`)).json()).deal.companyId).toBeNull();
		await companyPicker.fill('Vega');
		await companyField.getByRole('option', { name: /Vega Logistics/ }).click();
		await companyField.getByRole('link', { name: 'Vega Logistics' }).waitFor();
		await expect.poll(async () => (await (await page.request.get(`/api/deals/${dealId}`)).json()).deal.companyId).toBe(vega.id);

		// The board's company filter shows only Vega's deals.
		await page.goto(`${baseUrl}/w/${owner.workspaceId}/board/${pipeline.id}`);
		await card(page, other).waitFor();
		await card(page, dealId).locator('.parties', { hasText: 'Anna Petrova · Vega Logistics' }).waitFor();
		await page.getByRole('combobox', { name: 'Company' }).selectOption({ label: 'Vega Logistics' });
		await expect.poll(() => page.locator('[data-deal-id]').count()).toBe(1);
		await card(page, dealId).waitFor();
		// The filter is in the address: a reload shows the same cards.
		await expect.poll(() => new URL(page.url()).searchParams.get('company')).toBe(vega.id);
		await page.reload();
		await card(page, dealId).waitFor();
		await expect.poll(() => page.locator('[data-deal-id]').count()).toBe(1);
		await expect.poll(() => page.getByRole('combobox', { name: 'Company' }).inputValue()).toBe(vega.id);
		await page.getByRole('combobox', { name: 'Company' }).selectOption({ label: 'All companies' });
		await card(page, other).waitFor();
		await expect.poll(() => new URL(page.url()).searchParams.has('company')).toBe(false);

		// The deals list's drawer names the contact and the company, linking to their pages.
		await page.goto(`${baseUrl}/w/${owner.workspaceId}/deals`);
		await page.locator('main').getByRole('button', { name: 'Tower crane rental' }).first().click();
		const drawer = page.getByTestId('deal-drawer');
		await drawer.getByRole('link', { name: 'Anna Petrova' }).waitFor();
		await drawer.getByRole('link', { name: 'Vega Logistics' }).click();
		await page.waitForURL(`**/contacts/companies/${vega.id}`);
		await owner.context.close();
	});

	it('opens the add-deal dialog prefilled from ?add=1&contact=, creates a contact from a typed phone, and offers the duplicate', async () => {
		const owner = await signUpOwner(browser, baseUrl);
		const ws = `/api/workspaces/${owner.workspaceId}`;
		const { company } = await post<{ company: { id: string } }>(owner, `${ws}/companies`, { name: 'Stroymontazh' });
		const { contact: anna } = await post<{ contact: { id: string } }>(owner, `${ws}/contacts`, { name: 'Anna Petrova', phones: ['+7 912 345-67-89'], companyId: company.id });
		const page = owner.page;
		await page.goto(`${baseUrl}/w/${owner.workspaceId}/deals?add=1&contact=${anna.id}`);
		const dialog = page.getByRole('dialog', { name: 'Add a deal' });
		await dialog.waitFor();
		await dialog.getByTestId('party-chip-contact').filter({ hasText: 'Anna Petrova' }).waitFor();
		await dialog.getByTestId('party-chip-company').filter({ hasText: 'Stroymontazh' }).waitFor();
		await expect.poll(() => new URL(page.url()).searchParams.has('add')).toBe(false);
		expect(new URL(page.url()).searchParams.has('contact')).toBe(false);

		// Another contact typed as her phone in another format: a name is asked, then the duplicate is shown.
		await dialog.getByRole('button', { name: 'Remove Anna Petrova' }).click();
		const picker = dialog.getByRole('combobox', { name: 'Contact' });
		await picker.fill('8 912 345 67 89');
		// The search finds her by the phone in any format; "Create …" is last, ArrowUp wraps to it.
		await dialog.getByRole('option', { name: /Anna Petrova/ }).waitFor();
		await dialog.getByRole('option', { name: 'Create “8 912 345 67 89”' }).waitFor();
		await picker.press('ArrowUp');
		await expect(picker.getAttribute('aria-activedescendant')).resolves.toBe(await dialog.getByRole('option', { name: /^Create/ }).getAttribute('id'));
		await picker.press('Enter');
		await dialog.getByRole('textbox', { name: 'Name for 8 912 345 67 89' }).fill('Anya');
		await dialog.getByRole('button', { name: 'Create', exact: true }).click();
		await dialog.getByTestId('duplicate-candidates').filter({ hasText: 'Anna Petrova' }).waitFor();
		await dialog.getByRole('button', { name: 'Use this one' }).click();
		await dialog.getByTestId('party-chip-contact').filter({ hasText: 'Anna Petrova' }).waitFor();

		await dialog.getByRole('textbox', { name: 'Title' }).fill('Scaffolding');
		await dialog.getByRole('button', { name: 'Add deal' }).click();
		await dialog.waitFor({ state: 'hidden' });
		const row = page.getByRole('row').filter({ hasText: 'Scaffolding' });
		await row.filter({ hasText: 'Anna Petrova · Stroymontazh' }).waitFor();
		await owner.context.close();
	});
});
