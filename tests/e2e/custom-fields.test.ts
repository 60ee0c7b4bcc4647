import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { describeWithBrowser, launchBrowser } from './support/browser';
import { card, columnOf, createDeal, dragWithMouse, firstPipeline, openBoard, signUpOwner, waitForColumn } from './support/board';

const baseUrl = inject('baseUrl');
/** Set FIELD_SHOTS to a folder to keep screenshots of the flow. */
const shots = process.env.FIELD_SHOTS;

describeWithBrowser('custom fields', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('an admin adds a choice field pinned to the card, a strict stage requires it, and the move waits until the deal has it', async () => {
		const owner = await signUpOwner(browser, baseUrl, 'Olga Owner');
		const pipeline = await firstPipeline(owner);
		const strict = await owner.context.request.patch(`/api/pipelines/${pipeline.id}`, { data: { mode: 'strict' } });
		expect(strict.ok(), await strict.text()).toBe(true);
		const dealId = await createDeal(owner, pipeline, 'Initech: pilot', 'New lead');
		const page = owner.page;

		// Settings → Fields: a choice field of deals with two options, pinned to the card.
		await page.goto(`/w/${owner.workspaceId}/settings`);
		await page.getByTestId('fields-link').click();
		await page.getByRole('heading', { name: 'Fields', level: 1 }).waitFor();
		await page.getByTestId('new-field-deal').click();
		const form = page.getByTestId('field-form');
		await form.getByTestId('field-label').fill('Temperature');
		await form.getByTestId('field-type').selectOption('choice');
		await form.getByTestId('field-option').first().fill('Hot');
		await form.getByTestId('add-option').click();
		await form.getByTestId('field-option').nth(1).fill('Cold');
		await form.getByTestId('field-pinned').check();
		await form.getByTestId('save-field').click();
		const row = page.getByTestId('fields-deal').getByTestId('field-row');
		await row.getByText('Temperature').waitFor();
		await expect(row.textContent()).resolves.toContain('Hot, Cold');
		if (shots) await page.screenshot({ path: `${shots}/fields-settings.png`, fullPage: true });

		// The second stage requires it.
		await openBoard(owner, pipeline.id);
		await page.getByRole('button', { name: 'Edit stage Qualified' }).click();
		const editor = page.getByRole('group', { name: 'Edit stage Qualified' });
		await editor.getByRole('checkbox', { name: 'Temperature' }).check();
		await page.waitForTimeout(300);
		await editor.getByRole('button', { name: 'Done' }).click();

		// Moving without it is refused on the spot, naming the field; the server would refuse it too.
		await dragWithMouse(page, dealId, 'Qualified');
		expect(await columnOf(page, dealId)).toBe('New lead');
		await expect(card(page, dealId).getByRole('alert').textContent()).resolves.toContain('Temperature');
		const refused = await owner.context.request.post(`/api/deals/${dealId}/move`, { data: { stageId: pipeline.stages.find((s) => s.name === 'Qualified')!.id } });
		expect(refused.status()).toBe(409);
		expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('Temperature');

		// The deal page sets it.
		await page.goto(`/w/${owner.workspaceId}/deals/${dealId}`);
		const fieldsCard = page.getByTestId('custom-fields-card');
		await fieldsCard.getByTestId('edit-fields').click();
		await fieldsCard.getByLabel('Temperature').selectOption({ label: 'Hot' });
		await fieldsCard.getByTestId('save-fields').click();
		await fieldsCard.getByTestId('field-value').filter({ hasText: 'Hot' }).waitFor();
		if (shots) await page.screenshot({ path: `${shots}/fields-deal.png`, fullPage: true });

		// The card shows it, and now the move goes through.
		await openBoard(owner, pipeline.id);
		await card(page, dealId).getByTestId('card-fields').getByText('Temperature: Hot').waitFor();
		if (shots) await page.screenshot({ path: `${shots}/fields-board.png` });
		await dragWithMouse(page, dealId, 'Qualified');
		await waitForColumn(page, dealId, 'Qualified');
	});
});
