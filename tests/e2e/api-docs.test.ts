import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { describeWithBrowser, launchBrowser } from './support/browser';

const baseUrl = inject('baseUrl');
/** Set API_DOCS_SHOTS to a folder to keep screenshots of the reference page. */
const shots = process.env.API_DOCS_SHOTS;

declare global {
	interface Window {
		__violations?: string[];
	}
}

describeWithBrowser('API reference page', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	for (const viewport of [
		{ width: 1280, height: 800 },
		{ width: 390, height: 844 }
	]) {
		it(`renders the reference at ${viewport.width}px with nothing from another origin`, async () => {
			const context = await browser.newContext({ baseURL: baseUrl, viewport });
			context.setDefaultTimeout(15_000);
			const page = await context.newPage();
			const requests: string[] = [];
			const refusals: string[] = [];
			const failures: string[] = [];
			context.on('request', (request) => requests.push(request.url()));
			context.on('response', (response) => {
				if (response.status() >= 400) failures.push(`${response.status()} ${response.url()}`);
			});
			// A request the policy blocks never reaches the network, so it shows only as a violation.
			page.on('console', (message) => {
				if (/Refused to|Content Security Policy/.test(message.text())) refusals.push(message.text());
			});
			await page.addInitScript(() => {
				window.__violations = [];
				document.addEventListener('securitypolicyviolation', (event) =>
					window.__violations!.push(`${event.violatedDirective} ${event.blockedURI}`)
				);
			});

			await page.goto('/api/docs');
			await page.getByRole('heading', { name: 'Voronka API', exact: true }).waitFor();
			await page.getByRole('heading', { name: 'Log in with email and password' }).waitFor();
			await page.waitForLoadState('networkidle');
			// Scalar's extras asked for their data only after the document rendered; give them the time.
			await page.waitForTimeout(1000);

			const origin = new URL(baseUrl).origin;
			expect(requests.filter((url) => new URL(url).origin !== origin && !url.startsWith('data:'))).toEqual([]);
			expect(requests).toContain(`${origin}/api/docs/scalar.js`);
			expect(failures).toEqual([]);
			expect(refusals).toEqual([]);
			expect(await page.evaluate(() => window.__violations)).toEqual([]);
			for (const extra of ['Ask AI', 'Deploy', 'Share', 'Developer Tools', 'Open API Client', 'Configure']) {
				expect(await page.getByRole('button', { name: extra }).count(), extra).toBe(0);
			}

			if (shots) await page.screenshot({ path: `${shots}/api-docs-${viewport.width}.png` });
			await context.close();
		});
	}
});
