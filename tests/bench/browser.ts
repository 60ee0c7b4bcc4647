// The browser side of the 5,000-deal board: how long until cards are painted
// (cold, with an empty IndexedDB, and warm, from IndexedDB), how many cards
// the page holds, and how long a drag step takes to paint. Debian's Chromium
// through playwright-core, as in the end-to-end tests.
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { chromium } from 'playwright-core';
import { strongPassword, uniqueEmail } from '../support/api-client.js';

const chromePath = process.env.CHROME_PATH || '/usr/bin/chromium';

function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function benchBrowser(baseUrl: string, dealCount: number): Promise<Array<[string, string]>> {
	if (!existsSync(chromePath)) return [['Browser measures', `not run: no Chromium at ${chromePath}`]];
	const browser = await chromium.launch({
		executablePath: chromePath,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync']
	});
	const rows: Array<[string, string]> = [];
	try {
		const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 800 } });
		const signup = await context.request.post('/api/auth/signup', {
			data: { email: uniqueEmail('bench'), password: strongPassword, name: 'Bench', workspaceName: 'Bench' }
		});
		const { workspace } = (await signup.json()) as { workspace: { id: string } };
		const seeded = await context.request.post(`/api/workspaces/${workspace.id}/sample-data`, { data: { count: dealCount } });
		const { pipelineId } = (await seeded.json()) as { pipelineId: string };
		const page = await context.newPage();
		const boardUrl = `/w/${workspace.id}/board/${pipelineId}`;
		const firstCard = '[data-deal-id]';

		let start = performance.now();
		await page.goto(boardUrl);
		await page.locator(firstCard).first().waitFor({ timeout: 60_000 });
		rows.push([`Board with ${dealCount} deals: first cards painted, cold (empty IndexedDB)`, `${(performance.now() - start).toFixed(0)} ms`]);
		await page.waitForTimeout(1500); // let IndexedDB store the document

		start = performance.now();
		await page.reload();
		await page.locator(firstCard).first().waitFor({ timeout: 60_000 });
		rows.push(['Same board: first cards painted, warm (from IndexedDB)', `${(performance.now() - start).toFixed(0)} ms`]);
		const cardsInPage = await page.locator(firstCard).count();
		rows.push(['Cards in the page (columns are windowed)', String(cardsInPage)]);

		// A mouse drag across two columns, timing each pointer step until the next frame.
		const source = page.locator(firstCard).first();
		const box = (await source.boundingBox())!;
		await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
		await page.mouse.down();
		const steps: number[] = [];
		for (let i = 1; i <= 40; i++) {
			const t = performance.now();
			await page.mouse.move(box.x + box.width / 2 + i * 14, box.y + box.height / 2 + i * 4);
			await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(null))));
			steps.push(performance.now() - t);
		}
		await page.mouse.up();
		rows.push([
			'Drag: pointer step to next frame (p50 / p95, 40 steps, includes the driver round trip)',
			`${percentile(steps, 50).toFixed(1)} ms / ${percentile(steps, 95).toFixed(1)} ms`
		]);
		await context.close();
	} finally {
		await browser.close();
	}
	return rows;
}
