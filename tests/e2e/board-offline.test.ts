import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { describeWithBrowser, launchBrowser } from './support/browser';
import {
	addMember,
	columnOf,
	createDeal,
	dragWithMouse,
	firstPipeline,
	openBoard,
	signUpOwner,
	waitForColumn,
	waitForConnection
} from './support/board';

const baseUrl = inject('baseUrl');

/** Every card on the board as "column: title", sorted: two boards agree when these are equal. */
function boardContents(page: Page): Promise<string[]> {
	return page.evaluate(() =>
		[...document.querySelectorAll('[data-deal-id]')]
			.map((card) => `${card.closest('[data-drop-stage]')?.querySelector('h2')?.textContent?.trim()}: ${card.querySelector('h3')?.textContent}`)
			.sort()
	);
}

describeWithBrowser('working on the board offline', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('keeps offline moves and new deals, and converges with the team when back online', async () => {
		const owner = await signUpOwner(browser, baseUrl, 'Olga Owner');
		const rep = await addMember(browser, baseUrl, owner, 'rep', 'Ron Rep');
		const pipeline = await firstPipeline(owner);
		const globex = await createDeal(owner, pipeline, 'Globex: annual licence', 'New lead');
		const initech = await createDeal(owner, pipeline, 'Initech: pilot', 'New lead');
		const initechTaskId = ((await (await owner.context.request.get(`/api/deals/${initech}`)).json()) as { tasks: { id: string }[] }).tasks[0]!.id;
		await openBoard(owner, pipeline.id);
		await openBoard(rep, pipeline.id);
		await owner.page.locator(`[data-presence="${rep.userId}"]`).waitFor();

		// The rep loses the network: the board says so and drops its socket (the
		// others vanish from its header). Chromium's offline emulation only holds a
		// socket's frames, so the board closes it on the browser's "offline" event;
		// the server notices at its next heartbeat. That nothing crosses while
		// offline is checked below, in both directions.
		await rep.context.setOffline(true);
		await waitForConnection(rep.page, 'offline');
		await expect(rep.page.getByText('Offline — changes will sync').count()).resolves.toBe(1);
		await rep.page.locator(`[data-presence="${owner.userId}"]`).waitFor({ state: 'detached', timeout: 5000 });

		// Offline, the rep moves a card and adds a deal; both show at once on the rep's board.
		await dragWithMouse(rep.page, globex, 'Qualified');
		expect(await columnOf(rep.page, globex)).toBe('Qualified');
		await rep.page.getByRole('button', { name: 'Add a deal to New lead' }).click();
		await rep.page.getByLabel('Deal title').fill('Hooli: offline deal');
		await rep.page.getByLabel('Value').fill('4 200');
		await rep.page.getByRole('button', { name: 'Add deal' }).click();
		await rep.page.getByText('Hooli: offline deal').waitFor();
		// ...and completes Initech's only task: the next step is asked and kept offline too.
		await rep.page.locator(`[data-complete-task="${initechTaskId}"]`).click();
		const next = rep.page.getByRole('dialog', { name: 'What happens next?' });
		await next.waitFor();
		await next.getByLabel('Task', { exact: true }).fill('Offline follow-up');
		await next.getByRole('button', { name: 'Tomorrow 10:00' }).click();
		await next.getByRole('button', { name: 'Complete and schedule' }).click();
		await next.waitFor({ state: 'hidden' });
		await rep.page.locator(`[data-deal-id="${initech}"]`).getByText('Offline follow-up').waitFor();

		// Meanwhile the owner moves the other card; neither sees the other's change yet.
		await dragWithMouse(owner.page, initech, 'Proposal');
		await owner.page.waitForTimeout(1000);
		expect(await columnOf(owner.page, globex)).toBe('New lead');
		await expect(owner.page.getByText('Hooli: offline deal').count()).resolves.toBe(0);
		expect(await columnOf(rep.page, initech)).toBe('New lead');

		// Back online: both boards converge, nothing duplicated or lost.
		await rep.context.setOffline(false);
		await waitForConnection(rep.page, 'live');
		await waitForColumn(owner.page, globex, 'Qualified');
		await waitForColumn(rep.page, initech, 'Proposal');
		await owner.page.getByText('Hooli: offline deal').waitFor();
		const expected = ['New lead: Hooli: offline deal', 'Proposal: Initech: pilot', 'Qualified: Globex: annual licence'];
		await expect(boardContents(owner.page)).resolves.toEqual(expected);
		await expect(boardContents(rep.page)).resolves.toEqual(expected);

		await owner.page.locator(`[data-deal-id="${initech}"]`).getByText('Offline follow-up').waitFor();
		const initechTasks = async () =>
			((await (await owner.context.request.get(`/api/deals/${initech}`)).json()) as { tasks: { title: string; done: boolean }[] }).tasks
				.map((task) => `${task.title}: ${task.done ? 'done' : 'open'}`)
				.sort();
		await expect.poll(initechTasks).toEqual(['Call back: done', 'Offline follow-up: open']);

		// The server kept it: a fresh load of the owner's board shows the same.
		await owner.page.reload();
		await waitForConnection(owner.page, 'live');
		await owner.page.getByText('Hooli: offline deal').waitFor();
		await expect(boardContents(owner.page)).resolves.toEqual(expected);

		await owner.context.close();
		await rep.context.close();
	});

	it("keeps an offline move in this device's copy: the board opens with it before the server has it, and the server gets it later", async () => {
		const owner = await signUpOwner(browser, baseUrl, 'Olga Owner');
		const rep = await addMember(browser, baseUrl, owner, 'rep', 'Ron Rep');
		const pipeline = await firstPipeline(owner);
		const globex = await createDeal(owner, pipeline, 'Globex: annual licence', 'New lead');
		const contact = await owner.context.request.post(`/api/workspaces/${owner.workspaceId}/contacts`, { data: { name: 'Anna Petrova' } });
		const { contact: anna } = (await contact.json()) as { contact: { id: string } };
		expect((await owner.context.request.patch(`/api/deals/${globex}`, { data: { contactId: anna.id } })).status()).toBe(200);
		await openBoard(rep, pipeline.id);
		const named = () => rep.page.locator(`[data-deal-id="${globex}"]`).getByText('Anna Petrova').waitFor();
		await named();

		// Offline, the rep moves the card; it is only in this browser's IndexedDB.
		await rep.context.setOffline(true);
		await waitForConnection(rep.page, 'offline');
		await dragWithMouse(rep.page, globex, 'Qualified');
		expect(await columnOf(rep.page, globex)).toBe('Qualified');
		await rep.page.close();

		// The network is back but the board's socket gets no server: the board
		// opens from the device's copy alone, with the move.
		let serverReachable = false;
		await rep.context.routeWebSocket(/\/sync\//, (socket) => {
			if (serverReachable) socket.connectToServer();
		});
		// Nor does it get the names of contacts: the card names Anna from the device.
		await rep.context.route('**/parties/names', (route) => (serverReachable ? route.continue() : route.abort()));
		await rep.context.setOffline(false);
		rep.page = await rep.context.newPage();
		await rep.page.goto(`/w/${rep.workspaceId}/board/${pipeline.id}`);
		await waitForColumn(rep.page, globex, 'Qualified');
		await named();
		const onServer = async () =>
			((await (await owner.context.request.get(`/api/deals/${globex}`)).json()) as { deal: { stageId: string } }).deal.stageId;
		const before = await onServer();

		// With the server reachable again, the move is sent and the others see it.
		serverReachable = true;
		await rep.page.reload();
		await waitForConnection(rep.page, 'live');
		await openBoard(owner, pipeline.id);
		await waitForColumn(owner.page, globex, 'Qualified');
		await expect.poll(onServer).not.toBe(before);

		await owner.context.close();
		await rep.context.close();
	});
});
