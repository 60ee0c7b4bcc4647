import { afterEach, describe, expect, it } from 'vitest';
import { and, count, eq } from 'drizzle-orm';
import pg from 'pg';
import { loadConfig } from '../../server/config.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { openDatabase, type DatabaseHandle } from '../../server/db/client.js';
import { automationLog, companies, contacts, dealsProjection, interactions, notifications, pipelines, recordEvents, tasksProjection } from '../../server/db/schema.js';
import { findIntakeSource } from '../../server/intake/intake-sources.js';
import { runIntake } from '../../server/intake/intake.js';
import { intakeGraceMs } from '../../server/intake/intake-recovery.js';
import { runJobsOnce } from '../../server/jobs/scheduler.js';
import { loadDoc } from '../../server/sync/persistence.js';
import type { RoomManager } from '../../server/sync/rooms.js';
import { boardMaps } from '../../src/lib/model/board.js';
import * as Y from 'yjs';
import { createPostgresDatabase, describeEachDatabase } from '../support/databases.js';
import { freePort, startServerProcess } from '../support/server-process.js';
import { callApi, eventually, signUpOwner } from '../support/sync-server.js';

/*
 * Intake writes its database rows (and a 'pending' log entry) first and the
 * deal on the board after. These tests stop it between the two, as a crash
 * would, and check that the recovery job, run by the scheduler, makes the
 * request into the deal it would have been: once, however often it runs.
 */

const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
const request = { name: 'Anna Petrova', email: 'anna@example.com', phone: null, company: 'Romashka', message: 'Please call me', titleSuffix: null, notes: [], channel: 'form' as const };

/** A board that never answers: the process stops at the board write, as if it had died there (nothing after it runs). */
const stalledRooms = { withRoom: () => new Promise<never>(() => undefined) } as unknown as RoomManager;

/** What the workspace holds that an intake creates or a recovery could create twice. */
async function tally(db: DatabaseHandle['db'], workspaceId: string) {
	const n = async (table: typeof contacts | typeof companies | typeof dealsProjection | typeof interactions | typeof automationLog) =>
		(await db.select({ n: count() }).from(table).where(eq(table.workspaceId, workspaceId)))[0]!.n;
	// Tasks are the board's: counted through their pipelines' workspace.
	const [tasks] = await db
		.select({ n: count() })
		.from(tasksProjection)
		.innerJoin(pipelines, eq(pipelines.id, tasksProjection.pipelineId))
		.where(eq(pipelines.workspaceId, workspaceId));
	// The new lead's; the scheduler's other jobs may rightly add "due soon" for its task.
	const [told] = await db
		.select({ n: count() })
		.from(notifications)
		.where(and(eq(notifications.workspaceId, workspaceId), eq(notifications.kind, 'lead_assigned')));
	return {
		contacts: await n(contacts),
		companies: await n(companies),
		deals: await n(dealsProjection),
		tasks: tasks!.n,
		interactions: await n(interactions),
		leadsTold: told!.n,
		log: await n(automationLog)
	};
}

async function intakeEntry(db: DatabaseHandle['db'], workspaceId: string) {
	const rows = await db.select().from(automationLog).where(and(eq(automationLog.workspaceId, workspaceId), eq(automationLog.kind, 'intake')));
	expect(rows).toHaveLength(1);
	return rows[0]!;
}

describeEachDatabase('intake recovery after a crash', (database) => {
	let server: RunningServer | null = null;
	let clock = new Date('2026-12-07T10:00:00Z');
	afterEach(async () => {
		await server?.close();
		server = null;
	});

	async function start() {
		clock = new Date('2026-12-07T10:00:00Z');
		server = await startServer({ database: database(), config, now: () => clock });
		const owner = await signUpOwner(server.url);
		const form = await callApi(server.url, 'POST', `/api/pipelines/${owner.pipeline.id}/forms`, { token: owner.token, json: { name: 'Website', stageId: owner.pipeline.stages[0]!.id } });
		expect(form.status).toBe(201);
		const source = (await findIntakeSource(database().db, form.body.id, 'form'))!;
		const jobs = () => runJobsOnce({ database: database(), rooms: server!.rooms, notifier: server!.notifier, now: () => clock });
		return { owner, form: form.body as { id: string }, source, jobs };
	}

	/** Starts an intake whose process "dies" at the board write; resolves once its rows are committed. */
	async function interruptedIntake(source: NonNullable<Awaited<ReturnType<typeof findIntakeSource>>>, rooms: RoomManager = stalledRooms) {
		void runIntake({ db: database().db, rooms, notifier: server!.notifier, now: () => clock }, source, request);
		await eventually(async () => (await database().db.select().from(automationLog).where(eq(automationLog.workspaceId, source.workspaceId))).length > 0, 'the intake committed its rows');
	}

	it('puts the deal of an intake that died before the board on the board once, with its task and the request linked, and tells the owner once', async () => {
		const { owner, form, source, jobs } = await start();
		await interruptedIntake(source);

		// The window a crash leaves: rows and a pending entry, no deal, nobody told.
		const pending = await intakeEntry(database().db, owner.workspaceId);
		expect(pending.outcome).toBe('pending');
		const dealId = pending.dealId!;
		expect(await tally(database().db, owner.workspaceId)).toMatchObject({ contacts: 1, companies: 1, deals: 0, tasks: 0, interactions: 1, leadsTold: 0 });
		const shown = await callApi(server!.url, 'GET', `/api/forms/${form.id}/log`, { token: owner.token });
		expect(shown.body.entries.map((entry: { outcome: string }) => entry.outcome)).toEqual(['pending']);

		// Within the grace the job leaves it alone: the request may still be finishing on a live node.
		clock = new Date(clock.getTime() + intakeGraceMs - 1000);
		expect(await jobs()).toBe('ran');
		expect((await intakeEntry(database().db, owner.workspaceId)).outcome).toBe('pending');
		expect((await tally(database().db, owner.workspaceId)).deals).toBe(0);

		clock = new Date(clock.getTime() + 2000);
		expect(await jobs()).toBe('ran');
		const done = await intakeEntry(database().db, owner.workspaceId);
		expect(done).toMatchObject({ outcome: 'done', dealId, taskId: pending.taskId, contactId: pending.contactId });
		expect(done.detail).toMatchObject({ title: 'Request from website: Anna Petrova', recoveredAt: clock.toISOString() });
		const [deal] = await database().db.select().from(dealsProjection).where(eq(dealsProjection.id, dealId));
		expect(deal).toMatchObject({ title: 'Request from website: Anna Petrova', ownerId: owner.userId, contactId: pending.contactId, stageId: owner.pipeline.stages[0]!.id, source: 'form' });
		const tasks = await database().db.select().from(tasksProjection).where(eq(tasksProjection.dealId, dealId));
		expect(tasks.map((task) => [task.id, task.title, task.assigneeId, task.done])).toEqual([[pending.taskId, 'Call back', owner.userId, false]]);
		const [interaction] = await database().db.select().from(interactions).where(eq(interactions.workspaceId, owner.workspaceId));
		expect(interaction).toMatchObject({ dealId, contactId: pending.contactId });
		expect(interaction!.text).toContain('Please call me');
		const told = await database()
			.db.select()
			.from(notifications)
			.where(and(eq(notifications.workspaceId, owner.workspaceId), eq(notifications.kind, 'lead_assigned')));
		expect(told.map((row) => [row.kind, row.userId, row.dealId])).toEqual([['lead_assigned', owner.userId, dealId]]);
		const after = await tally(database().db, owner.workspaceId);
		expect(after).toMatchObject({ contacts: 1, companies: 1, deals: 1, tasks: 1, interactions: 1, leadsTold: 1 });

		// Running it again, twice, changes nothing.
		expect(await jobs()).toBe('ran');
		clock = new Date(clock.getTime() + 10 * 60_000);
		expect(await jobs()).toBe('ran');
		expect(await tally(database().db, owner.workspaceId)).toEqual(after);
		expect(await intakeEntry(database().db, owner.workspaceId)).toEqual(done);
		await server!.rooms.withRoom(owner.pipeline.id, async (room) => {
			const maps = boardMaps(room.doc);
			expect([...maps.deals.keys()]).toEqual([dealId]);
			expect([...maps.tasks.values()].map((task) => task.get('dealId'))).toEqual([dealId]);
		});
	});

	it('finds the deal an intake put on the board just before dying, and only marks it done and tells the owner', async () => {
		const { owner, source, jobs } = await start();
		// The board write happens; the process dies before telling the owner and marking the entry done.
		const diesAfterBoard = { withRoom: (id: string, run: never) => server!.rooms.withRoom(id, run).then(() => new Promise<never>(() => undefined)) } as unknown as RoomManager;
		await interruptedIntake(source, diesAfterBoard);
		const pending = await intakeEntry(database().db, owner.workspaceId);
		await eventually(async () => (await tally(database().db, owner.workspaceId)).deals === 1, 'the deal is on the board');
		expect((await intakeEntry(database().db, owner.workspaceId)).outcome).toBe('pending');
		expect((await tally(database().db, owner.workspaceId)).leadsTold).toBe(0);

		clock = new Date(clock.getTime() + intakeGraceMs + 1000);
		expect(await jobs()).toBe('ran');
		expect(await jobs()).toBe('ran');
		expect(await intakeEntry(database().db, owner.workspaceId)).toMatchObject({ outcome: 'done', dealId: pending.dealId });
		expect(await tally(database().db, owner.workspaceId)).toMatchObject({ contacts: 1, deals: 1, tasks: 1, interactions: 1, leadsTold: 1 });
	});

	it('takes the rows back and logs a failure when the pipeline was archived before recovery could put the deal on it', async () => {
		const { owner, form, source, jobs } = await start();
		const before = await tally(database().db, owner.workspaceId);
		const [eventsBefore] = await database().db.select({ n: count() }).from(recordEvents).where(eq(recordEvents.workspaceId, owner.workspaceId));
		await interruptedIntake(source);
		expect((await tally(database().db, owner.workspaceId)).contacts).toBe(before.contacts + 1);
		const archived = await callApi(server!.url, 'PATCH', `/api/pipelines/${owner.pipeline.id}`, { token: owner.token, json: { archived: true } });
		expect(archived.status).toBe(200);

		clock = new Date(clock.getTime() + intakeGraceMs + 1000);
		expect(await jobs()).toBe('ran');
		// Nothing of the request is left but the log's line saying it failed and why.
		expect(await tally(database().db, owner.workspaceId)).toEqual({ ...before, log: before.log + 1 });
		const [eventsAfter] = await database().db.select({ n: count() }).from(recordEvents).where(eq(recordEvents.workspaceId, owner.workspaceId));
		expect(eventsAfter!.n).toBe(eventsBefore!.n);
		const failed = await intakeEntry(database().db, owner.workspaceId);
		expect(failed).toMatchObject({ outcome: 'failed', dealId: null, taskId: null, contactId: null });
		expect(failed.detail).toMatchObject({ title: 'Request from website: Anna Petrova', reason: 'pipeline_archived' });
		const shown = await callApi(server!.url, 'GET', `/api/forms/${form.id}/log`, { token: owner.token });
		expect(shown.body.entries.map((entry: { outcome: string }) => entry.outcome)).toEqual(['failed']);

		expect(await jobs()).toBe('ran');
		expect(await intakeEntry(database().db, owner.workspaceId)).toEqual(failed);
	});
});

/*
 * The real thing on PostgreSQL: the server runs as its own process, and is
 * SIGKILLed while its board write waits. The write waits because the test
 * holds the board's update log locked (nothing of intake's own rows touches
 * it), so the kill lands after intake's commit and before the deal reaches
 * the board, every time. (PGlite's database belongs to the one process that
 * opened it; the in-process tests above cover it.)
 */
if (process.env.TEST_DATABASE_URL) describe('intake recovery after a real crash (postgres)', () => {
	it('recovers the lead of a server process killed between its commit and the board', async () => {
		const scratch = await createPostgresDatabase(process.env.TEST_DATABASE_URL!);
		const handle = openDatabase({ kind: 'postgres', url: scratch.url });
		await handle.migrate();
		const locker = new pg.Client({ connectionString: scratch.url });
		await locker.connect();
		let recovering: RunningServer | null = null;
		const child = await startServerProcess({ kind: 'postgres', url: scratch.url }, await freePort());
		try {
			const owner = await signUpOwner(child.url);
			const form = await callApi(child.url, 'POST', `/api/pipelines/${owner.pipeline.id}/forms`, { token: owner.token, json: { name: 'Website', stageId: owner.pipeline.stages[0]!.id } });
			expect(form.status).toBe(201);
			const before = await tally(handle.db, owner.workspaceId);

			await locker.query('begin');
			await locker.query('lock table doc_updates in access exclusive mode');
			const submitted = fetch(`${child.url}/api/public/forms/${form.body.key}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ name: 'Anna Petrova', email: 'anna@example.com', company: 'Romashka', message: 'Please call me' })
			}).then(
				(response) => response.status,
				() => 'no answer' as const
			);
			await eventually(async () => (await handle.db.select().from(automationLog).where(eq(automationLog.workspaceId, owner.workspaceId))).length > 0, 'the intake committed its rows', 30_000);
			await child.kill('SIGKILL');
			await locker.query('rollback');
			expect(await submitted).toBe('no answer');

			// What the crash left: the rows and a pending entry; on the board's stored document, no deal.
			const pending = await intakeEntry(handle.db, owner.workspaceId);
			expect(pending.outcome).toBe('pending');
			const stored = new Y.Doc();
			const saved = await loadDoc(handle.db, owner.pipeline.id);
			if (saved.state) Y.applyUpdate(stored, saved.state);
			expect(boardMaps(stored).deals.has(pending.dealId!)).toBe(false);
			expect(await tally(handle.db, owner.workspaceId)).toMatchObject({ contacts: before.contacts + 1, deals: 0, interactions: 1, leadsTold: 0 });

			// Another node (this test's) runs the scheduled jobs later.
			const clock = new Date(pending.at.getTime() + intakeGraceMs + 1000);
			recovering = await startServer({ database: handle, config, now: () => clock });
			const jobs = () => runJobsOnce({ database: handle, rooms: recovering!.rooms, notifier: recovering!.notifier, now: () => clock });
			expect(await jobs()).toBe('ran');
			expect(await intakeEntry(handle.db, owner.workspaceId)).toMatchObject({ outcome: 'done', dealId: pending.dealId });
			const tasks = await handle.db.select().from(tasksProjection).where(eq(tasksProjection.dealId, pending.dealId!));
			expect(tasks.map((task) => task.id)).toEqual([pending.taskId]);
			const [interaction] = await handle.db.select().from(interactions).where(eq(interactions.workspaceId, owner.workspaceId));
			expect(interaction).toMatchObject({ dealId: pending.dealId, contactId: pending.contactId });
			const after = await tally(handle.db, owner.workspaceId);
			expect(after).toMatchObject({ contacts: before.contacts + 1, deals: 1, tasks: 1, interactions: 1, leadsTold: 1 });
			expect(await jobs()).toBe('ran');
			expect(await tally(handle.db, owner.workspaceId)).toEqual(after);
		} finally {
			await child.kill();
			await locker.end().catch(() => undefined);
			await recovering?.close();
			await handle.close();
			await scratch.drop();
		}
	});
});
