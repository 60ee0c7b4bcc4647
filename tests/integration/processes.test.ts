import { afterEach, describe, expect, it } from 'vitest';
import { and, eq, like } from 'drizzle-orm';
import { loadConfig } from '../../server/config.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { runJobsOnce, type ScheduledJob } from '../../server/jobs/scheduler.js';
import { openDatabase, type DatabaseHandle } from '../../server/db/client.js';
import { automationLog, contacts, notifications, tasksProjection, dealsProjection } from '../../server/db/schema.js';
import { createPostgresDatabase, describeEachDatabase } from '../support/databases.js';
import { addMember, callApi, signUpOwner } from '../support/sync-server.js';
import { startJobProcess, type JobProcess } from '../support/job-process.js';
import { describeNotification } from '../../src/lib/notifications/notification-text.js';

const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
// Europe/Moscow is UTC+3 all year: 09:00 there is 06:00Z.
const moscow = 'Europe/Moscow';

type Owner = Awaited<ReturnType<typeof signUpOwner>>;

async function setUp(server: RunningServer) {
	const owner = await signUpOwner(server.url);
	const rep = await addMember(server.url, owner.token, owner.workspaceId, 'rep');
	const manager = await addMember(server.url, owner.token, owner.workspaceId, 'manager');
	const calendar = await callApi(server.url, 'PATCH', `/api/workspaces/${owner.workspaceId}`, {
		token: owner.token,
		json: { timeZone: moscow, workingHours: { days: [5, 1, 2, 3, 4], start: '09:00', end: '18:00' } }
	});
	expect(calendar.status).toBe(200);
	expect(calendar.body.settings).toMatchObject({ timeZone: moscow, workingHours: { days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' } });
	return { owner, rep, manager };
}

async function createParty(server: RunningServer, owner: Owner, kind: 'contacts' | 'companies', json: Record<string, unknown>): Promise<string> {
	const created = await callApi(server.url, 'POST', `/api/workspaces/${owner.workspaceId}/${kind}`, { token: owner.token, json: { force: true, ...json } });
	expect(created.status).toBe(201);
	return (created.body.contact ?? created.body.company).id as string;
}

async function enable(server: RunningServer, owner: Owner, process: string, settings: Record<string, unknown> = {}) {
	const saved = await callApi(server.url, 'PUT', `/api/workspaces/${owner.workspaceId}/processes/${process}`, { token: owner.token, json: { enabled: true, settings } });
	expect(saved.status).toBe(200);
}

describeEachDatabase('scheduled processes', (database) => {
	let server: RunningServer | null = null;
	let clock = new Date('2026-11-30T21:30:00Z');
	const run = () => runJobsOnce({ database: database(), rooms: server!.rooms, notifier: server!.notifier, now: () => clock });
	const tasksTitled = (prefix: string) => database().db.select().from(tasksProjection).where(like(tasksProjection.title, `${prefix}%`));

	afterEach(async () => {
		await server?.close();
		server = null;
	});

	async function start(at: string) {
		clock = new Date(at);
		server = await startServer({ database: database(), config, now: () => clock });
		return setUp(server);
	}

	it('gives each customer of a segment one check-in call per period, due at the start of the first working day, and catches up once', async () => {
		// 00:30 on Tuesday 1 December in Moscow, still 30 November in UTC.
		const { owner, rep } = await start('2026-11-30T21:30:00Z');
		const anna = await createParty(server!, owner, 'contacts', { name: 'Anna Key', segment: 'Key', status: 'customer', ownerId: rep.userId });
		const boris = await createParty(server!, owner, 'contacts', { name: 'Boris Key', segment: 'key', status: 'customer', ownerId: rep.userId });
		await createParty(server!, owner, 'contacts', { name: 'Petr Potential', segment: 'key', status: 'potential', ownerId: rep.userId });
		await createParty(server!, owner, 'contacts', { name: 'Rita Regular', segment: 'regular', status: 'customer', ownerId: rep.userId });
		// Boris has an open deal in the pipeline: his check-in joins it instead of a new deal.
		const open = await callApi(server!.url, 'POST', `/api/pipelines/${owner.pipeline.id}/deals`, {
			token: owner.token,
			json: { title: 'Boris renewal', valueMinor: 100, currency: 'EUR', ownerId: rep.userId, contactId: boris, firstTask: { type: 'email', title: 'Send terms', dueAt: '2026-12-10T09:00:00Z' } }
		});
		expect(open.status).toBe(201);
		await enable(server!, owner, 'check-in', {
			rules: [{ segment: 'key', interval: 'monthly', day: 1, pipelineId: owner.pipeline.id, title: 'Check-in call', type: 'call' }]
		});

		expect(await run()).toBe('ran');
		expect(await run()).toBe('ran');
		const tasks = await tasksTitled('Check-in call');
		expect(tasks).toHaveLength(2);
		expect(tasks.every((task) => task.assigneeId === rep.userId && task.type === 'call' && !task.done)).toBe(true);
		// The first working day of December is Tuesday the 1st: 09:00 in Moscow.
		expect(tasks.map((task) => task.dueAt.toISOString())).toEqual(['2026-12-01T06:00:00.000Z', '2026-12-01T06:00:00.000Z']);
		const deals = await database().db.select().from(dealsProjection).where(eq(dealsProjection.workspaceId, owner.workspaceId));
		const annaDeal = deals.find((deal) => deal.contactId === anna)!;
		expect(annaDeal).toMatchObject({ title: 'Check-in: Anna Key', ownerId: rep.userId, status: 'open', stageId: owner.pipeline.stages[0]!.id });
		expect(tasks.map((task) => task.dealId).sort()).toEqual([annaDeal.id, open.body.deal.id].sort());
		const told = await database().db.select().from(notifications).where(and(eq(notifications.userId, rep.userId), eq(notifications.kind, 'task_assigned')));
		expect(told).toHaveLength(2);

		// Down over all of January, back on Monday 15 February at noon: February's call, once, due now; January is logged as skipped.
		clock = new Date('2027-02-15T09:00:00Z');
		await run();
		await run();
		const after = await tasksTitled('Check-in call');
		expect(after).toHaveLength(4);
		const february = after.filter((task) => task.dueAt > new Date('2027-01-01'));
		expect(february.map((task) => task.dueAt.toISOString())).toEqual(['2027-02-15T09:00:00.000Z', '2027-02-15T09:00:00.000Z']);
		const skipped = await database().db.select().from(automationLog).where(and(eq(automationLog.source, 'check-in'), eq(automationLog.outcome, 'skipped')));
		expect(skipped.map((row) => row.detail)).toEqual([expect.objectContaining({ periods: ['2027-01'], doneInstead: '2027-02' })]);

		const log = await callApi(server!.url, 'GET', `/api/workspaces/${owner.workspaceId}/processes/log?source=check-in`, { token: owner.token });
		expect(log.status).toBe(200);
		expect(log.body.entries.filter((entry: { outcome: string }) => entry.outcome === 'done')).toHaveLength(4);
		expect(log.body.entries[0].taskId ?? log.body.entries[1].taskId).toEqual(expect.any(String));
	});

	it('runs one job run at a time on one database: a concurrent run is turned away and nothing is done twice', async () => {
		const { owner, rep } = await start('2026-12-02T21:10:00Z');
		await createParty(server!, owner, 'contacts', { name: 'Vera Birthday', birthday: '1990-12-03', ownerId: rep.userId });
		await enable(server!, owner, 'birthday');
		const results = await Promise.all([run(), run(), run()]);
		expect(results.filter((result) => result === 'ran')).toHaveLength(1);
		await run();
		const greetings = await tasksTitled('Birthday greeting: Vera Birthday');
		// Thursday 3 December 2026, 09:00 in Moscow.
		expect(greetings.map((task) => [task.assigneeId, task.dueAt.toISOString()])).toEqual([[rep.userId, '2026-12-03T06:00:00.000Z']]);
		// The same day again, and next year's birthday once more.
		clock = new Date('2026-12-03T15:00:00Z');
		await run();
		clock = new Date('2027-12-03T05:00:00Z');
		await run();
		await run();
		expect(await tasksTitled('Birthday greeting: Vera Birthday')).toHaveLength(2);
	});

	it('escalates an overdue task once, to whom the assignee reports, else to the pipeline’s managers, counting working hours', async () => {
		// Friday 4 December 2026, 17:00 in Moscow.
		const { owner, rep, manager } = await start('2026-12-04T14:00:00Z');
		const other = await addMember(server!.url, owner.token, owner.workspaceId, 'rep');
		const reports = await callApi(server!.url, 'PUT', `/api/workspaces/${owner.workspaceId}/members/${rep.userId}/reports-to`, { token: owner.token, json: { reportsTo: manager.userId } });
		expect(reports.status).toBe(200);
		for (const [who, title] of [[rep, 'Call Anna'], [other, 'Call Oleg']] as const) {
			const created = await callApi(server!.url, 'POST', `/api/pipelines/${owner.pipeline.id}/deals`, {
				token: owner.token,
				json: { title: `Deal of ${title}`, valueMinor: 0, currency: 'EUR', ownerId: who.userId, firstTask: { type: 'call', title, dueAt: '2026-12-04T14:00:00Z' } }
			});
			expect(created.status).toBe(201);
		}
		await enable(server!, owner, 'escalation', { afterHours: 2 });
		// Saturday: 20 clock hours late but only one working hour.
		clock = new Date('2026-12-05T10:00:00Z');
		await run();
		expect(await database().db.select().from(notifications).where(eq(notifications.kind, 'task_escalated'))).toHaveLength(0);
		// Monday 10:00: two working hours have passed.
		clock = new Date('2026-12-07T07:00:00Z');
		await run();
		await run();
		const escalated = await database().db.select().from(notifications).where(eq(notifications.kind, 'task_escalated'));
		const byTask = (title: string) => escalated.filter((row) => row.params.taskTitle === title).map((row) => row.userId).sort();
		expect(byTask('Call Anna')).toEqual([manager.userId]);
		expect(byTask('Call Oleg')).toEqual([owner.userId, manager.userId].sort());
		// The centre and the push word it from its params: whose task, and which.
		const anna = escalated.find((row) => row.params.taskTitle === 'Call Anna')!;
		expect(describeNotification('task_escalated', anna.params, 'en')).toBe(`Overdue task of ${anna.params.assigneeName} needs you: Call Anna`);
	});

	it('promotes a first-time buyer, flags a lapsed customer at risk once per episode with one recovery call', async () => {
		const { owner, rep } = await start('2026-01-10T09:00:00Z');
		const anna = await createParty(server!, owner, 'contacts', { name: 'Anna Regular', status: 'potential', ownerId: rep.userId });
		await enable(server!, owner, 'status-promotion');
		await enable(server!, owner, 'at-risk', { intervals: 3, minOrders: 3 });
		const winOn = async (at: string) => {
			clock = new Date(at);
			const created = await callApi(server!.url, 'POST', `/api/pipelines/${owner.pipeline.id}/deals`, {
				token: owner.token,
				json: { title: `Order ${at}`, valueMinor: 100, currency: 'EUR', ownerId: rep.userId, contactId: anna, firstTask: { type: 'call', title: 'Confirm', dueAt: at } }
			});
			const closed = await callApi(server!.url, 'POST', `/api/deals/${created.body.deal.id}/close`, { token: owner.token, json: { outcome: 'won' } });
			expect(closed.status).toBe(200);
		};
		await winOn('2026-01-10T09:00:00Z');
		await run();
		const status = async () => (await database().db.select().from(contacts).where(eq(contacts.id, anna)))[0]!;
		expect((await status()).status).toBe('customer');
		await winOn('2026-02-10T09:00:00Z');
		await winOn('2026-03-10T09:00:00Z');
		// Three usual intervals (about 30 days each) not yet passed on 1 June.
		clock = new Date('2026-06-01T09:00:00Z');
		await run();
		expect((await status()).atRiskSince).toBeNull();
		clock = new Date('2026-06-15T09:00:00Z');
		await run();
		await run();
		expect((await status()).atRiskSince?.toISOString()).toBe('2026-06-15T09:00:00.000Z');
		expect(await tasksTitled('Recovery call: Anna Regular')).toHaveLength(1);
		const [atRisk] = await database().db.select().from(notifications).where(eq(notifications.kind, 'customer_at_risk'));
		expect(describeNotification('customer_at_risk', atRisk!.params, 'en')).toBe('Customer at risk: Anna Regular');
		// An order ends the episode; the next lapse is a new one, with its own call.
		await winOn('2026-06-20T09:00:00Z');
		await run();
		expect((await status()).atRiskSince).toBeNull();
		clock = new Date('2026-12-01T09:00:00Z');
		await run();
		await run();
		expect(await tasksTitled('Recovery call: Anna Regular')).toHaveLength(2);
	});

	it('validates the team calendar and process settings, and leaves them to admins', async () => {
		const { owner, rep } = await start('2026-12-01T09:00:00Z');
		const workspace = `/api/workspaces/${owner.workspaceId}`;
		const badZone = await callApi(server!.url, 'PATCH', workspace, { token: owner.token, json: { timeZone: 'Mars/Olympus' } });
		expect(badZone.status).toBe(422);
		expect(badZone.body.error.issues.map((issue: { path: string }) => issue.path)).toEqual(['timeZone']);
		const badHours = await callApi(server!.url, 'PATCH', workspace, { token: owner.token, json: { workingHours: { days: [1], start: '18:00', end: '09:00' } } });
		expect(badHours.status).toBe(422);
		expect(badHours.body.error.issues.map((issue: { path: string }) => issue.path)).toEqual(['workingHours.end']);
		expect((await callApi(server!.url, 'PATCH', workspace, { token: rep.token, json: { timeZone: 'Europe/Paris' } })).status).toBe(403);

		const rule = { segment: 'key', interval: 'monthly', day: 1, pipelineId: owner.pipeline.id, title: 'Check-in', type: 'call' };
		const badDay = await callApi(server!.url, 'PUT', `${workspace}/processes/check-in`, { token: owner.token, json: { enabled: true, settings: { rules: [{ ...rule, day: 31 }] } } });
		expect(badDay.status).toBe(422);
		expect(badDay.body.error.issues.map((issue: { path: string }) => issue.path)).toEqual(['settings.rules.0.day']);
		const badPipeline = await callApi(server!.url, 'PUT', `${workspace}/processes/check-in`, { token: owner.token, json: { enabled: true, settings: { rules: [{ ...rule, pipelineId: 'nosuchpipeline' }] } } });
		expect(badPipeline.status).toBe(422);
		expect(badPipeline.body.error.issues.map((issue: { path: string }) => issue.path)).toEqual(['settings.rules.0.pipelineId']);
		expect((await callApi(server!.url, 'PUT', `${workspace}/processes/escalation`, { token: rep.token, json: { enabled: true } })).status).toBe(403);
		expect((await callApi(server!.url, 'GET', `${workspace}/processes`, { token: rep.token })).status).toBe(403);
		const self = await callApi(server!.url, 'PUT', `${workspace}/members/${rep.userId}/reports-to`, { token: owner.token, json: { reportsTo: rep.userId } });
		expect(self.status).toBe(422);

		const listed = await callApi(server!.url, 'GET', `${workspace}/processes`, { token: owner.token });
		expect(listed.body.processes.map((p: { process: string; enabled: boolean }) => [p.process, p.enabled])).toEqual([
			['check-in', false],
			['status-promotion', false],
			['at-risk', false],
			['escalation', false],
			['birthday', false]
		]);
		expect(listed.body.processes.find((p: { process: string }) => p.process === 'escalation').settings).toEqual({ afterHours: 24, unit: 'working_hours' });
	});
});

/** Two nodes sharing nothing but the PostgreSQL database (CI always has one: tests/support/integration-setup.ts). */
if (process.env.TEST_DATABASE_URL) describe('scheduled jobs on two nodes (postgres)', () => {
	it('lets one node hold the job lock at a time, and two nodes running at once create each task once', async () => {
		const scratch = await createPostgresDatabase(process.env.TEST_DATABASE_URL!);
		const handles: DatabaseHandle[] = [openDatabase({ kind: 'postgres', url: scratch.url }), openDatabase({ kind: 'postgres', url: scratch.url })];
		await handles[0]!.migrate();
		let clock = new Date('2026-11-30T21:30:00Z');
		const servers = await Promise.all(handles.map((database) => startServer({ database, config, now: () => clock })));
		try {
			const [a, b] = servers as [RunningServer, RunningServer];
			const { owner, rep } = await setUp(a);
			for (let index = 0; index < 5; index += 1) {
				await createParty(a, owner, 'contacts', { name: `Key customer ${index}`, segment: 'key', status: 'customer', ownerId: rep.userId });
			}
			await enable(a, owner, 'check-in', { rules: [{ segment: 'key', interval: 'monthly', day: 1, pipelineId: owner.pipeline.id, title: 'Monthly check-in', type: 'call' }] });
			const deps = (index: 0 | 1) => ({ database: handles[index]!, rooms: servers[index]!.rooms, notifier: servers[index]!.notifier, now: () => clock });

			// Node A holds the lock while its (test) job waits: node B is turned away, then gets it once A is done.
			let release!: () => void;
			let started!: () => void;
			const holding = new Promise<void>((resolve) => (started = resolve));
			const blocker: ScheduledJob = { name: 'blocker', run: () => new Promise<void>((resolve) => { release = resolve; started(); }) };
			const aRun = runJobsOnce({ ...deps(0), jobs: [blocker] });
			await holding;
			expect(await runJobsOnce({ ...deps(1), jobs: [] })).toBe('busy');
			release();
			expect(await aRun).toBe('ran');
			expect(await runJobsOnce({ ...deps(1), jobs: [] })).toBe('ran');

			// Both nodes' timers fire at once, twice.
			await Promise.all([runJobsOnce(deps(0)), runJobsOnce(deps(1))]);
			await Promise.all([runJobsOnce(deps(1)), runJobsOnce(deps(0))]);
			const tasks = await handles[0]!.db.select().from(tasksProjection).where(like(tasksProjection.title, 'Monthly check-in'));
			expect(tasks).toHaveLength(5);
			expect(new Set(tasks.map((task) => task.dealId)).size).toBe(5);
			const told = await handles[0]!.db.select().from(notifications).where(eq(notifications.kind, 'task_assigned'));
			expect(told).toHaveLength(5);
		} finally {
			for (const server of servers) await server.close();
			for (const handle of handles) await handle.close();
			await scratch.drop();
		}
	});

	/*
	 * The same with two OS processes (tests/support/job-process-main.ts), each
	 * its own server with its own pool, sharing only the database: the lock is
	 * PostgreSQL's, not anything in one process's memory. (PGlite is one
	 * process's database by design: there the in-process flag is the lock.)
	 * Which process wins a race is left to chance; the assertions are not.
	 */
	it('two server processes running the jobs at once, and twice, create each task once; one holding the lock turns the other away', async () => {
		const scratch = await createPostgresDatabase(process.env.TEST_DATABASE_URL!);
		const handle = openDatabase({ kind: 'postgres', url: scratch.url });
		await handle.migrate();
		const clock = new Date('2026-11-30T21:30:00Z');
		// An in-process server sets the workspace up, then stops: from there only the two processes run.
		let setup: RunningServer | null = await startServer({ database: handle, config, now: () => clock });
		const children: JobProcess[] = [];
		try {
			const { owner, rep } = await setUp(setup);
			for (let index = 0; index < 5; index += 1) {
				await createParty(setup, owner, 'contacts', { name: `Key customer ${index}`, segment: 'key', status: 'customer', ownerId: rep.userId });
			}
			await enable(setup, owner, 'check-in', { rules: [{ segment: 'key', interval: 'monthly', day: 1, pipelineId: owner.pipeline.id, title: 'Monthly check-in', type: 'call' }] });
			await setup.close();
			setup = null;
			children.push(...(await Promise.all([startJobProcess(scratch.url, clock), startJobProcess(scratch.url, clock)])));
			const [a, b] = children as [JobProcess, JobProcess];
			expect(a.pid).not.toBe(b.pid);
			const result = async (child: JobProcess) => {
				const event = await child.next();
				if (event.event !== 'result') throw new Error(`expected a result, got ${JSON.stringify(event)}`);
				return event.result;
			};

			// Both processes' timers fire at once, twice: nothing but the jobs has run them before.
			for (let round = 0; round < 2; round += 1) {
				a.send({ cmd: 'run' });
				b.send({ cmd: 'run' });
				const outcomes = await Promise.all([result(a), result(b)]);
				for (const outcome of outcomes) expect(['ran', 'busy']).toContain(outcome);
			}
			const tasks = () => handle.db.select().from(tasksProjection).where(like(tasksProjection.title, 'Monthly check-in'));
			expect(await tasks()).toHaveLength(5);
			expect(new Set((await tasks()).map((task) => task.dealId)).size).toBe(5);
			expect(await handle.db.select().from(notifications).where(eq(notifications.kind, 'task_assigned'))).toHaveLength(5);

			// Each process in turn holds the lock (its run stays open after the jobs): the other is turned away, then both run again.
			for (const [holder, other] of [[a, b], [b, a]] as const) {
				holder.send({ cmd: 'run', hold: true });
				expect(await holder.next()).toEqual({ event: 'holding' });
				other.send({ cmd: 'run' });
				expect(await result(other)).toBe('busy');
				holder.send({ cmd: 'release' });
				expect(await result(holder)).toBe('ran');
			}
			b.send({ cmd: 'run' });
			expect(await result(b)).toBe('ran');
			expect(await tasks()).toHaveLength(5);
			expect(await handle.db.select().from(notifications).where(eq(notifications.kind, 'task_assigned'))).toHaveLength(5);
			expect(await Promise.all(children.map((child) => child.exit()))).toEqual([0, 0]);
		} finally {
			for (const child of children) child.kill();
			await setup?.close();
			await handle.close();
			await scratch.drop();
		}
	});
});
