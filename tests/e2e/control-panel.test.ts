import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { describeWithBrowser, launchBrowser, newUser, uniqueEmail } from './support/browser';
import { account, signUpWithWorkspace } from './support/flows';

const baseUrl = inject('baseUrl');

describeWithBrowser('the control panel', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('updates live, without a reload, when a task falls due or is completed elsewhere; the wall screen shows it without navigation; the team’s tasks reassign in bulk', async () => {
		const { page } = await newUser(browser, baseUrl);
		const workspaceId = await signUpWithWorkspace(page, account('Petra Panel', uniqueEmail('petra')), `Panel ${Date.now().toString(36)}`);
		const [pipeline] = (await (await page.request.get(`/api/workspaces/${workspaceId}/pipelines`)).json()) as { id: string }[];
		const created = await page.request.post(`/api/pipelines/${pipeline!.id}/deals`, {
			data: { title: 'Hooli renewal', valueMinor: 0, currency: 'EUR', firstTask: { type: 'call', title: 'Call Gavin', dueAt: new Date(Date.now() + 5 * 86_400_000).toISOString() } }
		});
		const dealId = ((await created.json()) as { deal: { id: string } }).deal.id;
		// Falls due four seconds from now: nobody writes anything when it does.
		const soon = await page.request.post(`/api/deals/${dealId}/tasks`, {
			data: { type: 'email', title: 'Send the quote', dueAt: new Date(Date.now() + 4000).toISOString() }
		});
		const taskId = ((await soon.json()) as { task: { id: string } }).task.id;

		await page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: 'Control panel' }).click();
		await page.waitForURL(/\/panel$/);
		const overdue = page.getByTestId('tile-overdue-value');
		await expect.poll(() => overdue.textContent()).toBe('0');
		await expect.poll(() => page.getByTestId('tile-today-value').textContent()).toBe('1');
		await page.getByTestId('panel-live').getByText('Live').waitFor();

		// The due time passes: the number changes by itself.
		await expect.poll(() => overdue.textContent(), { timeout: 10_000 }).toBe('1');
		await expect.poll(() => page.getByTestId('tile-today-value').textContent()).toBe('0');
		const rep = page.getByTestId('overdue-rep').filter({ hasText: 'Petra Panel' });
		await rep.getByRole('button').click();
		await page.getByTestId('overdue-tasks').getByText('Send the quote').waitFor();

		// Completed elsewhere (another tab, a phone, the API): the panel follows.
		const done = await page.request.patch(`/api/tasks/${taskId}`, { data: { done: true } });
		expect(done.status()).toBe(200);
		await expect.poll(() => overdue.textContent(), { timeout: 5000 }).toBe('0');
		await expect(page.getByText('Nothing overdue. Well done.').isVisible()).resolves.toBe(true);

		// The wall screen: no navigation, the same numbers in large type.
		await page.getByTestId('wall-link').click();
		await page.waitForURL(/wall=1/);
		await page.getByTestId('tile-overdue-value').waitFor();
		await expect(page.getByRole('navigation', { name: 'Workspace' }).count()).resolves.toBe(0);
		const size = await page.getByTestId('tile-overdue-value').evaluate((element) => parseFloat(getComputedStyle(element).fontSize));
		expect(size).toBeGreaterThanOrEqual(48);

		// The team's tasks: sample data brings two sample reps; hand two of Petra's tasks to one of them at once.
		const sample = await page.request.post(`/api/workspaces/${workspaceId}/sample-data`, { data: { pipelineId: pipeline!.id, count: 12, seed: 4 } });
		expect(sample.status()).toBe(201);
		await page.goto(`/w/${workspaceId}/tasks?view=team`);
		const members = (await (await page.request.get(`/api/workspaces/${workspaceId}/members`)).json()) as { members: { userId: string; name: string }[] };
		const petra = members.members.find((member) => member.name === 'Petra Panel')!;
		const maya = members.members.find((member) => member.name === 'Maya Chen')!;
		await page.getByTestId('filter-rep').selectOption(petra.userId);
		const total = page.getByTestId('team-total');
		// The total shown is Petra's, not the team's from before the filter applied.
		const petraTasks = (await (await page.request.get(`/api/workspaces/${workspaceId}/team-tasks?rep=${petra.userId}`)).json()) as { total: number };
		const before = petraTasks.total;
		await expect.poll(async () => Number((await total.textContent())!.match(/\d+/)![0])).toBe(before);
		await expect.poll(async () => page.getByTestId('team-task').filter({ hasNotText: 'Petra Panel' }).count()).toBe(0);
		expect(before).toBeGreaterThanOrEqual(2);
		const rows = page.getByTestId('team-task');
		await rows.nth(0).getByRole('checkbox').check();
		await rows.nth(1).getByRole('checkbox').check();
		const bar = page.getByTestId('bulk-bar');
		await bar.getByText('2 selected').waitFor();
		await bar.getByTestId('bulk-assignee').selectOption(maya.userId);
		await bar.getByRole('button', { name: 'Reassign' }).click();
		await page.getByText('2 tasks now go to Maya Chen.').waitFor();
		await expect.poll(async () => Number((await total.textContent())!.match(/\d+/)![0])).toBe(before - 2);
		await page.getByTestId('filter-rep').selectOption(maya.userId);
		await expect.poll(() => page.getByTestId('team-task-assignee').filter({ hasText: 'Maya Chen' }).count()).toBeGreaterThanOrEqual(2);
	});
});
