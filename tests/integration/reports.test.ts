import { beforeAll, expect, it } from 'vitest';
import { dealsProjection, interactions, stageEvents, tasksProjection } from '../../server/db/schema.js';
import { describeEachDatabase } from '../support/databases.js';
import { ApiClient, createTestApp, joinAs, signUp, type TestApp } from '../support/api-client.js';

/**
 * A pipeline whose history is written out by hand, straight into the
 * projection (deals and stage_events), as the board's projection would have
 * written it. Every figure below was worked out on paper from this table.
 * Stages: N(ew lead) Q(ualified) M(eeting) P(roposal) G (negotiation) W(on) L(ost).
 * Times are UTC; a bare day is 2030-05-<day> at 10:00.
 */
type Step = [stage: string, at: string | number];
interface FixtureDeal {
	id: string;
	owner: 'owner' | 'rep';
	currency: 'EUR' | 'RUB';
	value: number;
	steps: Step[];
	reason?: string;
	close?: string;
	deleted?: boolean;
}

const fixture: FixtureDeal[] = [
	{ id: 'd1', owner: 'rep', currency: 'EUR', value: 1000, steps: [['N', 1], ['Q', 2], ['M', 4], ['P', 6], ['G', 8], ['W', 10]] },
	// Skips Qualified and Meeting.
	{ id: 'd2', owner: 'owner', currency: 'EUR', value: 2000, steps: [['N', 2], ['P', 3], ['W', 5]] },
	{ id: 'd3', owner: 'rep', currency: 'RUB', value: 50000, steps: [['N', 3], ['Q', 4], ['L', 6]], reason: 'No budget' },
	{ id: 'd4', owner: 'owner', currency: 'RUB', value: 30000, steps: [['N', 3], ['Q', 4], ['M', 5], ['P', 7], ['L', 9]], reason: 'Chose a competitor' },
	// Moved back from Meeting to Qualified.
	{ id: 'd5', owner: 'rep', currency: 'EUR', value: 500, steps: [['N', 5], ['M', 6], ['Q', 8]] },
	// Lost, then reopened and working again.
	{ id: 'd6', owner: 'owner', currency: 'EUR', value: 700, steps: [['N', 6], ['L', 7], ['N', 10], ['Q', 12]], reason: 'No response' },
	// Lost at Meeting, reopened, then won.
	{ id: 'd7', owner: 'rep', currency: 'EUR', value: 1500, steps: [['N', 7], ['Q', 8], ['M', 9], ['L', 12], ['M', 14], ['P', 16], ['W', 20]], reason: 'Chose a competitor' },
	// Won straight from New lead.
	{ id: 'd8', owner: 'owner', currency: 'RUB', value: 10000, steps: [['N', 8], ['W', 9]] },
	{ id: 'd9', owner: 'rep', currency: 'EUR', value: 300, steps: [['N', 10]], close: '2030-06-10' },
	{ id: 'd10', owner: 'owner', currency: 'RUB', value: 20000, steps: [['N', 11], ['Q', 12], ['M', 13], ['P', 14], ['G', 15], ['L', 18]], reason: 'Chose a competitor' },
	// Created straight into Proposal.
	{ id: 'd11', owner: 'rep', currency: 'EUR', value: 800, steps: [['P', 12], ['G', 14]], close: '2030-06-20' },
	// Lost within the hour, no reason given.
	{ id: 'd12', owner: 'owner', currency: 'EUR', value: 400, steps: [['N', 13], ['L', '2030-05-13T11:00:00Z']] },
	// The last second of the period.
	{ id: 'd13', owner: 'rep', currency: 'EUR', value: 900, steps: [['N', '2030-05-31T23:59:59Z']], close: '2030-07-01' },
	// The last second before it; won inside it.
	{ id: 'd14', owner: 'owner', currency: 'EUR', value: 999, steps: [['N', '2030-04-30T23:59:59Z'], ['W', 2]] },
	// The first second after it.
	{ id: 'd15', owner: 'rep', currency: 'EUR', value: 111, steps: [['N', '2030-06-01T00:00:00Z']] },
	// In the trash: counted nowhere.
	{ id: 'd16', owner: 'owner', currency: 'EUR', value: 5000, steps: [['N', 5], ['Q', 6], ['W', 7]], deleted: true },
	// Won, then reopened back into Negotiation.
	{ id: 'd17', owner: 'rep', currency: 'EUR', value: 2500, steps: [['N', 15], ['Q', 16], ['W', 17], ['G', 19]], close: '2030-06-05' },
	{ id: 'd18', owner: 'owner', currency: 'RUB', value: 15000, steps: [['N', 17], ['M', 18], ['P', 19]], close: '2030-06-15' },
	// Lost at the first second after the period.
	{ id: 'd19', owner: 'owner', currency: 'EUR', value: 100, steps: [['N', 20], ['L', '2030-06-01T00:00:00Z']], reason: 'No response' },
	// Created in April, lost at the first second of May.
	{ id: 'd20', owner: 'rep', currency: 'EUR', value: 600, steps: [['N', '2030-04-10T10:00:00Z'], ['Q', '2030-04-12T10:00:00Z'], ['L', '2030-05-01T00:00:00Z']], reason: 'No budget' },
	// Won in April (the previous month) and in May a year earlier.
	{ id: 'd21', owner: 'owner', currency: 'EUR', value: 3000, steps: [['N', '2030-04-01T10:00:00Z'], ['W', '2030-04-15T10:00:00Z']] },
	{ id: 'd22', owner: 'rep', currency: 'RUB', value: 7000, steps: [['N', '2029-05-01T10:00:00Z'], ['W', '2029-05-20T10:00:00Z']] }
];

const may = 'from=2030-05-01&to=2030-05-31';

function instant(at: string | number): Date {
	return new Date(typeof at === 'number' ? `2030-05-${String(at).padStart(2, '0')}T10:00:00Z` : at);
}

describeEachDatabase('reports', (database) => {
	let app: TestApp;
	let owner: ApiClient;
	let rep: ApiClient;
	let repId: string;
	let ownerId: string;
	let workspaceId: string;
	let pipelineId: string;
	let stage: Record<string, string>;

	beforeAll(async () => {
		app = createTestApp(database());
		const signedUp = await signUp(app, { name: 'Olga Owner' });
		owner = signedUp.client;
		ownerId = signedUp.user.id;
		workspaceId = signedUp.workspace.id;
		const joined = await joinAs(app, owner, workspaceId, 'rep');
		rep = joined.client;
		repId = joined.user.id;
		const pipelines = await owner.get(`/api/workspaces/${workspaceId}/pipelines`);
		pipelineId = pipelines.body[0].id;
		const letters = ['N', 'Q', 'M', 'P', 'G', 'W', 'L'];
		stage = Object.fromEntries(pipelines.body[0].stages.map((s: { id: string }, i: number) => [letters[i], s.id]));
		const db = database().db;
		for (const deal of fixture) {
			const [first] = deal.steps;
			const last = deal.steps.at(-1)!;
			const status = last[0] === 'W' ? 'won' : last[0] === 'L' ? 'lost' : 'open';
			await db.insert(dealsProjection).values({
				id: deal.id,
				pipelineId,
				workspaceId,
				title: `Deal ${deal.id}`,
				valueMinor: deal.value,
				currency: deal.currency,
				stageId: stage[last[0]]!,
				rank: 'a0',
				ownerId: deal.owner === 'owner' ? ownerId : repId,
				source: 'manual',
				status,
				lostReason: status === 'lost' ? (deal.reason ?? null) : null,
				expectedCloseDate: deal.close ?? null,
				createdAt: instant(first![1]),
				updatedAt: instant(last[1]),
				stageEnteredAt: instant(last[1]),
				closedAt: status === 'open' ? null : instant(last[1]),
				deletedAt: deal.deleted ? instant(25) : null
			});
			await db.insert(stageEvents).values(
				deal.steps.map(([to, at], i) => ({
					pipelineId,
					dealId: deal.id,
					fromStageId: i === 0 ? null : stage[deal.steps[i - 1]![0]]!,
					toStageId: stage[to]!,
					userId: deal.owner === 'owner' ? ownerId : repId,
					at: instant(at)
				}))
			);
		}
		// Tasks done on both edges of the period, one not done; a call and a note.
		const task = (id: string, assigneeId: string, doneAt: string | null) => ({
			id, pipelineId, dealId: 'd1', type: 'call' as const, title: id, dueAt: instant(1), assigneeId, done: doneAt !== null, doneAt: doneAt === null ? null : new Date(doneAt)
		});
		await db.insert(tasksProjection).values([
			task('t1', repId, '2030-05-03T10:00:00Z'),
			task('t2', repId, '2030-05-31T23:00:00Z'),
			task('t3', ownerId, '2030-06-01T00:00:00Z'),
			task('t4', ownerId, null)
		]);
		await db.insert(interactions).values([
			{ id: 'i1', workspaceId, dealId: 'd1', kind: 'call', text: 'Called', at: instant(4), userId: repId },
			{ id: 'i2', workspaceId, dealId: 'd2', kind: 'note', text: 'Noted', at: instant(5), userId: ownerId },
			{ id: 'i3', workspaceId, dealId: 'd2', kind: 'note', text: 'Too late', at: instant('2030-06-01T00:00:00Z'), userId: ownerId }
		]);
	});

	it('counts each person’s work in the period', async () => {
		const response = await owner.get(`/api/pipelines/${pipelineId}/reports/activity?${may}`);
		expect(response.status).toBe(200);
		const none = { calls: 0, notes: 0, emails: 0, meetings: 0, contactsCreated: 0 };
		expect(response.body.reps).toEqual([
			{ userId: repId, name: 'A rep', ...none, tasksCompleted: 2, stageMoves: 20, dealsCreated: 8, calls: 1 },
			{ userId: ownerId, name: 'Olga Owner', ...none, tasksCompleted: 0, stageMoves: 21, dealsCreated: 9, notes: 1 }
		]);
		const own = await rep.get(`/api/pipelines/${pipelineId}/reports/activity?${may}`);
		expect(own.body.reps.map((r: { userId: string }) => r.userId)).toEqual([repId]);
	});

	it('counts new deals and tasks done per day and per week, every step listed', async () => {
		const daily = await owner.get(`/api/pipelines/${pipelineId}/reports/dynamics?${may}`);
		expect(daily.status).toBe(200);
		expect(daily.body.points).toHaveLength(31);
		const on = (date: string) => daily.body.points.find((point: { date: string }) => point.date === date);
		expect(on('2030-05-03')).toEqual({ date: '2030-05-03', newDeals: 2, tasksCompleted: 1, contactsCreated: 0 });
		expect(on('2030-05-31')).toEqual({ date: '2030-05-31', newDeals: 1, tasksCompleted: 1, contactsCreated: 0 });
		expect(on('2030-05-01')).toEqual({ date: '2030-05-01', newDeals: 1, tasksCompleted: 0, contactsCreated: 0 });
		const sum = (points: { newDeals: number }[]) => points.reduce((total, point) => total + point.newDeals, 0);
		expect(sum(daily.body.points)).toBe(16);
		const weekly = await owner.get(`/api/pipelines/${pipelineId}/reports/dynamics?${may}&by=week`);
		// 2030-05-01 is a Wednesday: the first week starts on Monday 29 April.
		expect(weekly.body.points.map((point: { date: string; newDeals: number }) => [point.date, point.newDeals])).toEqual([
			['2030-04-29', 5],
			['2030-05-06', 6],
			['2030-05-13', 3],
			['2030-05-20', 1],
			['2030-05-27', 1]
		]);
		const repWeeks = await rep.get(`/api/pipelines/${pipelineId}/reports/dynamics?${may}&by=week`);
		expect(repWeeks.body.points.map((point: { tasksCompleted: number }) => point.tasksCompleted)).toEqual([1, 0, 0, 0, 1]);
	});

	it('answers the funnel by its written definition, period edges included', async () => {
		const response = await owner.get(`/api/pipelines/${pipelineId}/reports/funnel?${may}`);
		expect(response.status).toBe(200);
		expect(response.body).toEqual({
			stages: [
				{ stageId: stage.N, name: 'New lead', reached: 16, conversion: 12 / 16 },
				{ stageId: stage.Q, name: 'Qualified', reached: 12, conversion: 10 / 12 },
				{ stageId: stage.M, name: 'Meeting', reached: 10, conversion: 9 / 10 },
				{ stageId: stage.P, name: 'Proposal', reached: 9, conversion: 7 / 9 },
				{ stageId: stage.G, name: 'Negotiation', reached: 7, conversion: 4 / 7 }
			],
			won: 4,
			lost: 5
		});
		// One day, 2030-05-13, holds d12 alone (lost at New lead).
		const oneDay = await owner.get(`/api/pipelines/${pipelineId}/reports/funnel?from=2030-05-13&to=2030-05-13`);
		expect(oneDay.body.stages.map((s: { reached: number }) => s.reached)).toEqual([1, 0, 0, 0, 0]);
		expect(oneDay.body).toMatchObject({ won: 0, lost: 1 });
		expect(oneDay.body.stages[1].conversion).toBe(0);
	});

	it('counts lost deals by the stage they were lost at and by reason, money per currency', async () => {
		const response = await owner.get(`/api/pipelines/${pipelineId}/reports/lost?${may}`);
		expect(response.status).toBe(200);
		expect(response.body).toEqual({
			byStage: [
				{ stageId: stage.N, name: 'New lead', deals: 1 },
				{ stageId: stage.Q, name: 'Qualified', deals: 2 },
				{ stageId: stage.P, name: 'Proposal', deals: 1 },
				{ stageId: stage.G, name: 'Negotiation', deals: 1 }
			],
			byReason: [
				{ reason: 'Chose a competitor', deals: 2 },
				{ reason: 'No budget', deals: 2 },
				{ reason: null, deals: 1 }
			],
			byStageAndReason: [
				{ stageId: stage.N, reason: null, deals: 1 },
				{ stageId: stage.Q, reason: 'No budget', deals: 2 },
				{ stageId: stage.P, reason: 'Chose a competitor', deals: 1 },
				{ stageId: stage.G, reason: 'Chose a competitor', deals: 1 }
			],
			value: [
				{ currency: 'EUR', valueMinor: 1000 },
				{ currency: 'RUB', valueMinor: 100000 }
			],
			total: 5
		});
	});

	it('forecasts open value times stage probability by expected close month and currency', async () => {
		const response = await owner.get(`/api/pipelines/${pipelineId}/reports/forecast`);
		expect(response.status).toBe(200);
		expect(response.body.months).toEqual([
			{ month: '2030-06', currency: 'EUR', deals: 3, openMinor: 3600, weightedMinor: 2670 },
			{ month: '2030-06', currency: 'RUB', deals: 1, openMinor: 15000, weightedMinor: 9000 },
			{ month: '2030-07', currency: 'EUR', deals: 1, openMinor: 900, weightedMinor: 90 },
			{ month: null, currency: 'EUR', deals: 3, openMinor: 1311, weightedMinor: 311 }
		]);
	});

	it('gives win rate, average deal size and the sales cycle over deals closed in the period', async () => {
		const response = await owner.get(`/api/pipelines/${pipelineId}/reports/summary?${may}`);
		expect(response.status).toBe(200);
		expect(response.body).toEqual({
			won: 5,
			lost: 5,
			winRate: 0.5,
			wonValue: [
				{ currency: 'EUR', deals: 4, revenueMinor: 5499, averageMinor: 1375 },
				{ currency: 'RUB', deals: 1, revenueMinor: 10000, averageMinor: 10000 }
			],
			cycleDays: { average: 5.5, median: 3 }
		});
	});

	it('measures average and median days in each open stage', async () => {
		const response = await owner.get(`/api/pipelines/${pipelineId}/reports/time-in-stage?${may}`);
		expect(response.status).toBe(200);
		expect(response.body.stages).toEqual([
			{ stageId: stage.N, name: 'New lead', stays: 14, averageDays: 1.8, medianDays: 1 },
			{ stageId: stage.Q, name: 'Qualified', stays: 6, averageDays: 1.3, medianDays: 1 },
			{ stageId: stage.M, name: 'Meeting', stays: 7, averageDays: 1.9, medianDays: 2 },
			{ stageId: stage.P, name: 'Proposal', stays: 6, averageDays: 2.2, medianDays: 2 },
			{ stageId: stage.G, name: 'Negotiation', stays: 2, averageDays: 2.5, medianDays: 2.5 }
		]);
	});

	it('sets monthly targets (managers up) and compares each rep’s month with the target, last month and last year', async () => {
		const denied = await rep.call('PUT', `/api/workspaces/${workspaceId}/targets`, { json: { month: '2030-05', targets: [{ userId: repId, target: { wonDeals: 9, revenueMinor: 1, currency: 'EUR' } }] } });
		expect(denied.status).toBe(403);
		const stranger = await owner.call('PUT', `/api/workspaces/${workspaceId}/targets`, { json: { month: '2030-05', targets: [{ userId: 'nobody', target: null }] } });
		expect(stranger.status).toBe(422);
		const set = await owner.call('PUT', `/api/workspaces/${workspaceId}/targets`, {
			json: { month: '2030-05', targets: [{ userId: repId, target: { wonDeals: 3, revenueMinor: 300000, currency: 'EUR' } }, { userId: ownerId, target: { wonDeals: 1, revenueMinor: 1, currency: 'RUB' } }] }
		});
		expect(set.status).toBe(200);
		// Removing one leaves the other.
		const removed = await owner.call('PUT', `/api/workspaces/${workspaceId}/targets`, { json: { month: '2030-05', targets: [{ userId: ownerId, target: null }] } });
		expect(removed.body.targets).toEqual([{ userId: repId, month: '2030-05', wonDeals: 3, revenueMinor: 300000, currency: 'EUR' }]);
		expect((await rep.get(`/api/workspaces/${workspaceId}/targets?month=2030-05`)).body.targets).toHaveLength(1);
		expect((await rep.get(`/api/workspaces/${workspaceId}/targets?month=2030-5`)).status).toBe(422);

		const results = await owner.get(`/api/pipelines/${pipelineId}/reports/results?month=2030-05`);
		expect(results.status).toBe(200);
		expect(results.body).toEqual({
			month: '2030-05',
			reps: [
				{
					userId: repId,
					name: 'A rep',
					target: { wonDeals: 3, revenueMinor: 300000, currency: 'EUR' },
					month: { wonDeals: 2, revenue: [{ currency: 'EUR', revenueMinor: 2500 }] },
					previousMonth: { wonDeals: 0, revenue: [] },
					lastYear: { wonDeals: 1, revenue: [{ currency: 'RUB', revenueMinor: 7000 }] }
				},
				{
					userId: ownerId,
					name: 'Olga Owner',
					target: null,
					month: { wonDeals: 3, revenue: [{ currency: 'EUR', revenueMinor: 2999 }, { currency: 'RUB', revenueMinor: 10000 }] },
					previousMonth: { wonDeals: 1, revenue: [{ currency: 'EUR', revenueMinor: 3000 }] },
					lastYear: { wonDeals: 0, revenue: [] }
				}
			]
		});
	});

	it('shows a rep their own figures only, and managers only pipelines they belong to', async () => {
		const own = await rep.get(`/api/pipelines/${pipelineId}/reports/funnel?${may}`);
		expect(own.status).toBe(200);
		expect(own.body.stages.map((s: { reached: number }) => s.reached)).toEqual([8, 6, 5, 4, 4]);
		expect(own.body).toMatchObject({ won: 2, lost: 1 });
		expect((await rep.get(`/api/pipelines/${pipelineId}/reports/funnel?${may}&rep=${repId}`)).body).toEqual(own.body);
		expect((await rep.get(`/api/pipelines/${pipelineId}/reports/funnel?${may}&rep=${ownerId}`)).status).toBe(403);
		// The owner may narrow to the rep and sees the same.
		expect((await owner.get(`/api/pipelines/${pipelineId}/reports/funnel?${may}&rep=${repId}`)).body).toEqual(own.body);
		const repForecast = await rep.get(`/api/pipelines/${pipelineId}/reports/forecast`);
		expect(repForecast.body.months).toEqual([
			{ month: '2030-06', currency: 'EUR', deals: 3, openMinor: 3600, weightedMinor: 2670 },
			{ month: '2030-07', currency: 'EUR', deals: 1, openMinor: 900, weightedMinor: 90 },
			{ month: null, currency: 'EUR', deals: 2, openMinor: 611, weightedMinor: 136 }
		]);
		const repResults = await rep.get(`/api/pipelines/${pipelineId}/reports/results?month=2030-05`);
		expect(repResults.body.reps.map((r: { userId: string }) => r.userId)).toEqual([repId]);

		const manager = (await joinAs(app, owner, workspaceId, 'manager')).client;
		const created = await owner.post(`/api/workspaces/${workspaceId}/pipelines`, { name: 'Private' });
		expect((await owner.patch(`/api/pipelines/${created.body.id}`, { access: 'members' })).status).toBe(200);
		expect((await manager.get(`/api/pipelines/${created.body.id}/reports/funnel?${may}`)).status).toBe(404);
		expect((await owner.get(`/api/pipelines/${created.body.id}/reports/funnel?${may}`)).status).toBe(200);
		expect((await manager.get(`/api/pipelines/${pipelineId}/reports/lost?${may}`)).body.total).toBe(5);
	});

	it('refuses a malformed or reversed period and unknown query fields (422)', async () => {
		for (const query of ['from=2030-05-01', 'from=2030-05-31&to=2030-05-01', 'from=2030-02-30&to=2030-03-01', `${may}&extra=1`, 'from=2000-01-01&to=2030-01-01']) {
			const response = await owner.get(`/api/pipelines/${pipelineId}/reports/funnel?${query}`);
			expect(response.status, query).toBe(422);
		}
		expect((await owner.get(`/api/pipelines/${pipelineId}/reports/forecast?from=2030-05-01`)).status).toBe(422);
	});
});

