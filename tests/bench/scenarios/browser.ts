// Scenario "browser": the board in Debian's Chromium (playwright-core, as in
// the end-to-end tests) at 5,000 and 10,000 deals. Every figure is taken
// inside the page, on the page's own clock, not through the driver:
// - first cards: from navigation start to the first frame that shows a card,
//   cold (a fresh profile: empty IndexedDB and HTTP cache) and warm (a reload
//   with the document in IndexedDB), the server's room loaded both times;
// - drag: requestAnimationFrame deltas and long-animation-frame entries while
//   a card is dragged across two columns by the mouse;
// - usable at size: the frames while a column is scrolled with the wheel,
//   and the time from a drop to the card showing in its new column.
//
// Run alone: npx tsx tests/bench/scenarios/browser.ts [--db pglite|postgres] [--runs N] [--json OUT.json] [--quick]
import { existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureAppBuilt } from '../../../server/build-app.js';
import { openTestDatabase, type DatabaseKind } from '../../support/databases.js';
import { callApi, signUpOwner, startTestServer } from '../../support/sync-server.js';

const chromePath = process.env.CHROME_PATH || '/usr/bin/chromium';

interface Options {
	db: DatabaseKind;
	runs: number;
	json: string | null;
	quick: boolean;
}

function parseOptions(argv: string[]): Options {
	const options: Options = { db: 'pglite', runs: 3, json: null, quick: false };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--db') {
			const db = argv[++i];
			if (db !== 'pglite' && db !== 'postgres') throw new Error(`--db must be pglite or postgres, not ${db}`);
			options.db = db;
		} else if (arg === '--runs') {
			options.runs = Math.max(1, Number(argv[++i]));
			if (!Number.isInteger(options.runs)) throw new Error('--runs takes a whole number');
		} else if (arg === '--json') options.json = argv[++i] ?? null;
		else if (arg === '--quick') options.quick = true;
		else throw new Error(`unknown argument ${arg}`);
	}
	return options;
}

// Small local helpers until tests/bench/lib/ has the shared ones.
function percentile(values: number[], p: number): number {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function spread(values: number[], digits = 0): string {
	if (values.length === 0) return 'n/a';
	const sorted = [...values].sort((a, b) => a - b);
	const median = percentile(sorted, 50);
	const fmt = (value: number) => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
	return sorted.length === 1 ? fmt(median) : `${fmt(median)} (${fmt(sorted[0]!)}–${fmt(sorted.at(-1)!)})`;
}

/** One run's figures at one board size; every time in ms on the page's clock. */
interface RunFigures {
	coldFirstCard: number;
	warmFirstCard: number;
	cardsInPage: number;
	dragFrameP50: number;
	dragFrameP95: number;
	dragFrameMax: number;
	dragWorkP50: number;
	dragWorkP95: number;
	dragWorkMax: number;
	dragLongFrames: number;
	dragLongestFrame: number;
	dropShown: number;
	scrollFrameP95: number;
	scrollFrameMax: number;
	scrollWorkP95: number;
}

// Injected before any page script: notes the first frame a card is in, and
// keeps the long animation frames (Chromium's LoAF entries) for the drag.
// A string, not a function: tsx would wrap a function's inner functions in a
// helper that the page does not have.
const pageProbe = `(() => {
	const probe = { firstCard: -1, longFrames: [] };
	window.__bench = probe;
	function seen() {
		if (probe.firstCard >= 0 || !document.querySelector('[data-deal-id]')) return false;
		// The frame that paints the card: the next animation frame's start.
		requestAnimationFrame(function (frameStart) { probe.firstCard = frameStart; });
		return true;
	}
	const watcher = new MutationObserver(function () { if (seen()) watcher.disconnect(); });
	watcher.observe(document, { childList: true, subtree: true });
	try {
		new PerformanceObserver(function (list) {
			for (const entry of list.getEntries()) probe.longFrames.push({ start: entry.startTime, duration: entry.duration });
		}).observe({ type: 'long-animation-frame', buffered: false });
	} catch (error) {
		// An older Chromium without LoAF: the rAF deltas still tell.
	}
})();`;

async function firstCardTime(page: Page): Promise<number> {
	await page.waitForFunction(() => (window as unknown as { __bench: { firstCard: number } }).__bench.firstCard >= 0, null, {
		timeout: 120_000,
		polling: 50
	});
	return page.evaluate(() => (window as unknown as { __bench: { firstCard: number } }).__bench.firstCard);
}

/** Waits until y-indexeddb has the server's state stored (a warm open reads it). */
async function waitForStoredDocument(page: Page, pipelineId: string): Promise<void> {
	await page.waitForFunction(
		`new Promise(function (resolve) {
			const open = indexedDB.open(${JSON.stringify(`voronka-board-${pipelineId}`)});
			open.onerror = function () { resolve(false); };
			open.onsuccess = function () {
				const db = open.result;
				if (!db.objectStoreNames.contains('updates')) { db.close(); resolve(false); return; }
				const count = db.transaction('updates').objectStore('updates').count();
				count.onsuccess = function () { db.close(); resolve(count.result > 0); };
				count.onerror = function () { db.close(); resolve(false); };
			};
		})`,
		null,
		{ timeout: 60_000, polling: 100 }
	);
	// The write that follows the first one is the state the server sent last.
	await page.waitForTimeout(1000);
}

/** What a recording of frames gives: the deltas between frames, and each frame's work. */
interface Frames {
	deltas: number[];
	work: number[];
}

/**
 * Starts recording frames in the page; the returned function stops and
 * returns them. A delta is the time from one frame's start to the next's: at
 * 60 Hz never under one display interval (16.7 ms), so it tells dropped
 * frames, not how close a frame came to dropping. A frame's *work* is from
 * its start (the time the animation-frame callback is given) to the first
 * task after it, which runs once the frame's input handlers, animation
 * callbacks, style, layout and paint are done: the main thread's time for
 * that frame, which must stay under 16 ms for no frame to drop.
 */
async function recordFrames(page: Page): Promise<() => Promise<Frames>> {
	await page.evaluate(`(() => {
		const state = { deltas: [], work: [], running: true, last: 0, start: 0 };
		window.__frames = state;
		const after = new MessageChannel();
		after.port1.onmessage = function () { state.work.push(performance.now() - state.start); };
		function tick(time) {
			if (!state.running) return;
			if (state.last) state.deltas.push(time - state.last);
			state.last = time;
			state.start = time;
			after.port2.postMessage(0);
			requestAnimationFrame(tick);
		}
		requestAnimationFrame(tick);
	})()`);
	return () => page.evaluate<Frames>(`(() => { window.__frames.running = false; return { deltas: window.__frames.deltas, work: window.__frames.work }; })()`);
}

/** Drags the first card of the first column across two columns with the mouse, then drops it. */
async function measureDrag(page: Page): Promise<
	Pick<RunFigures, 'dragFrameP50' | 'dragFrameP95' | 'dragFrameMax' | 'dragWorkP50' | 'dragWorkP95' | 'dragWorkMax' | 'dragLongFrames' | 'dragLongestFrame' | 'dropShown'>
> {
	const card = page.locator('[data-drop-stage] [data-deal-id]').first();
	const dealId = (await card.getAttribute('data-deal-id'))!;
	const box = (await card.boundingBox())!;
	const x = box.x + box.width / 3;
	const y = box.y + box.height / 2;
	const since = await page.evaluate(() => performance.now());
	const stop = await recordFrames(page);
	await page.mouse.move(x, y);
	await page.mouse.down();
	// Two columns to the right and a few rows down, in small steps as a hand would.
	const steps = 120;
	for (let i = 1; i <= steps; i++) await page.mouse.move(x + (i * 570) / steps, y + (i * 260) / steps);
	const targetStage = await page.evaluate(
		([px, py]) => document.elementFromPoint(px!, py!)?.closest<HTMLElement>('[data-drop-stage]')?.dataset.dropStage ?? null,
		[x + 570, y + 260]
	);
	// The time from the drop to the card in its new column, on the page's clock.
	const shownSelector = JSON.stringify(`[data-drop-stage="${targetStage}"] [data-deal-id="${dealId}"]`);
	await page.evaluate(`(() => {
		const probe = { droppedAt: -1, shownAt: -1 };
		window.__drop = probe;
		window.addEventListener('pointerup', function () { probe.droppedAt = performance.now(); }, { capture: true, once: true });
		const watcher = new MutationObserver(function () {
			if (probe.droppedAt < 0 || probe.shownAt >= 0 || !document.querySelector(${shownSelector})) return;
			requestAnimationFrame(function () { probe.shownAt = performance.now(); });
			watcher.disconnect();
		});
		watcher.observe(document.body, { childList: true, subtree: true, attributes: true });
	})()`);
	await page.mouse.up();
	await page.waitForFunction(() => (window as unknown as { __drop: { shownAt: number } }).__drop.shownAt >= 0, null, { timeout: 30_000 });
	const drop = await page.evaluate(() => (window as unknown as { __drop: { droppedAt: number; shownAt: number } }).__drop);
	const { deltas, work } = await stop();
	const longFrames = await page.evaluate(
		(from) => (window as unknown as { __bench: { longFrames: Array<{ start: number; duration: number }> } }).__bench.longFrames.filter((f) => f.start >= from),
		since
	);
	return {
		dragFrameP50: percentile(deltas, 50),
		dragFrameP95: percentile(deltas, 95),
		dragFrameMax: Math.max(...deltas),
		dragWorkP50: percentile(work, 50),
		dragWorkP95: percentile(work, 95),
		dragWorkMax: Math.max(...work),
		dragLongFrames: longFrames.length,
		dragLongestFrame: longFrames.reduce((max, f) => Math.max(max, f.duration), 0),
		dropShown: drop.shownAt - drop.droppedAt
	};
}

/** Scrolls the first column down with the mouse wheel, recording frames. */
async function measureScroll(page: Page): Promise<Pick<RunFigures, 'scrollFrameP95' | 'scrollFrameMax' | 'scrollWorkP95'>> {
	const list = page.locator('[data-drop-stage] [data-card-list]').first();
	const box = (await list.boundingBox())!;
	await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
	const stop = await recordFrames(page);
	for (let i = 0; i < 60; i++) {
		await page.mouse.wheel(0, 240);
		await page.waitForTimeout(16);
	}
	const { deltas, work } = await stop();
	return { scrollFrameP95: percentile(deltas, 95), scrollFrameMax: Math.max(...deltas), scrollWorkP95: percentile(work, 95) };
}

async function measureRun(browser: Browser, baseUrl: string, cookie: string, boardUrl: string, pipelineId: string): Promise<RunFigures> {
	// A fresh profile: no IndexedDB, no HTTP cache.
	const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 800 } });
	try {
		const name = cookie.slice(0, cookie.indexOf('='));
		const value = cookie.slice(cookie.indexOf('=') + 1);
		await context.addCookies([{ name, value, url: baseUrl }]);
		await context.addInitScript(pageProbe);
		const page = await context.newPage();
		await page.goto(boardUrl);
		const coldFirstCard = await firstCardTime(page);
		await waitForStoredDocument(page, pipelineId);
		await page.reload();
		const warmFirstCard = await firstCardTime(page);
		// Let the warm page settle (websocket sync, members) before moving cards.
		await page.waitForTimeout(1500);
		const cardsInPage = await page.locator('[data-deal-id]').count();
		const drag = await measureDrag(page);
		const scroll = await measureScroll(page);
		return { coldFirstCard, warmFirstCard, cardsInPage, ...drag, ...scroll };
	} finally {
		await context.close();
	}
}

async function seedBoard(baseUrl: string, dealCount: number) {
	const owner = await signUpOwner(baseUrl);
	for (let left = dealCount; left > 0; left -= 5000) {
		const seeded = await callApi(baseUrl, 'POST', `/api/workspaces/${owner.workspaceId}/sample-data`, {
			token: owner.token,
			json: { pipelineId: owner.pipeline.id, count: Math.min(5000, left), history: false }
		});
		if (seeded.status !== 201) throw new Error(`seeding failed: ${JSON.stringify(seeded.body)}`);
	}
	return owner;
}

async function main() {
	const options = parseOptions(process.argv.slice(2));
	const sizes = options.quick ? [5000] : [5000, 10_000];
	const title = 'Browser: the board in Chromium';
	const method = [
		`Debian Chromium headless (\`--disable-gpu\`), 1280×800, driven by playwright-core; the server runs in the bench process on ${options.db === 'pglite' ? 'embedded PGlite' : 'PostgreSQL'} with its room loaded (warm server). The board is seeded through \`POST /api/workspaces/:id/sample-data\`.`,
		'Every time is taken inside the page on its own clock. *First cards*: from navigation start to the start of the first animation frame after a card is in the DOM; cold = a fresh browser profile (empty IndexedDB and HTTP cache), warm = a reload with the document in IndexedDB.',
		'*Drag*: a mouse drag of 120 steps across two columns; a `requestAnimationFrame` loop records frame deltas (16.7 ms is one frame at 60 Hz: a p95 at that value means no frame dropped), the *work* of each frame (from its start, the time given to its animation-frame callback, to the first task after it, which runs once its input handlers, callbacks, style, layout and paint are done: the main thread’s time for the frame, which the 16 ms target bounds), and `long-animation-frame` entries (frames over 50 ms) are counted. *Drop shown*: from `pointerup` to the frame that shows the card in its new column. *Scroll*: 60 wheel steps of 240 px down the first column, frame deltas and each frame’s work.',
		`Median and min–max of ${options.runs} runs after one warm-up run; each run opens a fresh profile. Chromium, the driver and the server share the machine's cores.`
	].join('\n\n');
	if (!existsSync(chromePath)) {
		console.log(`Browser scenario not run: no Chromium at ${chromePath}`);
		return;
	}
	const root = fileURLToPath(new URL('../../..', import.meta.url));
	ensureAppBuilt(root, `${root}/build`, console.log);
	process.env.TEST_DATABASE_URL ??= process.env.BENCH_DATABASE_URL;
	const database = await openTestDatabase(options.db);
	// Rooms stay loaded between runs: this measures the browser, not a cold room.
	const server = await startTestServer(database, 10 * 60_000, undefined, `${root}/build`);
	const browser = await chromium.launch({
		executablePath: chromePath,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync']
	});
	const figures = new Map<number, RunFigures[]>();
	try {
		for (const size of sizes) {
			const owner = await seedBoard(server.url, size);
			const boardUrl = `/w/${owner.workspaceId}/board/${owner.pipeline.id}`;
			const runs: RunFigures[] = [];
			for (let run = 0; run <= options.runs; run++) {
				const result = await measureRun(browser, server.url, owner.cookie, boardUrl, owner.pipeline.id);
				console.error(`${size} deals, run ${run === 0 ? 'warm-up' : run}: ${JSON.stringify(result)}`);
				if (run > 0) runs.push(result);
			}
			figures.set(size, runs);
		}
	} finally {
		await browser.close();
		await server.close();
		await database.close();
	}

	const columns = ['Measure', ...sizes.map((size) => `${size.toLocaleString('en-US')} deals`)];
	const row = (label: string, pick: (f: RunFigures) => number, digits = 0) => [label, ...sizes.map((size) => spread(figures.get(size)!.map(pick), digits))];
	const tables = [
		{
			caption: 'Opening the board (ms, page clock)',
			columns,
			rows: [row('First cards, cold (empty IndexedDB)', (f) => f.coldFirstCard), row('First cards, warm (document in IndexedDB)', (f) => f.warmFirstCard), row('Cards in the page (columns are windowed)', (f) => f.cardsInPage)]
		},
		{
			caption: 'Dragging and scrolling (ms, page clock)',
			columns,
			rows: [
				row('Drag: frame delta p50', (f) => f.dragFrameP50, 1),
				row('Drag: frame delta p95', (f) => f.dragFrameP95, 1),
				row('Drag: longest frame delta', (f) => f.dragFrameMax, 1),
				row('Drag: work per frame p50', (f) => f.dragWorkP50, 1),
				row('Drag: work per frame p95', (f) => f.dragWorkP95, 1),
				row('Drag: longest work in a frame', (f) => f.dragWorkMax, 1),
				row('Drag: long animation frames (> 50 ms)', (f) => f.dragLongFrames),
				row('Drop shown in the new column', (f) => f.dropShown, 1),
				row('Column scroll: frame delta p95', (f) => f.scrollFrameP95, 1),
				row('Column scroll: longest frame delta', (f) => f.scrollFrameMax, 1),
				row('Column scroll: work per frame p95', (f) => f.scrollWorkP95, 1)
			]
		}
	];
	console.log(`## ${title}\n`);
	console.log(`Machine: ${os.cpus()[0]?.model} × ${os.cpus().length}, Node ${process.version}; database: ${options.db}.\n`);
	for (const table of tables) {
		console.log(`### ${table.caption}\n`);
		console.log(`| ${table.columns.join(' | ')} |\n| ${table.columns.map(() => '---').join(' | ')} |`);
		for (const cells of table.rows) console.log(`| ${cells.join(' | ')} |`);
		console.log();
	}
	if (options.json) writeFileSync(options.json, JSON.stringify({ scenario: 'browser', title, method, tables }, null, 2));
}

await main();
process.exit(0);
