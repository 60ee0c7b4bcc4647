// Not a benchmark: screenshots of a sample board, desktop and phone, from a given build.
import { chromium } from 'playwright-core';
import { openTestDatabase } from '../../support/databases.js';
import { callApi, signUpOwner, startTestServer } from '../../support/sync-server.js';

const [buildDir, prefix] = process.argv.slice(2) as [string, string];
const database = await openTestDatabase('pglite');
const server = await startTestServer(database, 600000, undefined, buildDir);
const owner = await signUpOwner(server.url);
await callApi(server.url, 'POST', `/api/workspaces/${owner.workspaceId}/sample-data`, { token: owner.token, json: { count: 60, history: false } });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
for (const [name, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]] as const) {
	const context = await browser.newContext({ baseURL: server.url, viewport, timezoneId: 'UTC' });
	const cookie = owner.cookie;
	await context.addCookies([{ name: cookie.slice(0, cookie.indexOf('=')), value: cookie.slice(cookie.indexOf('=') + 1), url: server.url }]);
	const page = await context.newPage();
	await page.goto(`/w/${owner.workspaceId}/board/${owner.pipeline.id}`);
	await page.locator('[data-connection="live"]').waitFor();
	await page.waitForTimeout(1500);
	await page.screenshot({ path: `${prefix}-${name}.png` });
	// Mid-drag, desktop only: the floating card over the columns.
	if (name === 'desktop') {
		const box = (await page.locator('[data-drop-stage] [data-deal-id]').first().boundingBox())!;
		await page.mouse.move(box.x + 80, box.y + 40);
		await page.mouse.down();
		await page.mouse.move(box.x + 200, box.y + 80, { steps: 5 });
		await page.mouse.move(box.x + 380, box.y + 160, { steps: 5 });
		await page.waitForTimeout(300);
		await page.screenshot({ path: `${prefix}-${name}-drag.png` });
		await page.mouse.up();
	}
	await context.close();
}
await browser.close();
await server.close();
await database.close();
process.exit(0);
