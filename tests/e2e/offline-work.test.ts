import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { describeWithBrowser, launchBrowser } from './support/browser';
import { addMember, createDeal, firstPipeline, openBoard, signUpOwner, waitForConnection, type BoardUser } from './support/board';

const baseUrl = inject('baseUrl');

/** Waits until the service worker controls the page: from then on the app opens without a network. */
async function waitForServiceWorker(page: Page): Promise<void> {
	await page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated', undefined, { timeout: 15_000 });
}

interface DealOnServer {
	deal: { stageId: string };
	tasks: Array<{ title: string; done: boolean }>;
	interactions: Array<{ kind: string; text: string; userName: string | null }>;
}

async function dealOnServer(user: BoardUser, dealId: string): Promise<DealOnServer> {
	return (await (await user.context.request.get(`/api/deals/${dealId}`)).json()) as DealOnServer;
}

describeWithBrowser('working offline in the installed app', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('opens the app, the board and a deal offline after one online visit, and sends what was done there exactly once', async () => {
		const owner = await signUpOwner(browser, baseUrl, 'Olga Owner');
		const rep = await addMember(browser, baseUrl, owner, 'rep', 'Ron Rep');
		const pipeline = await firstPipeline(owner);
		const globex = await createDeal(owner, pipeline, 'Globex: annual licence', 'New lead');
		const qualified = pipeline.stages.find((stage) => stage.name === 'Qualified')!;

		// One online visit: the board (its copy lands in IndexedDB) and the deal page.
		await openBoard(rep, pipeline.id);
		await waitForServiceWorker(rep.page);
		await rep.page.goto(`/w/${rep.workspaceId}/deals/${globex}`);
		await rep.page.getByRole('heading', { name: 'Globex: annual licence' }).waitFor();

		// In the basement: no network at all. A reload comes from the service worker.
		await rep.context.setOffline(true);
		await rep.page.goto(`/w/${rep.workspaceId}/board/${pipeline.id}`);
		await waitForConnection(rep.page, 'offline');
		await rep.page.locator(`[data-deal-id="${globex}"]`).waitFor();
		await rep.page.locator('[data-sync-status="offline"]').waitFor();

		await rep.page.goto(`/w/${rep.workspaceId}/deals/${globex}`);
		await rep.page.getByRole('heading', { name: 'Globex: annual licence' }).waitFor();
		await rep.page.getByText('Offline: this deal is shown from this device.').waitFor();
		await rep.page.getByRole('checkbox', { name: 'Complete “Call back”' }).waitFor();

		// Schedule the next call, move the stage and log the meeting, all offline.
		await rep.page.getByRole('button', { name: 'Add task' }).click();
		const form = rep.page.getByRole('form', { name: 'Add a task' });
		await form.getByLabel('Task', { exact: true }).fill('Call Anna about the contract');
		await form.getByRole('button', { name: 'Add task' }).click();
		await rep.page.getByText('Call Anna about the contract').waitFor();
		await rep.page.getByLabel(/^Stage/).selectOption(qualified.id);
		await expect.poll(() => rep.page.getByLabel(/^Stage/).inputValue()).toBe(qualified.id);
		await rep.page.getByLabel('Log a call').fill('Met Anna in the basement: budget approved');
		await rep.page.getByRole('button', { name: 'Log call' }).click();
		const pending = rep.page.locator('[data-pending]').filter({ hasText: 'Met Anna in the basement' });
		await pending.getByText('Waiting to send').waitFor();
		// The top bar counts what waits: two board edits and the queued call.
		await expect.poll(() => rep.page.locator('[data-sync-status="offline"]').getAttribute('data-waiting')).toBe('3');

		// Nothing has reached the server.
		const before = await dealOnServer(owner, globex);
		expect(before.tasks.map((task) => task.title)).toEqual(['Call back']);
		expect(before.deal.stageId).not.toBe(qualified.id);
		expect(before.interactions).toEqual([]);

		// Back on the street: everything goes out by itself, and the app says so.
		await rep.context.setOffline(false);
		await rep.page.locator('[data-sync-status="synced"]').waitFor({ timeout: 20_000 });
		await expect
			.poll(async () => {
				const after = await dealOnServer(owner, globex);
				return { stage: after.deal.stageId, tasks: after.tasks.map((task) => task.title).sort(), log: after.interactions.map((i) => `${i.kind}: ${i.text} (${i.userName})`) };
			}, { timeout: 15_000 })
			.toEqual({
				stage: qualified.id,
				tasks: ['Call Anna about the contract', 'Call back'],
				log: ['call: Met Anna in the basement: budget approved (Ron Rep)']
			});
		// The colleague's board shows the new task live.
		await openBoard(owner, pipeline.id);
		await owner.page.locator(`[data-deal-id="${globex}"]`).waitFor();

		// Exactly once: another reconnect or reload sends nothing again.
		await rep.context.setOffline(true);
		await rep.context.setOffline(false);
		await rep.page.reload();
		await rep.page.getByText('Met Anna in the basement: budget approved').waitFor();
		await rep.page.waitForTimeout(1000);
		expect((await dealOnServer(owner, globex)).interactions).toHaveLength(1);
		await expect(rep.page.locator('[data-pending]').count()).resolves.toBe(0);

		await owner.context.close();
		await rep.context.close();
	});

	it('loses a deal offline with a reason from the list kept on the device, and the server gets it back online', async () => {
		const owner = await signUpOwner(browser, baseUrl, 'Olga Owner');
		const pipeline = await firstPipeline(owner);
		const deal = await createDeal(owner, pipeline, 'Umbrella: audit', 'New lead');
		await openBoard(owner, pipeline.id);
		await waitForServiceWorker(owner.page);
		await owner.page.goto(`/w/${owner.workspaceId}/deals/${deal}`);
		await owner.page.getByRole('heading', { name: 'Umbrella: audit' }).waitFor();
		// The page keeps the workspace's lost reasons on the device while online.
		await owner.page.waitForTimeout(500);

		await owner.context.setOffline(true);
		await owner.page.reload();
		await owner.page.getByText('Offline: this deal is shown from this device.').waitFor();
		await owner.page.getByRole('button', { name: 'Lost', exact: true }).click();
		const dialog = owner.page.getByRole('dialog', { name: 'Mark the deal as lost' });
		await dialog.getByLabel('Lost reason').selectOption('Chose a competitor');
		await dialog.getByRole('button', { name: 'Mark as lost' }).click();
		await dialog.waitFor({ state: 'hidden' });
		await expect.poll(() => owner.page.getByTestId('deal-status').textContent()).toBe('Lost');
		const onServer = async () => ((await (await owner.context.request.get(`/api/deals/${deal}`).catch(() => null))?.json()) as { deal: { status: string; lostReason: string | null } } | undefined)?.deal;

		await owner.context.setOffline(false);
		await expect.poll(onServer, { timeout: 20_000 }).toMatchObject({ status: 'lost', lostReason: 'Chose a competitor' });
		await owner.context.close();
	});

	it('shows My tasks of the boards on this device offline', async () => {
		const owner = await signUpOwner(browser, baseUrl, 'Olga Owner');
		const pipeline = await firstPipeline(owner);
		await createDeal(owner, pipeline, 'Initech: pilot', 'New lead');
		await openBoard(owner, pipeline.id);
		await waitForServiceWorker(owner.page);

		await owner.context.setOffline(true);
		await owner.page.goto(`/w/${owner.workspaceId}/tasks`);
		await owner.page.getByText('Initech: pilot').waitFor();
		await owner.page.getByRole('checkbox', { name: /^Complete “Call back”/ }).waitFor();
		await owner.context.close();
	});

	it('forgets the user’s boards, pages, outbox and caches on logout', async () => {
		const owner = await signUpOwner(browser, baseUrl, 'Olga Owner');
		const pipeline = await firstPipeline(owner);
		const deal = await createDeal(owner, pipeline, 'Hooli: renewal', 'New lead');
		await openBoard(owner, pipeline.id);
		await waitForServiceWorker(owner.page);
		await owner.page.goto(`/w/${owner.workspaceId}/deals/${deal}`);
		await owner.page.getByRole('heading', { name: 'Hooli: renewal' }).waitFor();
		// A stray cache (an older worker's data cache, say) must go too; the shell stays.
		await owner.page.evaluate(async () => (await caches.open('voronka-data-test')).put('/api/me', new Response('{}')));

		const onDevice = () =>
			owner.page.evaluate(async () => ({
				databases: (await indexedDB.databases()).map((db) => db.name).sort(),
				storage: Object.keys(localStorage).filter((key) => key.startsWith('voronka.') && key !== 'voronka.theme').length,
				caches: (await caches.keys()).map((name) => name.replace(/-[^-]+$/, ''))
			}));
		const before = await onDevice();
		expect(before.databases).toEqual([`voronka-board-${pipeline.id}`, 'voronka-offline']);
		expect(before.storage).toBeGreaterThan(0);
		expect(before.caches.sort()).toEqual(['voronka-data', 'voronka-shell']);

		await owner.page.getByRole('button', { name: 'Account menu' }).click();
		await owner.page.getByRole('button', { name: 'Log out' }).click();
		await owner.page.waitForURL(/\/login/);
		await expect.poll(onDevice).toEqual({ databases: [], storage: 0, caches: ['voronka-shell'] });
		await owner.context.close();
	});
});
