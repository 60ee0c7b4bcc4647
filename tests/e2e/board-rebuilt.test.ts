import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import * as Y from 'yjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listDeals, listStages, moveDeal, rankForDrop } from '../../src/lib/model/index.js';
import { loadConfig } from '../../server/config.js';
import type { DatabaseHandle } from '../../server/db/client.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { openTestDatabase } from '../support/databases.js';
import { connectBoard, eventually } from '../support/sync-server.js';
import { eq, sql } from 'drizzle-orm';
import { docEpochs } from '../../server/db/schema.js';
import { describeWithBrowser, launchBrowser, newPhone } from './support/browser';
import { columnOf, createDeal, dragWithMouse, firstPipeline, openBoard, signUpOwner, waitForColumn, waitForConnection } from './support/board';

const root = fileURLToPath(new URL('../..', import.meta.url));
const clock = { now: () => new Date().toISOString() };

/*
 * A board rebuilt in a new epoch (docs/BOARD-DOCUMENT.md, "Epochs") while a
 * phone had it offline: back online, the phone's edit is carried into the
 * new epoch, the app drops its old copy and loads the board again, live.
 * Its own server: the rebuild size is set low so a few hundred moves pass it.
 */
describeWithBrowser('a board rebuilt while a device was offline', () => {
	let browser: Browser;
	let database: DatabaseHandle;
	let server: RunningServer;

	beforeAll(async () => {
		database = await openTestDatabase('pglite');
		server = await startServer({
			database,
			config: loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', BOARD_REBUILD_AFTER_BYTES: '12000' }),
			limits: { signupAddress: { points: 1000, durationSec: 3600 } },
			compaction: { afterUpdates: 1000, afterBytes: 4000 },
			unloadRoomsAfterMs: 200,
			buildDir: resolve(root, 'build')
		});
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
		await server?.close();
		await database?.close();
	});

	it('carries the offline move into the rebuilt board, then loads the new board and stays live', async () => {
		const owner = await signUpOwner(browser, server.url);
		const pipeline = await firstPipeline(owner);
		const globex = await createDeal(owner, pipeline, 'Globex: annual licence', 'New lead');
		const initech = await createDeal(owner, pipeline, 'Initech: pilot', 'New lead');
		await openBoard(owner, pipeline.id);
		// The owner's phone has the board too, and is away for a long time from here on.
		const phone = await newPhone(browser, server.url, { width: 390, height: 844 }, await owner.context.storageState());
		await phone.page.goto(`/w/${owner.workspaceId}/board/${pipeline.id}`);
		await waitForConnection(phone.page, 'live');
		await phone.context.setOffline(true);
		await waitForConnection(phone.page, 'offline');

		// Offline, the owner moves a card.
		await owner.context.setOffline(true);
		await waitForConnection(owner.page, 'offline');
		await dragWithMouse(owner.page, globex, 'Qualified');
		expect(await columnOf(owner.page, globex)).toBe('Qualified');
		await owner.page.evaluate(() => ((window as unknown as { beforeRebuild: boolean }).beforeRebuild = true));

		// Meanwhile the board is worked from many sessions until the server rebuilds it.
		const { token } = (await (await owner.context.request.post('/api/tokens', { data: { name: 'mover' } })).json()) as { token: string };
		const mover = connectBoard(server.url, pipeline.id, token);
		try {
			await mover.synced();
			let rebuilt = false;
			mover.provider.on('connection-close', (event) => {
				if (event?.code === 4510) {
					rebuilt = true;
					mover.provider.disconnect();
				}
			});
			const stages = listStages(mover.doc).filter((stage) => stage.kind === 'open').map((stage) => stage.id);
			for (let moves = 0; !rebuilt && moves < 600; moves++) {
				const session = new Y.Doc();
				Y.applyUpdate(session, Y.encodeStateAsUpdate(mover.doc));
				const before = Y.encodeStateVector(session);
				const stageId = stages[(moves % 2) + 2]!;
				const column = listDeals(session).filter((deal) => deal.stageId === stageId);
				moveDeal(session, initech, stageId, rankForDrop(session, stageId, column.at(-1)?.id ?? null, null), clock);
				Y.applyUpdate(mover.doc, Y.encodeStateAsUpdate(session, before));
				session.destroy();
				if (moves % 5 === 4) await new Promise((done) => setTimeout(done, 60));
			}
			expect(rebuilt, 'the server rebuilt the board').toBe(true);
		} finally {
			mover.destroy();
		}

		// Back online: the move is carried, the page reloads onto the new board, live.
		await owner.context.setOffline(false);
		await owner.page.waitForFunction(() => !(window as unknown as { beforeRebuild?: boolean }).beforeRebuild, undefined, { timeout: 20_000 });
		await waitForConnection(owner.page, 'live');
		await waitForColumn(owner.page, globex, 'Qualified');
		const watcher = connectBoard(server.url, pipeline.id, token);
		try {
			await watcher.synced();
			const stageOf = (dealId: string) => listDeals(watcher.doc).find((deal) => deal.id === dealId)?.stageId;
			expect(listStages(watcher.doc).find((stage) => stage.id === stageOf(globex))?.name, 'the offline move is on the server').toBe('Qualified');
			// The page is on the new epoch: a move there reaches the others.
			await dragWithMouse(owner.page, globex, 'New lead');
			await eventually(() => listStages(watcher.doc).find((stage) => stage.id === stageOf(globex))?.name === 'New lead', 'a move after the reload goes round');
		} finally {
			watcher.destroy();
		}

		// The phone comes back after the old epoch is no longer kept: its copy is dropped, the board
		// loads from the server, and the person is told that older changes on the phone were not saved.
		await owner.page.close();
		await eventually(() => server.rooms.loadedCount === 0, 'the board is let go of');
		await database.db.update(docEpochs).set({ frozenAt: sql`now() - interval '200 days'` }).where(eq(docEpochs.docId, pipeline.id));
		await phone.page.evaluate(() => ((window as unknown as { beforeRebuild: boolean }).beforeRebuild = true));
		await phone.context.setOffline(false);
		await phone.page.waitForFunction(() => !(window as unknown as { beforeRebuild?: boolean }).beforeRebuild, undefined, { timeout: 20_000 });
		await waitForConnection(phone.page, 'live');
		await phone.page.getByText('This board was rebuilt while this device was away for more than 180 days').waitFor();
		await phone.page.screenshot({ path: resolve(root, 'tests/.scratch/board-too-old-phone.png') });
		await phone.context.close();
	});
});
