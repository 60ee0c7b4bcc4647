import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { describeWithBrowser, launchBrowser } from './support/browser';
import { createDeal, dragWithMouse, firstPipeline, openBoard, signUpOwner, waitForColumn } from './support/board';

const baseUrl = inject('baseUrl');
const deal = 'Umbrella: fleet renewal';

describeWithBrowser('stage rules', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('an admin adds “Send the proposal, in 2 days, to the owner” to Proposal; a deal dragged there gets the task, due in two days, and the log says so', async () => {
		const owner = await signUpOwner(browser, baseUrl, 'Olga Owner');
		const { page } = owner;
		const pipeline = await firstPipeline(owner);
		const proposal = pipeline.stages.find((stage) => stage.name === 'Proposal')!;
		const dealId = await createDeal(owner, pipeline, deal, 'New lead');

		// Settings → Stage rules, the Proposal stage's "Add a rule".
		await page.goto(`/w/${owner.workspaceId}/settings`);
		await page.getByTestId('stage-rules-link').click();
		await page.waitForURL(/\/settings\/stage-rules$/);
		const stage = page.getByTestId(`stage-rules-${proposal.id}`);
		await stage.getByRole('button', { name: 'Add a rule' }).click();
		const form = stage.getByTestId('rule-form');
		await form.getByLabel('Task').fill('Send the proposal');
		await form.getByLabel('Type').selectOption({ label: 'Email' });
		await form.getByLabel('Amount').fill('2');
		await form.getByLabel('Unit').selectOption({ label: 'days' });
		expect(await form.getByLabel('Assignee').inputValue()).toBe('');
		await form.getByRole('button', { name: 'Add a rule' }).click();
		await stage.getByTestId('rule-row').filter({ hasText: 'Send the proposal' }).getByText('Email, due in 2 days, to the deal’s owner').waitFor();

		// On the board the owner drags the deal into Proposal.
		await openBoard(owner, pipeline.id);
		const movedAt = Date.now();
		await dragWithMouse(page, dealId, 'Proposal');
		await waitForColumn(page, dealId, 'Proposal');
		await page.locator(`[data-deal-tasks="${dealId}"]`).click();
		const dialog = page.getByRole('dialog', { name: 'Tasks' });
		await dialog.getByText('Send the proposal').waitFor({ timeout: 8000 });

		// Due two days after the move (the workspace is on UTC: 48 hours), for the owner, once.
		const answer = (await (await page.request.get(`/api/deals/${dealId}`)).json()) as { tasks: Array<{ title: string; type: string; dueAt: string; assigneeId: string }> };
		const made = answer.tasks.filter((task) => task.title === 'Send the proposal');
		expect(made).toHaveLength(1);
		expect(made[0]).toMatchObject({ type: 'email', assigneeId: owner.userId });
		const offset = new Date(made[0]!.dueAt).getTime() - movedAt;
		expect(offset).toBeGreaterThan(2 * 86_400_000 - 60_000);
		expect(offset).toBeLessThan(2 * 86_400_000 + 60_000);
		await page.keyboard.press('Escape');

		// The deal page shows it too; the rules page's log links to the deal.
		await page.goto(`/w/${owner.workspaceId}/deals/${dealId}`);
		await page.getByText('Send the proposal').first().waitFor();
		await page.goto(`/w/${owner.workspaceId}/settings/stage-rules`);
		const entry = page.getByTestId('rule-log-entry').first();
		await entry.getByText('Made').waitFor();
		await entry.getByRole('link', { name: deal }).click();
		await page.waitForURL(new RegExp(`/deals/${dealId}$`));
	});
});
