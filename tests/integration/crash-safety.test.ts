import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eq, max } from 'drizzle-orm';
import * as Y from 'yjs';
import { listDeals, validateBoard } from '../../src/lib/model/index.js';
import { openDatabase, type Database } from '../../server/db/client.js';
import { docSnapshots, docUpdates } from '../../server/db/schema.js';
import { loadDoc } from '../../server/sync/persistence.js';
import { contentOf, converged, isDisconnected, missingFrom, Mover, Observer, seededRandom } from '../support/board-load.js';
import { createPostgresDatabase } from '../support/databases.js';
import { freePort, startServerProcess, type ServerDatabase, type ServerProcess } from '../support/server-process.js';
import { addMember, callApi, connectBoard, eventually, signUpOwner, type BoardClient } from '../support/sync-server.js';

/*
 * The real server runs as a child process; three members move deals without
 * pause over stock y-websocket clients while a viewer records what it
 * receives. The server is SIGKILLed at seeded random moments and started
 * again on the same database. After each restart a fresh client must find
 * everything the viewer had received, and every client must converge.
 */

// CRASH_SEED replays a run's choices; CRASH_KILLS changes how many kills each database kind takes.
const seed = Number(process.env.CRASH_SEED ?? 20261130);
const kills = Number(process.env.CRASH_KILLS ?? 12);
const dealCount = 12;
/** Moves each member makes while the server is down: merged when they reconnect. */
const offlineSteps = 5;

interface Figures {
	kills: number;
	restartMs: number[];
	boardOpenMs: number[];
	recoveredMs: number[];
	updatesObserved: number;
	dealStatesObserved: number;
	operationsObserved: number;
	operationsLost: number;
	moves: number;
	completions: number;
	retitles: number;
	compactionsSeen: number | null;
	snapshotCoversUpdateId: number;
	/** Update rows appended over the run (the ids of doc_updates; a few are other documents'). */
	updatesStored: number;
	wallMs: number;
}

const databases: Array<{ kind: ServerDatabase['kind']; available: boolean }> = [
	{ kind: 'pglite', available: true },
	{ kind: 'postgres', available: Boolean(process.env.TEST_DATABASE_URL) }
];

for (const { kind, available } of databases) {
	const title = available ? `crash safety under load [${kind}]` : `crash safety under load [${kind}: not run, TEST_DATABASE_URL is unset]`;
	(available ? describe : describe.skip)(title, () => {
		it(`loses nothing any client received over ${kills} SIGKILLs, reloads, and converges after each restart`, async () => {
			const startedAt = Date.now();
			const random = seededRandom(seed + (kind === 'postgres' ? 1 : 0));
			const scratch = kind === 'postgres' ? await createPostgresDatabase(process.env.TEST_DATABASE_URL!) : null;
			const dataDir = kind === 'pglite' ? mkdtempSync(join(tmpdir(), 'voronka-crash-')) : null;
			const database: ServerDatabase = scratch ? { kind: 'postgres', url: scratch.url } : { kind: 'pglite', dataDir: dataDir! };
			const port = await freePort();
			let server: ServerProcess = await startServerProcess(database, port);
			const clients: BoardClient[] = [];
			const figures: Figures = {
				kills: 0, restartMs: [], boardOpenMs: [], recoveredMs: [], updatesObserved: 0, dealStatesObserved: 0, operationsObserved: 0,
				operationsLost: 0, moves: 0, completions: 0, retitles: 0, compactionsSeen: scratch ? 0 : null, snapshotCoversUpdateId: 0, updatesStored: 0, wallMs: 0
			};
			try {
				const owner = await signUpOwner(server.url);
				const pipelineId = owner.pipeline.id;
				const members = [
					{ name: 'owner', token: owner.token },
					{ name: 'manager', token: (await addMember(server.url, owner.token, owner.workspaceId, 'manager')).token },
					{ name: 'rep', token: (await addMember(server.url, owner.token, owner.workspaceId, 'rep')).token }
				];
				const viewer = await addMember(server.url, owner.token, owner.workspaceId, 'viewer');
				for (let i = 0; i < dealCount; i++) {
					const created = await callApi(server.url, 'POST', `/api/pipelines/${pipelineId}/deals`, {
						token: owner.token,
						json: { title: `Deal ${i}`, valueMinor: 1000 * i, currency: 'EUR', firstTask: { type: 'call', title: 'Call back', dueAt: '2030-01-01T09:00:00.000Z' } }
					});
					expect(created.status).toBe(201);
				}

				// The owner and the manager also retitle every deal now and then: bulk edits
				// that fill the update log by bytes, so compaction happens several times during the run.
				const movers = members.map(({ name, token }) => {
					const client = connectBoard(server.url, pipelineId, token);
					clients.push(client);
					const options = { everyMs: [10, 30] as [number, number], retitleShare: name === 'owner' ? 0.7 : name === 'manager' ? 0.3 : 0 };
					return new Mover(`${kind}-${name}`, client, seededRandom(Math.floor(random() * 2 ** 32)), options);
				});
				const observerClient = connectBoard(server.url, pipelineId, viewer.token);
				clients.push(observerClient);
				const observer = new Observer(observerClient);
				await Promise.all(clients.map((client) => client.synced()));
				expect(listDeals(observerClient.doc)).toHaveLength(dealCount);
				let lastSnapshotId = 0;

				for (let cycle = 1; cycle <= kills; cycle++) {
					const context = `cycle ${cycle} of ${kills} on ${kind} (CRASH_SEED=${seed})`;
					for (const mover of movers) mover.resume();
					// Mostly mid-stream, sometimes right after the movers start again.
					const runMs = random() < 0.2 ? random() * 60 : 300 + random() * 1200;
					await new Promise((resolve) => setTimeout(resolve, runMs));

					const killedAt = Date.now();
					await server.kill('SIGKILL');
					figures.kills += 1;
					// What arrived before the socket closed is what the observer received.
					await eventually(() => clients.every(isDisconnected), `${context}: every client notices the server is gone`, 10_000);
					const received = observer.received();
					// Nobody reconnects until a fresh client has read the disk: a client
					// that re-sends what it holds would hide a loss.
					for (const client of clients) client.provider.disconnect();
					for (const mover of movers) {
						mover.pause();
						for (let step = 0; step < offlineSteps; step++) mover.step();
					}

					server = await startServerProcess(database, port);
					figures.restartMs.push(server.startedInMs);
					const openedAt = Date.now();
					const fresh = connectBoard(server.url, pipelineId, owner.token);
					try {
						await withTimeout(fresh.synced(), 30_000, `${context}: the board opens after the restart`);
						figures.boardOpenMs.push(Date.now() - openedAt);
						const missing = missingFrom(fresh.doc, received);
						figures.operationsLost += missing.operations;
						expect(missing, `${context}: what the observer received is on disk`).toEqual({ operations: 0, contentDiffers: false });
						expect(listDeals(fresh.doc), context).toHaveLength(dealCount);
					} finally {
						fresh.destroy();
					}
					if (scratch) {
						const id = await withDatabase(database, (db) => snapshotUpdateId(db, pipelineId));
						if (id !== lastSnapshotId) figures.compactionsSeen! += 1;
						lastSnapshotId = id;
					}

					// Each member goes back to work once its own sync is done (see docs/RELIABILITY.md
					// for what happens to an edit made during the handshake).
					for (const client of clients) client.provider.connect();
					await withTimeout(
						Promise.all([observerClient.synced(), ...movers.map((mover) => mover.client.synced().then(() => mover.resume()))]),
						30_000,
						`${context}: every client reconnects`
					);
					for (const mover of movers) mover.pause();
					await eventually(() => converged(clients.map((client) => client.doc)), `${context}: every client converges`, 30_000);
					figures.recoveredMs.push(Date.now() - killedAt);
					expect(validateBoard(observerClient.doc), `${context}: the board keeps its rules`).toEqual([]);
					const refused = clients.flatMap((client) => client.refusals);
					expect(refused, `${context}: no valid edit was refused, and the viewer never had to re-send anything`).toEqual([]);
				}

				figures.updatesObserved = observer.updates;
				figures.dealStatesObserved = observer.dealStates;
				figures.operationsObserved = [...Y.decodeStateVector(Y.encodeStateVector(observerClient.doc)).values()].reduce((sum, clock) => sum + clock, 0);
				figures.moves = movers.reduce((sum, mover) => sum + mover.moves, 0);
				figures.completions = movers.reduce((sum, mover) => sum + mover.completions, 0);
				figures.retitles = movers.reduce((sum, mover) => sum + mover.retitles, 0);
				expect(figures.operationsLost).toBe(0);

				// The projection (lists, reports) follows the converged board.
				const board = listDeals(observerClient.doc);
				await eventually(async () => {
					const list = await callApi(server.url, 'GET', `/api/pipelines/${pipelineId}/deals?status=open&limit=100`, { token: owner.token });
					return board.every((deal) => list.body.deals.some((row: { id: string; stageId: string }) => row.id === deal.id && row.stageId === deal.stageId));
				}, 'the deal list shows every deal in the stage the board shows', 10_000);

				// One more kill, then read the disk as the next start would: it holds
				// exactly what every client converged on, in a snapshot written by a
				// compaction during the run (no clean stop ever happened) plus the updates after it.
				await server.kill('SIGKILL');
				for (const client of clients) client.provider.disconnect();
				const stored = await withDatabase(database, async (db) => {
					const state = await loadDoc(db, pipelineId);
					const doc = new Y.Doc();
					if (state.state) Y.applyUpdate(doc, state.state);
					const [last] = await db.select({ id: max(docUpdates.id) }).from(docUpdates);
					return { doc, snapshotUpdateId: await snapshotUpdateId(db, pipelineId), updatesLeft: await countUpdates(db, pipelineId), lastUpdateId: last?.id ?? 0 };
				});
				figures.snapshotCoversUpdateId = stored.snapshotUpdateId;
				figures.updatesStored = Math.max(stored.lastUpdateId, stored.snapshotUpdateId);
				figures.wallMs = Date.now() - startedAt;
				console.log(`[crash-safety ${kind}] ${JSON.stringify(summarise(figures))}`);
				expect(contentOf(stored.doc), 'the stored board is the converged board').toBe(contentOf(observerClient.doc));
				expect(stored.snapshotUpdateId, 'a compaction ran during the run').toBeGreaterThan(0);
				expect(stored.updatesLeft, 'compaction dropped the updates its snapshot covers').toBeLessThan(600);
			} finally {
				for (const client of clients) client.destroy();
				await server.kill('SIGKILL');
				if (dataDir) rmSync(dataDir, { recursive: true, force: true });
				await scratch?.drop();
			}
		}, 600_000);
	});
}

async function withTimeout<T>(promise: Promise<T>, ms: number, label: string): Promise<T> {
	let timer!: NodeJS.Timeout;
	const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out: ${label}`)), ms)));
	try {
		return await Promise.race([promise, timeout]);
	} finally {
		clearTimeout(timer);
	}
}

/** Opens the server's database from the test (PGlite only while the server is down: it is one process's). */
async function withDatabase<T>(database: ServerDatabase, run: (db: Database) => Promise<T>): Promise<T> {
	const handle = openDatabase(database);
	try {
		return await run(handle.db);
	} finally {
		await handle.close();
	}
}

async function snapshotUpdateId(db: Database, docId: string): Promise<number> {
	const [row] = await db.select({ id: docSnapshots.lastUpdateId }).from(docSnapshots).where(eq(docSnapshots.docId, docId));
	return row?.id ?? 0;
}

async function countUpdates(db: Database, docId: string): Promise<number> {
	return (await db.select({ id: docUpdates.id }).from(docUpdates).where(eq(docUpdates.docId, docId))).length;
}

function summarise(figures: Figures) {
	const stats = (values: number[]) => {
		const sorted = [...values].sort((a, b) => a - b);
		return { min: sorted[0], median: sorted[Math.floor(sorted.length / 2)], max: sorted.at(-1) };
	};
	return { ...figures, restartMs: stats(figures.restartMs), boardOpenMs: stats(figures.boardOpenMs), recoveredMs: stats(figures.recoveredMs) };
}
