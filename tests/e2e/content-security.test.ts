import { createHash } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { describeWithBrowser, launchBrowser, newUser } from './support/browser';

const baseUrl = inject('baseUrl');

describeWithBrowser('content security policy', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('runs the app’s own boot script by its hash and nothing injected inline', async () => {
		const html = await (await fetch(`${baseUrl}/login`)).text();
		const policy = /<meta http-equiv="content-security-policy" content="([^"]+)"/.exec(html)?.[1];
		const inline = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1];
		expect(policy).toBeDefined();
		expect(inline).toBeDefined();
		const hash = createHash('sha256').update(inline!).digest('base64');
		expect(policy).toBe(`script-src 'self' 'sha256-${hash}'`);

		const { page } = await newUser(browser, baseUrl);
		const violations: string[] = [];
		page.on('console', (message) => {
			if (message.text().includes('Content Security Policy')) violations.push(message.text());
		});
		await page.goto('/login');
		await page.getByRole('button', { name: 'Log in' }).waitFor();
		expect(violations).toEqual([]);

		// A script smuggled into the page (as an XSS would) does not run.
		await page.evaluate(() => {
			const script = document.createElement('script');
			script.textContent = 'window.__injected = true';
			document.body.append(script);
		});
		await expect.poll(() => violations.length).toBeGreaterThan(0);
		expect(await page.evaluate(() => (window as { __injected?: boolean }).__injected)).toBeUndefined();
	});
});
