import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { describeWithBrowser, launchBrowser, newUser, uniqueEmail } from './support/browser';
import { account, signUpWithWorkspace } from './support/flows';

const baseUrl = inject('baseUrl');

describeWithBrowser('the reports page', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('draws the funnel with its table, keeps the period in the URL and downloads the funnel as CSV', async () => {
		const { context, page } = await newUser(browser, baseUrl);
		const workspaceId = await signUpWithWorkspace(page, account('Rita Reports', uniqueEmail('rita')), `Reports ${Date.now().toString(36)}`);
		const [sales] = (await (await page.request.get(`/api/workspaces/${workspaceId}/pipelines`)).json()) as { id: string; stages: { id: string; name: string }[] }[];
		const dueAt = new Date(Date.now() + 86_400_000).toISOString();
		// Three deals made today: two in New lead, one in Meeting (it passed Qualified by skipping it).
		for (const [title, stage] of [['Initech pilot', 0], ['Globex licence', 0], ['Umbrella rollout', 2]] as const) {
			const created = await page.request.post(`/api/pipelines/${sales!.id}/deals`, {
				data: { title, valueMinor: 100_000, currency: 'EUR', stageId: sales!.stages[stage]!.id, firstTask: { type: 'call', title: `Call ${title}`, dueAt } }
			});
			expect(created.status()).toBe(201);
		}

		await page.goto(`/w/${workspaceId}/reports`);
		const funnel = page.locator('#funnel');
		await funnel.locator('canvas').waitFor();
		await expect.poll(() => funnel.locator('tbody tr').first().textContent()).toMatch(/New lead\s*3/);
		expect(await funnel.locator('tbody tr').nth(1).textContent()).toMatch(/Qualified\s*1/);
		expect(await funnel.getByText('Deals created in the period').count()).toBe(1);
		// The chart really drew: some of its pixels are not the background.
		const inked = await funnel.locator('canvas').evaluate((canvas: HTMLCanvasElement) => {
			const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
			const colours = new Set<number>();
			for (let i = 0; i < data.length; i += 4 * 97) colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
			return colours.size;
		});
		expect(inked).toBeGreaterThan(3);

		// A preset writes the period into the URL; a reload keeps it.
		await page.locator('main').getByLabel('Period').selectOption('this-month');
		await expect.poll(() => new URL(page.url()).searchParams.get('from')).toMatch(/^\d{4}-\d{2}-01$/);
		await page.reload();
		await funnel.locator('canvas').waitFor();
		expect(await page.locator('main').getByLabel('Period').inputValue()).toBe('this-month');

		const [download] = await Promise.all([page.waitForEvent('download'), funnel.getByRole('button', { name: 'CSV' }).click()]);
		expect(download.suggestedFilename()).toMatch(/^funnel-.+\.csv$/);
		const csv = await readFile((await download.path())!, 'utf8');
		expect(csv.charCodeAt(0)).toBe(0xfeff);
		const lines = csv.slice(1).trimEnd().split('\r\n');
		expect(lines[0]).toBe('Stage,Reached,To next stage');
		expect(lines[1]).toBe('New lead,3,0.3333');
		expect(lines.at(-1)).toBe('Won,0,');
		await context.close();
	});
});
