import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { addMember, createDeal, firstPipeline, signUpOwner, type BoardUser, type PipelineInfo } from './support/board';
import { describeWithBrowser, launchBrowser } from './support/browser';

const baseUrl = inject('baseUrl');

async function dealOf(user: BoardUser, dealId: string) {
	const response = await user.context.request.get(`/api/deals/${dealId}`);
	return (await response.json()) as { deal: { stageId: string; status: string } };
}

describeWithBrowser('the deal page’s rules', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('refuses a strict skip from the stage select with the reason, and moves on to the next stage', async () => {
		const owner = await signUpOwner(browser, baseUrl, 'Stella Strict');
		const created = await owner.context.request.post(`/api/workspaces/${owner.workspaceId}/pipelines`, { data: { name: 'Strict sales', mode: 'strict' } });
		const pipeline = (await created.json()) as PipelineInfo;
		const dealId = await createDeal(owner, pipeline, 'Umbrella rollout', 'New lead');
		const { page } = owner;
		await page.goto(`/w/${owner.workspaceId}/deals/${dealId}`);
		const stage = page.getByLabel(/^Stage/);
		await stage.waitFor();

		await stage.selectOption({ label: 'Meeting' });
		await page.getByRole('alert').filter({ hasText: 'can only move on to "Qualified"' }).waitFor();
		await expect.poll(() => stage.inputValue()).toBe(pipeline.stages.find((s) => s.name === 'New lead')!.id);
		expect((await dealOf(owner, dealId)).deal.stageId).toBe(pipeline.stages.find((s) => s.name === 'New lead')!.id);

		await stage.selectOption({ label: 'Qualified' });
		const qualified = pipeline.stages.find((s) => s.name === 'Qualified')!.id;
		await expect.poll(async () => (await dealOf(owner, dealId)).deal.stageId).toBe(qualified);
		await expect.poll(() => page.getByRole('alert').count()).toBe(0);
	});

	it('shows a viewer the deal and its tasks with nothing to change', async () => {
		const owner = await signUpOwner(browser, baseUrl, 'Olga Owner');
		const viewer = await addMember(browser, baseUrl, owner, 'viewer', 'Vic Viewer');
		const dealId = await createDeal(owner, await firstPipeline(owner), 'Hooli licences', 'Qualified');
		const { page } = viewer;
		await page.goto(`/w/${owner.workspaceId}/deals/${dealId}`);
		await page.getByRole('heading', { name: 'Hooli licences' }).waitFor();
		await page.getByTestId('task').filter({ hasText: 'Call back' }).waitFor();

		expect(await page.getByRole('button', { name: 'Rename the deal' }).count()).toBe(0);
		expect(await page.getByRole('button', { name: 'Won', exact: true }).count()).toBe(0);
		expect(await page.getByRole('button', { name: 'Lost', exact: true }).count()).toBe(0);
		expect(await page.getByRole('button', { name: 'Add task' }).count()).toBe(0);
		expect(await page.locator('select').count()).toBe(0);
		await expect(page.getByRole('checkbox', { name: 'Complete “Call back”' }).isDisabled()).resolves.toBe(true);
		expect(await page.getByRole('button', { name: /^Edit “/ }).count()).toBe(0);
		// Even forced, the API refuses the viewer.
		const forced = await viewer.context.request.post(`/api/deals/${dealId}/close`, { data: { outcome: 'won' } });
		expect(forced.status()).toBe(403);
		expect((await dealOf(owner, dealId)).deal.status).toBe('open');
	});

	it('lets an admin edit the lost reasons and the days closed deals stay, and losing a deal offers the new list', async () => {
		const owner = await signUpOwner(browser, baseUrl, 'Ada Admin');
		const dealId = await createDeal(owner, await firstPipeline(owner), 'Initech upgrade', 'Proposal');
		const { page } = owner;
		await page.goto(`/w/${owner.workspaceId}/settings`);
		const reasons = page.getByTestId('lost-reasons-card');
		await reasons.getByLabel('Reason 1').waitFor();

		await reasons.getByRole('button', { name: 'Remove “No response”' }).click();
		await reasons.getByLabel('New reason').fill('Timing not right');
		await reasons.getByRole('button', { name: 'Add' }).click();
		await reasons.getByRole('button', { name: 'Move “Timing not right” up' }).click();
		await reasons.getByRole('button', { name: 'Save reasons' }).click();
		await reasons.getByText('Saved.').waitFor();
		const saved = (await (await owner.context.request.get(`/api/workspaces/${owner.workspaceId}/lost-reasons`)).json()) as { reasons: { label: string }[] };
		expect(saved.reasons.map((r) => r.label)).toEqual(['No budget', 'Chose a competitor', 'Timing not right', 'Deal impossible']);

		// A duplicate is caught before it reaches the server.
		await reasons.getByLabel('New reason').fill('no budget');
		await reasons.getByRole('button', { name: 'Add' }).click();
		await reasons.getByText('is in the list twice').waitFor();
		await expect(reasons.getByRole('button', { name: 'Save reasons' }).isDisabled()).resolves.toBe(true);

		const closed = page.getByTestId('closed-deals-card');
		const days = closed.getByLabel('Days on the board after closing');
		await expect.poll(() => days.isDisabled()).toBe(false);
		await days.fill('400');
		await closed.getByText('A number of days from 0 to 365.').waitFor();
		await days.fill('3');
		await closed.getByRole('button', { name: 'Save' }).click();
		await expect
			.poll(async () => ((await (await owner.context.request.get(`/api/workspaces/${owner.workspaceId}`)).json()) as { settings?: { closedDealDays?: number } }).settings?.closedDealDays)
			.toBe(3);

		await page.goto(`/w/${owner.workspaceId}/deals/${dealId}`);
		await page.getByRole('button', { name: 'Lost', exact: true }).click();
		const dialog = page.getByRole('dialog', { name: 'Mark the deal as lost' });
		const options = await dialog.getByLabel('Lost reason').locator('option').allTextContents();
		expect(options).toContain('Timing not right');
		expect(options).not.toContain('No response');
	});
});
