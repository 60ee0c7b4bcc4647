import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../server/db/client';
import type { RunningServer } from '../../server/server';
import { openTestDatabase } from '../support/databases';
import { startTestServer } from '../support/sync-server';
import { describeWithBrowser, launchBrowser, newUser } from './support/browser';

const builtApp = fileURLToPath(new URL('../../build', import.meta.url));

describeWithBrowser('a new version of the app', () => {
	let browser: Browser;
	// A server of its own over a copy of the built app, so that "deploying" a
	// new worker here never offers an update to the pages of other tests.
	let buildDir: string;
	let database: DatabaseHandle;
	let server: RunningServer;

	beforeAll(async () => {
		buildDir = mkdtempSync(join(tmpdir(), 'voronka-update-'));
		cpSync(builtApp, buildDir, { recursive: true });
		database = await openTestDatabase('pglite');
		server = await startTestServer(database, 600_000, undefined, buildDir);
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
		await server?.close();
		await database?.close();
		rmSync(buildDir, { recursive: true, force: true });
	});

	it('waits until the user chooses to reload, then takes over the page', async () => {
		const { context, page } = await newUser(browser, server.url);
		await page.goto('/login');
		await page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated', undefined, { timeout: 15_000 });
		const first = await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.active!.scriptURL);
		await expect(page.locator('[data-app-update]').count()).resolves.toBe(0);

		// The next deploy, as the browser sees it: a worker script with other bytes.
		// A build writes the compressed copies the server prefers beside it.
		const worker = join(buildDir, 'service-worker.js');
		appendFileSync(worker, '\n// the next version\n');
		writeFileSync(`${worker}.br`, brotliCompressSync(readFileSync(worker)));
		writeFileSync(`${worker}.gz`, gzipSync(readFileSync(worker)));
		await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
		const prompt = page.locator('[data-app-update]');
		await prompt.getByText('A new version is available').waitFor();
		// It waits: the old worker still controls the page.
		const waiting = await page.evaluate(async () => {
			const registration = (await navigator.serviceWorker.getRegistration())!;
			return { waiting: registration.waiting?.state, controller: navigator.serviceWorker.controller === registration.active };
		});
		expect(waiting).toEqual({ waiting: 'installed', controller: true });

		await page.evaluate(() => ((window as unknown as { __beforeReload: boolean }).__beforeReload = true));
		await Promise.all([page.waitForEvent('load'), prompt.getByRole('button', { name: 'Reload' }).click()]);
		await page.getByRole('button', { name: 'Log in' }).waitFor();
		expect(await page.evaluate(() => (window as unknown as { __beforeReload?: boolean }).__beforeReload)).toBeUndefined();
		const after = await page.evaluate(async () => {
			const registration = (await navigator.serviceWorker.getRegistration())!;
			return { waiting: registration.waiting, controller: navigator.serviceWorker.controller?.scriptURL };
		});
		expect(after).toEqual({ waiting: null, controller: first });
		await expect(page.locator('[data-app-update]').count()).resolves.toBe(0);
		await context.close();
	});
});
