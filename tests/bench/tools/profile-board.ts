// Not a benchmark: where the board's seconds go. Opens a 5,000-deal board (DEALS=N) cold and warm
// with a CPU profile (summarised, and saved to /tmp/prof/*.cpuprofile), prints the page's marks
// (board:open, board:local-loaded, board:connected, board:synced, board:first-cards) and its requests,
// then profiles a drag with its frame deltas, long animation frames and a trace of its start.
// Needs a built app in build/: npx tsx tests/bench/tools/profile-board.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { chromium, type Page } from 'playwright-core';
import { openTestDatabase } from '../../support/databases.js';
import { callApi, signUpOwner, startTestServer } from '../../support/sync-server.js';

mkdirSync('/tmp/prof', { recursive: true });
const count = Number(process.env.DEALS ?? 5000);
const database = await openTestDatabase('pglite');
const server = await startTestServer(database, 600000, undefined, new URL('../../../build', import.meta.url).pathname);
const owner = await signUpOwner(server.url);
for (let left = count; left > 0; left -= 5000)
	await callApi(server.url, 'POST', `/api/workspaces/${owner.workspaceId}/sample-data`, { token: owner.token, json: { pipelineId: owner.pipeline.id, count: Math.min(5000, left), history: false } });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 800 } });
const cookie = owner.cookie;
await context.addCookies([{ name: cookie.slice(0, cookie.indexOf('=')), value: cookie.slice(cookie.indexOf('=') + 1), url: server.url }]);
const page = await context.newPage();
const url = `/w/${owner.workspaceId}/board/${owner.pipeline.id}`;

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
function summarise(profile: { nodes: Node[]; samples: number[]; timeDeltas: number[] }, label: string) {
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const parent = new Map<number, number>();
	for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
	const self = new Map<string, number>();
	const total = new Map<string, number>();
	for (let i = 0; i < profile.samples.length; i++) {
		const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
		let node = byId.get(profile.samples[i]!)!;
		const key = (n: Node) => `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
		self.set(key(node), (self.get(key(node)) ?? 0) + dt);
		const seen = new Set<string>();
		for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
			const k = key(byId.get(id)!);
			if (seen.has(k)) continue;
			seen.add(k);
			total.set(k, (total.get(k) ?? 0) + dt);
		}
	}
	const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${v.toFixed(0).padStart(6)} ms  ${k}`).join('\n');
	console.log(`\n=== ${label}: self\n${top(self, 30)}\n=== ${label}: total\n${top(total, 45)}`);
}

async function profiled(label: string, go: (page: Page) => Promise<unknown>) {
	const cdp = await context.newCDPSession(page);
	await cdp.send('Profiler.enable');
	await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
	await cdp.send('Profiler.start');
	const t = Date.now();
	await go(page);
	await page.locator('[data-deal-id]').first().waitFor({ timeout: 120000 });
	const wall = Date.now() - t;
	const { profile } = await cdp.send('Profiler.stop');
	writeFileSync(`/tmp/prof/${label}.cpuprofile`, JSON.stringify(profile));
	const marks = await page.evaluate(() => performance.getEntriesByType('mark').map((m) => `${m.name} ${m.startTime.toFixed(0)}`).concat(performance.getEntriesByType('resource').map((r) => `${r.name.split('/').slice(3).join('/').slice(0, 60)} ${r.startTime.toFixed(0)}-${(r as PerformanceResourceTiming).responseEnd.toFixed(0)}`)));
	console.log(`\n##### ${label}: wall ${wall} ms\n${marks.join('\n')}`);
	summarise(profile as never, label);
	await cdp.detach();
}
await profiled('cold', (p) => p.goto(url));
await page.waitForTimeout(3000);
await profiled('warm', (p) => p.reload());
await page.waitForTimeout(2000);
{
	const cdp = await context.newCDPSession(page);
	await cdp.send('Profiler.enable');
	await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
	const card = page.locator('[data-drop-stage] [data-deal-id]').first();
	const box = (await card.boundingBox())!;
	const x = box.x + box.width / 3, y = box.y + box.height / 2;
	await page.evaluate(`(() => { window.__loaf = []; new PerformanceObserver(function (l) { for (const e of l.getEntries()) window.__loaf.push({ start: Math.round(e.startTime), dur: Math.round(e.duration), render: Math.round(e.renderStart - e.startTime), style: Math.round(e.styleAndLayoutStart - e.startTime), scripts: e.scripts.map(function (s) { return s.invoker + ' ' + Math.round(s.duration) + ' ' + s.sourceFunctionName + ' fl' + Math.round(s.forcedStyleAndLayoutDuration); }) }); }).observe({ type: 'long-animation-frame' }); })()`);
	console.log('dom nodes', await page.evaluate(`document.querySelectorAll('*').length`));
	await page.evaluate(`(() => { const s = { d: [], last: 0, on: true }; window.__f = s; function t(now) { if (!s.on) return; if (s.last) s.d.push(now - s.last); s.last = now; requestAnimationFrame(t); } requestAnimationFrame(t); })()`);
	await cdp.send('Profiler.start');
	await page.mouse.move(x, y);
	await browser.startTracing(page, { path: '/tmp/prof/drag-trace.json', categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink.user_timing'] });
	await page.mouse.down();
	for (let i = 1; i <= 8; i++) await page.mouse.move(x + (i * 570) / 120, y + (i * 260) / 120);
	await page.waitForTimeout(600);
	await browser.stopTracing();
	for (let i = 1; i <= 120; i++) await page.mouse.move(x + (i * 570) / 120, y + (i * 260) / 120);
	const deltas = (await page.evaluate(`(() => { window.__f.on = false; return window.__f.d; })()`)) as number[];
	deltas.sort((a, b) => a - b);
	console.log('drag frames', deltas.length, 'p50', deltas[Math.floor(deltas.length / 2)], 'p95', deltas[Math.floor(deltas.length * 0.95)], 'max', deltas.at(-1));
	await page.mouse.up();
	await page.waitForTimeout(300);
	console.log(JSON.stringify(await page.evaluate(`window.__loaf`), null, 1));
	const { profile } = await cdp.send('Profiler.stop');
	writeFileSync(`/tmp/prof/drag.cpuprofile`, JSON.stringify(profile));
	summarise(profile as never, 'drag');
}
await browser.close();
await server.close();
await database.close();
process.exit(0);
