import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { describeWithBrowser, launchBrowser, newUser, strongPassword, uniqueEmail } from './support/browser';
import { account, signUpWithWorkspace } from './support/flows';

const baseUrl = inject('baseUrl');

interface Stage {
	id: string;
	name: string;
	kind: string;
}

function rows(page: Page) {
	return page.getByTestId('deal-row');
}

function titles(page: Page): Promise<string[]> {
	return rows(page).locator('[data-column="title"] button').allTextContents();
}

function stageOf(page: Page, title: string) {
	return rows(page)
		.filter({ hasText: title })
		.locator('[data-column="stage"]')
		.textContent()
		.then((text) => text?.trim());
}

async function waitForRows(page: Page, count: number) {
	await expect.poll(() => rows(page).count(), { timeout: 15_000 }).toBe(count);
}

describeWithBrowser('the deals list', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('adds, sorts, searches and bulk-moves deals; a viewer sees no selection', async () => {
		const a = await newUser(browser, baseUrl);
		const workspaceId = await signUpWithWorkspace(a.page, account('Dana Deals', uniqueEmail('dana')), `Deals ${Date.now().toString(36)}`);
		const [sales] = (await (await a.page.request.get(`/api/workspaces/${workspaceId}/pipelines`)).json()) as { id: string; stages: Stage[] }[];
		const openStages = sales!.stages.filter((stage) => stage.kind === 'open');
		const firstStage = openStages[0]!.name;
		const target = openStages[3]!;

		// Two deals through the API, as an integration would create them.
		const dueAt = new Date(Date.now() + 86_400_000).toISOString();
		for (const [title, valueMinor] of [
			['Initech pilot', 200_000],
			['Umbrella expansion', 5_000_000]
		] as const) {
			const created = await a.page.request.post(`/api/pipelines/${sales!.id}/deals`, {
				data: { title, valueMinor, currency: 'EUR', firstTask: { type: 'call', title: `Call ${title}`, dueAt } }
			});
			expect(created.status()).toBe(201);
		}

		// The third through the list's own form, with its first task.
		await a.page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: 'Deals' }).click();
		await waitForRows(a.page, 2);
		await a.page.getByRole('button', { name: 'Add deal' }).click();
		const form = a.page.getByRole('dialog', { name: 'Add a deal' });
		await form.getByLabel('Title', { exact: true }).fill('Globex renewal');
		await form.getByLabel('Value (EUR)').fill('12 500');
		await form.getByLabel('Task', { exact: true }).fill('Call Globex about the renewal');
		await form.getByRole('button', { name: 'Add deal' }).click();
		await waitForRows(a.page, 3);
		const globex = rows(a.page).filter({ hasText: 'Globex renewal' });
		await expect(globex.locator('[data-column="value"]').textContent()).resolves.toMatch(/12,500/);
		await expect(globex.locator('[data-column="nextTask"]').textContent()).resolves.toContain('Call Globex about the renewal');

		// Sort by value: the server sorts (the request says so), the URL keeps it, a reload shows the same order.
		const valueHeader = a.page.getByRole('columnheader', { name: 'Value' });
		const sortedByServer = (order: string) =>
			a.page.waitForResponse((response) => {
				const url = new URL(response.url());
				return url.pathname.endsWith('/deals') && url.searchParams.get('sort') === 'value' && url.searchParams.get('order') === order;
			});
		let answer = sortedByServer('desc');
		await valueHeader.getByRole('button').click();
		expect((await answer).status()).toBe(200);
		await a.page.waitForURL(/[?&]sort=value&order=desc/);
		await a.page.reload();
		await waitForRows(a.page, 3);
		await expect(valueHeader.getAttribute('aria-sort')).resolves.toBe('descending');
		await expect(titles(a.page)).resolves.toEqual(['Umbrella expansion', 'Globex renewal', 'Initech pilot']);
		answer = sortedByServer('asc');
		await valueHeader.getByRole('button').click();
		expect((await answer).status()).toBe(200);
		await a.page.waitForURL(/[?&]sort=value&order=asc/);
		await a.page.reload();
		await waitForRows(a.page, 3);
		await expect(valueHeader.getAttribute('aria-sort')).resolves.toBe('ascending');
		await expect(titles(a.page)).resolves.toEqual(['Initech pilot', 'Globex renewal', 'Umbrella expansion']);
		// The server has no order by next task, so its header offers none.
		const nextTaskHeader = a.page.getByRole('columnheader', { name: 'Next task' });
		await expect(nextTaskHeader.getByRole('button').count()).resolves.toBe(0);
		await expect(nextTaskHeader.getAttribute('aria-sort')).resolves.toBeNull();

		// Search asks the server and narrows the list.
		await a.page.getByRole('searchbox', { name: 'Search deals' }).fill('globex');
		await waitForRows(a.page, 1);
		await expect(titles(a.page)).resolves.toEqual(['Globex renewal']);
		await a.page.getByRole('searchbox', { name: 'Search deals' }).fill('');
		await waitForRows(a.page, 3);

		// Select two and move them to another stage at once.
		await a.page.getByRole('checkbox', { name: 'Select Initech pilot' }).check();
		await a.page.getByRole('checkbox', { name: 'Select Umbrella expansion' }).check();
		const bar = a.page.getByRole('region', { name: 'Bulk actions' });
		await expect(bar.textContent()).resolves.toContain('2 deals selected');
		await bar.getByRole('button', { name: 'Move to stage' }).click();
		const moved = a.page.waitForResponse((response) => response.url().endsWith('/deals/bulk'));
		await bar.getByRole('button', { name: target.name }).click();
		expect((await moved).status()).toBe(200);
		await expect.poll(() => bar.count()).toBe(0);

		// After a reload the list shows what the server's projection holds.
		await expect
			.poll(async () => {
				await a.page.reload();
				await waitForRows(a.page, 3);
				return [await stageOf(a.page, 'Initech pilot'), await stageOf(a.page, 'Umbrella expansion')];
			})
			.toEqual([target.name, target.name]);
		await expect(stageOf(a.page, 'Globex renewal')).resolves.toBe(firstStage);

		// A viewer reads the same list but cannot select or add deals.
		const invite = await a.page.request.post(`/api/workspaces/${workspaceId}/invites`, { data: { role: 'viewer' } });
		const { token } = (await invite.json()) as { token: string };
		const v = await newUser(browser, baseUrl);
		const joined = await v.page.request.post('/api/auth/signup', {
			data: { name: 'Vic Viewer', email: uniqueEmail('vic'), password: strongPassword, inviteToken: token }
		});
		expect(joined.status()).toBe(201);
		// A shared link opens the list as it was sorted.
		await v.page.goto(`/w/${workspaceId}/deals?sort=value&order=desc`);
		await waitForRows(v.page, 3);
		await expect(v.page.getByRole('columnheader', { name: 'Value' }).getAttribute('aria-sort')).resolves.toBe('descending');
		await expect(titles(v.page)).resolves.toEqual(['Umbrella expansion', 'Globex renewal', 'Initech pilot']);
		await expect(v.page.getByRole('checkbox').count()).resolves.toBe(0);
		await expect(v.page.getByRole('button', { name: 'Add deal' }).count()).resolves.toBe(0);

		await Promise.all([a.context.close(), v.context.close()]);
	});

	it('pages through more deals than fit on one page, sorted across pages by the server', async () => {
		const a = await newUser(browser, baseUrl);
		const workspaceId = await signUpWithWorkspace(a.page, account('Paula Pages', uniqueEmail('paula')), `Pages ${Date.now().toString(36)}`);
		const [sales] = (await (await a.page.request.get(`/api/workspaces/${workspaceId}/pipelines`)).json()) as { id: string }[];
		const filled = await a.page.request.post(`/api/workspaces/${workspaceId}/sample-data`, { data: { pipelineId: sales!.id, count: 150, history: false } });
		expect(filled.status()).toBe(201);
		// What the server holds, biggest first: the list must show the same across its pages.
		const all = (await (
			await a.page.request.get(`/api/pipelines/${sales!.id}/deals?status=open&sort=value&order=desc&limit=5000`)
		).json()) as { deals: { title: string }[]; total: number };
		const total = all.total;
		expect(total).toBeGreaterThan(100);
		const format = (n: number) => n.toLocaleString('en-US');

		await a.page.goto(`/w/${workspaceId}/deals?sort=value&order=desc`);
		await waitForRows(a.page, 100);
		const summary = a.page.getByTestId('deals-summary');
		await expect(summary.textContent()).resolves.toContain(`Showing 1–100 of ${format(total)} deals`);
		await expect(titles(a.page)).resolves.toEqual(all.deals.slice(0, 100).map((deal) => deal.title));

		await a.page.getByRole('button', { name: 'Next', exact: true }).click();
		await a.page.waitForURL(/[?&]page=2/);
		await waitForRows(a.page, Math.min(total - 100, 100));
		await expect(summary.textContent()).resolves.toContain(`Showing 101–${format(Math.min(total, 200))} of ${format(total)} deals`);
		await expect(titles(a.page)).resolves.toEqual(all.deals.slice(100, 200).map((deal) => deal.title));

		// A reload stays on that page; Previous goes back.
		await a.page.reload();
		await waitForRows(a.page, Math.min(total - 100, 100));
		await expect(titles(a.page)).resolves.toEqual(all.deals.slice(100, 200).map((deal) => deal.title));
		await a.page.getByRole('button', { name: 'Previous', exact: true }).click();
		await a.page.waitForURL((url) => !url.searchParams.has('page'));
		await expect.poll(() => titles(a.page)).toEqual(all.deals.slice(0, 100).map((deal) => deal.title));

		await a.context.close();
	});
});
