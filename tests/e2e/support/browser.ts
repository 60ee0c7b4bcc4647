import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { describe } from 'vitest';

/** Debian's Chromium, or whatever CHROME_PATH names; a browser is never downloaded. */
export const chromePath = process.env.CHROME_PATH || '/usr/bin/chromium';
const chromeFound = existsSync(chromePath);

if (!chromeFound) {
	const message = `e2e tests not run: Chromium not found at ${chromePath}, install Debian's chromium or set CHROME_PATH`;
	// On CI a missing browser must fail the run, not quietly skip it.
	if (process.env.CI) throw new Error(message);
	console.warn(message);
}

/** `describe` when a browser is available, `describe.skip` otherwise. */
export const describeWithBrowser = chromeFound ? describe : describe.skip;

export const chromeArgs = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-quic',
	'--no-first-run',
	'--disable-component-update',
	'--disable-sync'
];

export function launchBrowser(): Promise<Browser> {
	return chromium.launch({ executablePath: chromePath, args: chromeArgs });
}

/** A fresh, logged-out browser profile with the app's origin as its base URL. */
export async function newUser(browser: Browser, baseUrl: string): Promise<{ context: BrowserContext; page: Page }> {
	const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 800 } });
	context.setDefaultTimeout(15_000);
	const page = await context.newPage();
	return { context, page };
}

/** Unique per run, so tests never collide with accounts of an earlier run. */
export function uniqueEmail(label: string): string {
	const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;
	return `${label}-${suffix}@example.test`;
}

export const strongPassword = 'correct horse battery staple 42';
