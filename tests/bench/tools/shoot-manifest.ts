// Not a benchmark: the screenshots of the web app manifest (static/screenshots/),
// a wide desktop board and a narrow phone board of sample data, taken from the
// built app: `npm run build && npx tsx tests/bench/tools/shoot-manifest.ts`.
// Commit the PNGs; their sizes are declared in static/manifest.webmanifest.
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { openTestDatabase } from '../../support/databases.js';
import { callApi, signUpOwner, startTestServer } from '../../support/sync-server.js';

const buildDir = fileURLToPath(new URL('../../../build', import.meta.url));
const out = fileURLToPath(new URL('../../../static/screenshots/', import.meta.url));
const database = await openTestDatabase('pglite');
const server = await startTestServer(database, 600000, undefined, buildDir);
const owner = await signUpOwner(server.url);
await callApi(server.url, 'POST', `/api/workspaces/${owner.workspaceId}/sample-data`, { token: owner.token, json: { count: 40, history: false } });
const browser = await chromium.launch({
	executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
	args: ['--headless', '--no-sandbox', '--disable-gpu']
});
const shots = [
	{ file: 'board-wide.png', viewport: { width: 1280, height: 800 }, scale: 1, mobile: false },
	{ file: 'board-narrow.png', viewport: { width: 390, height: 844 }, scale: 2, mobile: true }
];
for (const shot of shots) {
	const context = await browser.newContext({
		baseURL: server.url,
		viewport: shot.viewport,
		deviceScaleFactor: shot.scale,
		isMobile: shot.mobile,
		hasTouch: shot.mobile,
		serviceWorkers: 'block'
	});
	const cookie = owner.cookie;
	await context.addCookies([{ name: cookie.slice(0, cookie.indexOf('=')), value: cookie.slice(cookie.indexOf('=') + 1), url: server.url }]);
	const page = await context.newPage();
	await page.goto(`/w/${owner.workspaceId}/board/${owner.pipeline.id}`);
	await page.locator('[data-connection="live"]').waitFor();
	await page.waitForTimeout(1500);
	await page.screenshot({ path: `${out}${shot.file}` });
	console.log(`static/screenshots/${shot.file}`);
	await context.close();
}
await browser.close();
await server.close();
await database.close();
process.exit(0);
