import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { firstPipeline, signUpOwner, type BoardUser } from './support/board';
import { describeWithBrowser, launchBrowser } from './support/browser';

const baseUrl = inject('baseUrl');

async function post<T>(user: BoardUser, path: string, data: unknown): Promise<T> {
	const response = await user.context.request.post(path, { data });
	const text = await response.text();
	if (!response.ok()) throw new Error(`${path}: ${response.status()} ${text}`);
	return JSON.parse(text) as T;
}

async function createContact(user: BoardUser, data: Record<string, unknown>): Promise<string> {
	const body = await post<{ contact: { id: string } }>(user, `/api/workspaces/${user.workspaceId}/contacts`, { force: true, ...data });
	return body.contact.id;
}

function timeline(page: Page) {
	return page.getByTestId('party-timeline');
}

describeWithBrowser('contacts', () => {
	let browser: Browser;
	let owner: BoardUser;

	beforeAll(async () => {
		browser = await launchBrowser();
		owner = await signUpOwner(browser, baseUrl, 'Olga Owner');
	});

	afterAll(async () => {
		await owner?.context.close();
		await browser?.close();
	});

	it('creates a contact, then offers it instead of a duplicate when its phone is typed another way', async () => {
		const { page, workspaceId } = owner;
		await page.goto(`/w/${workspaceId}/contacts`);
		await page.getByRole('heading', { name: 'No contacts yet' }).waitFor();
		await page.getByRole('button', { name: 'New contact' }).click();
		let dialog = page.getByRole('dialog', { name: 'New contact' });
		await dialog.getByLabel('Full name').fill('Anna Petrova');
		await dialog.getByLabel('Phone 1').fill('+7 912 345-67-89');
		await dialog.getByRole('button', { name: 'Create contact' }).click();
		await page.waitForURL(/\/contacts\/[^/]+$/);
		const annaUrl = new URL(page.url()).pathname;
		await page.getByRole('heading', { name: 'Anna Petrova', level: 1 }).waitFor();
		await expect(page.getByRole('link', { name: '+7 912 345-67-89' }).getAttribute('href')).resolves.toBe('tel:+79123456789');

		await page.getByRole('link', { name: 'Contacts' }).first().click();
		await page.getByTestId('party-row').filter({ hasText: 'Anna Petrova' }).waitFor();
		await page.getByRole('button', { name: 'New contact' }).click();
		dialog = page.getByRole('dialog', { name: 'New contact' });
		await dialog.getByLabel('Phone 1').fill('8 (912) 345-67-89');
		const prompt = dialog.getByTestId('duplicate-candidates');
		await prompt.waitFor();
		await expect(prompt.textContent()).resolves.toContain('Anna Petrova');
		await expect(prompt.textContent()).resolves.toContain('Same phone');
		await prompt.getByRole('button', { name: 'Use this one' }).click();
		await page.waitForURL((url) => url.pathname === annaUrl);
		await page.getByRole('heading', { name: 'Anna Petrova', level: 1 }).waitFor();
		// Nothing was created: still one contact.
		const list = await (await owner.context.request.get(`/api/workspaces/${workspaceId}/contacts`)).json();
		expect(list.total).toBe(1);
	});

	it('merges two contacts from the card, keeping both deals, both phones and the history', async () => {
		const { page, workspaceId } = owner;
		const pipeline = await firstPipeline(owner);
		const keep = await createContact(owner, { name: 'Boris Kovalev', phones: ['+7 903 100-00-01'] });
		const other = await createContact(owner, { name: 'Boris Kovalev (old)', phones: ['+7 903 100-00-02'] });
		const dueAt = new Date(Date.now() + 86_400_000).toISOString();
		for (const [contactId, title] of [
			[keep, 'Kovalev: new warehouse'],
			[other, 'Kovalev: old order']
		] as const) {
			await post(owner, `/api/pipelines/${pipeline.id}/deals`, { title, valueMinor: 100_000, currency: 'EUR', contactId, firstTask: { type: 'call', title: 'Call', dueAt } });
			await post(owner, `/api/contacts/${contactId}/interactions`, { kind: 'note', text: `A note about ${title}` });
		}

		await page.goto(`/w/${workspaceId}/contacts/${keep}`);
		await timeline(page).waitFor();
		await page.getByRole('button', { name: 'Merge with…' }).click();
		const dialog = page.getByTestId('merge-dialog');
		await dialog.getByLabel('Which contact is the same person?').fill('Kovalev');
		await dialog.getByRole('button', { name: /Boris Kovalev \(old\)/ }).click();
		await expect(dialog.getByRole('region', { name: 'Merged into it' }).textContent()).resolves.toContain('+7 903 100-00-02');
		await dialog.getByRole('button', { name: 'Merge', exact: true }).click();

		const deals = page.getByTestId('party-deals');
		await expect.poll(() => deals.textContent(), { timeout: 15_000 }).toContain('Kovalev: old order');
		await expect(deals.textContent()).resolves.toContain('Kovalev: new warehouse');
		await page.getByRole('link', { name: '+7 903 100-00-01' }).waitFor();
		await page.getByRole('link', { name: '+7 903 100-00-02' }).waitFor();
		const merged = timeline(page).locator('[data-type="record"]').filter({ hasText: 'merged into this record' });
		await expect.poll(() => merged.textContent(), { timeout: 15_000 }).toContain('Boris Kovalev (old)');
		await expect(timeline(page).textContent()).resolves.toContain('A note about Kovalev: old order');

		await page.goto(`/w/${workspaceId}/contacts/${other}`);
		await page.getByRole('heading', { name: 'Contact not found' }).waitFor();
	});

	it('deletes a contact to the trash and restores it from there', async () => {
		const { page, workspaceId } = owner;
		const id = await createContact(owner, { name: 'Carla Trash', emails: ['carla@example.test'] });
		await page.goto(`/w/${workspaceId}/contacts/${id}`);
		await page.getByRole('heading', { name: 'Carla Trash', level: 1 }).waitFor();
		await page.getByRole('button', { name: 'Delete' }).click();
		await page.getByRole('dialog', { name: 'Delete Carla Trash?' }).getByRole('button', { name: 'Delete' }).click();
		await page.getByText('In the trash').waitFor();

		await page.goto(`/w/${workspaceId}/contacts`);
		await page.getByTestId('party-row').first().waitFor();
		await expect(page.getByTestId('party-row').filter({ hasText: 'Carla Trash' }).count()).resolves.toBe(0);
		await page.getByRole('link', { name: 'Trash' }).click();
		await page.waitForURL(/trash=true/);
		const row = page.getByTestId('party-row').filter({ hasText: 'Carla Trash' });
		await row.getByRole('button', { name: 'Restore' }).click();
		await page.getByText('Carla Trash is back from the trash.').waitFor();
		await expect.poll(() => row.count()).toBe(0);

		// Back from the trash: in the list again, with the restore in its history.
		await page.getByRole('link', { name: 'People' }).click();
		await page.getByTestId('party-row').filter({ hasText: 'Carla Trash' }).waitFor();
		await page.goto(`/w/${workspaceId}/contacts/${id}`);
		await timeline(page).locator('[data-type="record"]').filter({ hasText: 'Restored from the trash' }).waitFor();
		await expect(page.getByText('In the trash').count()).resolves.toBe(0);
	});
});
