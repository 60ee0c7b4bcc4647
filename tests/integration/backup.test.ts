import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { BackupError, createBackup, defaultBackupPath, restoreBackup } from '../../server/db/backup.js';
import { openDatabase, type DatabaseHandle, type DatabaseTarget } from '../../server/db/client.js';
import { createPgliteFiles } from '../../server/db/pglite-files.js';
import type { RunningServer } from '../../server/server.js';
import { createPostgresDatabase, type DatabaseKind } from '../support/databases.js';
import { addMember, callApi, connectBoard, signUpOwner, startTestServer } from '../support/sync-server.js';

/** A database of its own, not yet migrated: a temporary PGlite DATA_DIR or a new PostgreSQL database. */
interface Instance {
	target: DatabaseTarget;
	drop(): Promise<void>;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function createInstance(kind: DatabaseKind, label: string): Promise<Instance> {
	if (kind === 'pglite') {
		const dataDir = mkdtempSync(join(tmpdir(), `voronka-${label}-`));
		return { target: { kind, dataDir }, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
	}
	const created = await createPostgresDatabase(process.env.TEST_DATABASE_URL!);
	return { target: { kind, url: created.url }, drop: created.drop };
}

/** Opens and migrates the instance as `npm start` does, and serves the app on it. */
async function startApp(instance: Instance): Promise<{ database: DatabaseHandle; server: RunningServer; stop(): Promise<void> }> {
	await createPgliteFiles(instance.target);
	const database = openDatabase(instance.target);
	await database.migrate();
	const server = await startTestServer(database);
	let stopped = false;
	const stop = async () => {
		if (stopped) return;
		stopped = true;
		await server.close();
		await database.close();
	};
	cleanups.push(stop);
	return { database, server, stop };
}

const due = '2030-01-01T10:00:00Z';

/** A workspace with three members, two pipelines, deals, extra tasks, a move and a note, all through the API. */
async function fillWorkspace(baseUrl: string) {
	const owner = await signUpOwner(baseUrl);
	const manager = await addMember(baseUrl, owner.token, owner.workspaceId, 'manager');
	const rep = await addMember(baseUrl, owner.token, owner.workspaceId, 'rep');
	const api = async (method: string, path: string, json?: unknown, token = owner.token) => {
		const response = await callApi(baseUrl, method, path, { token, json });
		expect(response.status, `${method} ${path}: ${JSON.stringify(response.body)}`).toBeLessThan(300);
		return response.body;
	};
	const renewals = await api('POST', `/api/workspaces/${owner.workspaceId}/pipelines`, { name: 'Renewals' }, manager.token);
	const newDeal = async (pipelineId: string, title: string, ownerId?: string) =>
		(await api('POST', `/api/pipelines/${pipelineId}/deals`, { title, valueMinor: 125_000, currency: 'EUR', ownerId, firstTask: { type: 'call', title: `Call ${title}`, dueAt: due } }))
			.deal.id as string;
	const acme = await newDeal(owner.pipeline.id, 'Acme', rep.userId);
	const globex = await newDeal(owner.pipeline.id, 'Globex');
	await newDeal(owner.pipeline.id, 'Initech', manager.userId);
	await newDeal(renewals.id, 'Umbrella', rep.userId);
	await newDeal(renewals.id, 'Hooli');
	await api('POST', `/api/deals/${acme}/tasks`, { type: 'meeting', title: 'Demo', dueAt: '2030-01-02T10:00:00Z' });
	await api('POST', `/api/deals/${globex}/move`, { stageId: owner.pipeline.stages[1]!.id });
	await api('POST', `/api/deals/${globex}/interactions`, { kind: 'note', text: 'Wants a discount' });
	return { owner, manager, rep, pipelineIds: [owner.pipeline.id, renewals.id as string] };
}

type Workspace = Awaited<ReturnType<typeof fillWorkspace>>;

/** Everything a user can see of the workspace: members, pipelines, deals with tasks and timelines, boards, sessions and tokens. */
async function readWorkspace(baseUrl: string, workspace: Workspace) {
	const { owner, manager, rep } = workspace;
	const get = async (path: string, token = owner.token) => {
		const response = await callApi(baseUrl, 'GET', path, { token });
		expect(response.status, `GET ${path}`).toBe(200);
		return response.body;
	};
	const pipelines = await get(`/api/workspaces/${owner.workspaceId}/pipelines`);
	const deals = [];
	for (const pipelineId of workspace.pipelineIds) deals.push(await get(`/api/pipelines/${pipelineId}/deals`));
	const dealPages = [];
	for (const list of deals) for (const deal of list.deals) dealPages.push(await get(`/api/deals/${deal.id}`));
	const boards = [];
	for (const pipelineId of workspace.pipelineIds) boards.push(await readBoard(baseUrl, pipelineId, owner.token));
	const me = await fetch(`${baseUrl}/api/me`, { headers: { cookie: owner.cookie } });
	return {
		members: await get(`/api/workspaces/${owner.workspaceId}/members`),
		pipelines,
		deals,
		dealPages,
		repTasks: await get(`/api/workspaces/${owner.workspaceId}/my-tasks`, rep.token),
		boards,
		// The session cookie and every API token still log their user in.
		sessionUser: me.status === 200 ? ((await me.json()) as { user: { id: string } }).user.id : `status ${me.status}`,
		tokenUsers: [
			(await get('/api/me', owner.token)).user.id,
			(await get('/api/me', manager.token)).user.id,
			(await get('/api/me', rep.token)).user.id
		]
	};
}

/** The board document as a stock Yjs client receives it over /sync. */
async function readBoard(baseUrl: string, pipelineId: string, token: string) {
	const board = connectBoard(baseUrl, pipelineId, token);
	try {
		await board.synced();
		const maps = Object.fromEntries(['meta', 'stages', 'deals', 'tasks'].map((name) => [name, board.doc.getMap(name).toJSON()]));
		return { maps, dealCount: board.doc.getMap('deals').size };
	} finally {
		board.destroy();
	}
}

for (const kind of ['pglite', 'postgres'] as const) {
	const available = kind === 'pglite' || Boolean(process.env.TEST_DATABASE_URL);
	const title = available ? `backup and restore [${kind}]` : `backup and restore [${kind}: not run, TEST_DATABASE_URL is unset]`;
	(available ? describe : describe.skip)(title, () => {
		it('restores every deal, task, board, member, session and token into a fresh instance', { timeout: 180_000 }, async () => {
			const source = await createInstance(kind, 'source');
			cleanups.push(source.drop);
			const first = await startApp(source);
			const workspace = await fillWorkspace(first.server.url);
			const before = await readWorkspace(first.server.url, workspace);
			expect(before.deals.map((list) => list.total)).toEqual([3, 2]);
			expect(before.boards.map((board) => board.dealCount)).toEqual([3, 2]);
			expect(before.members.members).toHaveLength(3);
			expect(before.sessionUser).toBe(workspace.owner.userId);

			const backupDir = mkdtempSync(join(tmpdir(), 'voronka-backups-'));
			cleanups.push(async () => rmSync(backupDir, { recursive: true, force: true }));
			const file = defaultBackupPath(kind, new Date(), backupDir);
			let backup;
			if (kind === 'pglite') {
				// PGlite serves one process: the running app's data dir is refused, not copied mid-write.
				await expect(createBackup(source.target, file)).rejects.toThrow(/open in another process/);
				await first.stop();
				backup = await createBackup(source.target, file);
			} else {
				// pg_dump reads one consistent snapshot, so PostgreSQL is backed up while the app runs.
				backup = await createBackup(source.target, file);
				await first.stop();
			}
			expect(backup.file).toBe(file);
			expect(statSync(file).size).toBe(backup.bytes);
			expect(backup.summary).toEqual({ users: 3, workspaces: 1, pipelines: 2, deals: 5, tasks: 6 });
			await expect(createBackup(source.target, file)).rejects.toThrow(/already exists/);

			const restored = await createInstance(kind, 'restored');
			cleanups.push(restored.drop);
			const restore = await restoreBackup(restored.target, file, { force: false });
			expect(restore.summary).toEqual(backup.summary);

			const second = await startApp(restored);
			const after = await readWorkspace(second.server.url, workspace);
			expect(after).toEqual(before);
			// And it goes on: a new deal is accepted (sequences and room state restored too).
			const added = await callApi(second.server.url, 'POST', `/api/pipelines/${workspace.pipelineIds[0]}/deals`, {
				token: workspace.rep.token,
				json: { title: 'After restore', valueMinor: 1, currency: 'EUR', firstTask: { type: 'call', title: 'Call', dueAt: due } }
			});
			expect(added.status).toBe(201);
			expect((await readBoard(second.server.url, workspace.pipelineIds[0]!, workspace.owner.token)).dealCount).toBe(4);

			if (kind === 'postgres') {
				// The app still holds connections: a forced restore under it is refused.
				await expect(restoreBackup(restored.target, file, { force: true })).rejects.toThrow(/other sessions? (is|are) connected/);
			}
			await second.stop();

			// Over data it refuses without --force, and replaces it with.
			await expect(restoreBackup(restored.target, file, { force: false })).rejects.toThrow(BackupError);
			await expect(restoreBackup(restored.target, file, { force: false })).rejects.toThrow(/already holds/);
			const forced = await restoreBackup(restored.target, file, { force: true });
			expect(forced.summary).toEqual(backup.summary);
			if (kind === 'pglite') expect(existsSync(forced.movedAside!)).toBe(true);
		});

		it('refuses the other kind’s backup, a file that is no backup, and one cut short', async () => {
			const instance = await createInstance(kind, 'kinds');
			cleanups.push(instance.drop);
			const dir = mkdtempSync(join(tmpdir(), 'voronka-not-backups-'));
			cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
			const otherKind = join(dir, 'other');
			writeFileSync(otherKind, kind === 'pglite' ? Buffer.from('PGDMP\x01\x0f') : Buffer.from([0x1f, 0x8b, 0x08, 0x00]));
			await expect(restoreBackup(instance.target, otherKind, { force: false })).rejects.toThrow(/restores only into the kind it was taken from/);
			const notes = join(dir, 'notes.txt');
			writeFileSync(notes, 'hello');
			await expect(restoreBackup(instance.target, notes, { force: false })).rejects.toThrow(/not a Voronka backup/);
			// A file cut short (a full disk, an interrupted copy) is refused, not half restored.
			const cut = join(dir, 'cut');
			writeFileSync(cut, kind === 'pglite' ? gzipSync(Buffer.alloc(100_000, 1)).subarray(0, 60) : Buffer.from('PGDMP\x01\x0f\x00\x04\x08'));
			await expect(restoreBackup(instance.target, cut, { force: false })).rejects.toThrow(kind === 'pglite' ? /damaged or incomplete/ : /pg_restore failed/);
		});
	});
}
