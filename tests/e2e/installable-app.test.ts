import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { expect, inject, it } from 'vitest';
import { chromeArgs, chromePath, describeWithBrowser } from './support/browser';

const baseUrl = inject('baseUrl');

/** Width and height from a PNG's IHDR chunk, or null when the bytes are not a PNG. */
function pngSize(bytes: Buffer): { width: number; height: number } | null {
	const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
	if (!bytes.subarray(0, 8).equals(signature) || bytes.toString('ascii', 12, 16) !== 'IHDR') return null;
	return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

interface ManifestImage {
	src: string;
	sizes: string;
	type: string;
	purpose?: string;
	form_factor?: string;
}

describeWithBrowser('the installable app', () => {
	it('meets Chromium’s installability criteria on a phone, with a worker controlling the page', async () => {
		// A profile of its own: Chromium installs nothing from an incognito context (a plain newContext).
		const profile = mkdtempSync(join(tmpdir(), 'voronka-install-'));
		const context = await chromium.launchPersistentContext(profile, {
			executablePath: chromePath,
			args: chromeArgs,
			baseURL: baseUrl,
			viewport: { width: 390, height: 844 },
			isMobile: true,
			hasTouch: true
		});
		const page = context.pages()[0] ?? (await context.newPage());
		await page.goto('/login');
		await page.getByRole('button', { name: 'Log in' }).waitFor();
		// The first install claims the open page, so it works offline from its first visit.
		await page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated', undefined, { timeout: 15_000 });
		expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(`${baseUrl}/service-worker.js`);

		const cdp = await context.newCDPSession(page);
		const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: unknown[] };
		expect(installabilityErrors).toEqual([]);
		const { url, errors } = (await cdp.send('Page.getAppManifest')) as { url: string; errors: unknown[] };
		expect(url).toBe(`${baseUrl}/manifest.webmanifest`);
		expect(errors).toEqual([]);
		await context.close();
		rmSync(profile, { recursive: true, force: true });
	});

	it('serves a complete manifest whose icons and screenshots are real PNGs of the declared sizes', async () => {
		const response = await fetch(`${baseUrl}/manifest.webmanifest`);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toMatch(/^application\/manifest\+json/);
		const manifest = (await response.json()) as Record<string, unknown> & { icons: ManifestImage[]; screenshots: ManifestImage[] };
		expect(manifest).toMatchObject({
			name: 'Voronka',
			short_name: 'Voronka',
			start_url: '/',
			scope: '/',
			display: 'standalone',
			theme_color: expect.stringMatching(/^#[0-9a-f]{6}$/),
			background_color: expect.stringMatching(/^#[0-9a-f]{6}$/),
			categories: ['business', 'productivity']
		});
		expect(String(manifest.description).length).toBeGreaterThan(20);

		const icons = manifest.icons.map((icon) => `${icon.sizes} ${icon.purpose}`);
		expect(icons).toEqual(expect.arrayContaining(['192x192 any', '512x512 any', '192x192 maskable', '512x512 maskable']));
		expect(manifest.screenshots.map((shot) => shot.form_factor).sort()).toEqual(['narrow', 'wide']);

		const appleIcon = { src: '/icons/apple-touch-icon.png', sizes: '180x180', type: 'image/png' };
		const html = await (await fetch(`${baseUrl}/login`)).text();
		expect(html).toContain(`<link rel="apple-touch-icon" href="${appleIcon.src}"`);
		expect(html).toContain('<link rel="manifest" href="/manifest.webmanifest"');

		for (const image of [...manifest.icons, ...manifest.screenshots, appleIcon]) {
			const answer = await fetch(new URL(image.src, baseUrl));
			expect(answer.status, image.src).toBe(200);
			expect(answer.headers.get('content-type'), image.src).toBe('image/png');
			const size = pngSize(Buffer.from(await answer.arrayBuffer()));
			expect(size && `${size.width}x${size.height}`, image.src).toBe(image.sizes);
		}
	});

	it('sends the app’s scripts compressed to a browser that accepts it, the same bytes once decoded', async () => {
		const html = await (await fetch(`${baseUrl}/login`)).text();
		const script = /<link href="(\/_app\/immutable\/[^"]+\.js)" rel="modulepreload">/.exec(html)?.[1];
		expect(script).toBeTruthy();
		const plain = await fetch(`${baseUrl}${script}`, { headers: { 'accept-encoding': 'identity' } });
		expect(plain.headers.get('content-encoding')).toBeNull();
		const original = await plain.text();
		for (const encoding of ['br', 'gzip']) {
			// fetch decodes the body by its Content-Encoding.
			const compressed = await fetch(`${baseUrl}${script}`, { headers: { 'accept-encoding': encoding } });
			expect(compressed.headers.get('content-encoding'), encoding).toBe(encoding);
			expect(compressed.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
			expect(Number(compressed.headers.get('content-length')), encoding).toBeLessThan(Buffer.byteLength(original));
			expect(await compressed.text(), encoding).toBe(original);
		}
	});

	it('serves the worker script and the manifest uncached, and lets the page use both', async () => {
		for (const path of ['/service-worker.js', '/manifest.webmanifest']) {
			const response = await fetch(`${baseUrl}${path}`);
			expect(response.status).toBe(200);
			expect(response.headers.get('cache-control'), path).toBe('no-cache');
			const policy = response.headers.get('content-security-policy') ?? '';
			expect(policy).toContain("worker-src 'self'");
			expect(policy).toContain("manifest-src 'self'");
		}
		expect((await fetch(`${baseUrl}/service-worker.js`)).headers.get('content-type')).toMatch(/javascript/);
	});
});
