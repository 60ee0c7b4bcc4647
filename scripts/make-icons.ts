// Renders the app's icons (static/icons/*.png) from the brand mark of
// static/favicon.svg with headless Chromium, so they can be made again after
// the brand changes: `npx tsx scripts/make-icons.ts`. Commit the PNGs.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const out = fileURLToPath(new URL('../static/icons/', import.meta.url));
const indigo = '#4f46e5';
/** The funnel of favicon.svg, drawn on a 32×32 grid. */
const funnel = 'M7 9h18l-6 8v6l-6 3v-9z';

/** The funnel centred in a square of `size`, `scale` times its favicon size relative to the square. */
function funnelAt(size: number, scale: number): string {
	// The funnel's box is x 7..25, y 9..26: centre (16, 17.5).
	const k = (size / 32) * scale;
	const dx = size / 2 - 16 * k;
	const dy = size / 2 - 17.5 * k;
	return `<path d="${funnel}" fill="#fff" transform="translate(${dx} ${dy}) scale(${k})"/>`;
}

const icons: Array<{ file: string; size: number; svg: (size: number) => string }> = [
	// "any": the favicon as it is, rounded corners on a transparent ground.
	...[192, 512].map((size) => ({
		file: `icon-${size}.png`,
		size,
		svg: (s: number) => `<rect width="${s}" height="${s}" rx="${(s * 7) / 32}" fill="${indigo}"/>${funnelAt(s, 1)}`
	})),
	// Maskable: full bleed; the launcher crops to any shape inside the central
	// 80 % circle, so the funnel (about 56 % wide) stays well within it.
	...[192, 512].map((size) => ({
		file: `maskable-${size}.png`,
		size,
		svg: (s: number) => `<rect width="${s}" height="${s}" fill="${indigo}"/>${funnelAt(s, 0.72)}`
	})),
	// iOS rounds the corners itself and shows transparency as black: full bleed.
	{ file: 'apple-touch-icon.png', size: 180, svg: (s: number) => `<rect width="${s}" height="${s}" fill="${indigo}"/>${funnelAt(s, 0.85)}` }
];

const browser = await chromium.launch({
	executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
	args: ['--headless', '--no-sandbox', '--disable-gpu']
});
const page = await browser.newPage({ deviceScaleFactor: 1 });
for (const icon of icons) {
	await page.setViewportSize({ width: icon.size, height: icon.size });
	const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${icon.size}" height="${icon.size}" viewBox="0 0 ${icon.size} ${icon.size}">${icon.svg(icon.size)}</svg>`;
	await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
	writeFileSync(`${out}${icon.file}`, await page.screenshot({ omitBackground: true, type: 'png' }));
	console.log(`static/icons/${icon.file} (${icon.size}×${icon.size})`);
}
await browser.close();
