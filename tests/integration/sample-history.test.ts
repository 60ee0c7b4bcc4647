import { afterEach, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { RunningServer } from '../../server/server.js';
import { describeEachDatabase } from '../support/databases.js';
import { callApi, signUpOwner, startTestServer } from '../support/sync-server.js';

const dayMs = 24 * 3600_000;

type ListedDeal = { id: string; title: string; status: string; stageId: string; lostReason: string | null; nextTask: unknown; createdAt: string };

describeEachDatabase('sample data with a 90-day history', (database) => {
	let server: RunningServer | null = null;
	afterEach(async () => {
		await server?.close();
		server = null;
	});

	it('writes 90 days of a team’s work through the board: moves, skips, moves back, wins and losses, idle deals, the rule held', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const api = (method: string, path: string, json?: unknown, token = owner.token) => callApi(server!.url, method, path, { token, json });
		const filled = await api('POST', `/api/workspaces/${owner.workspaceId}/sample-data`, { count: 80, seed: 7 });
		expect(filled.status).toBe(201);
		expect(filled.body.created).toBe(80);

		// A team of one got two sample reps, marked by their address.
		const members = (await api('GET', `/api/workspaces/${owner.workspaceId}/members`)).body.members as Array<{ email: string; role: string }>;
		expect(members.filter((member) => member.email.endsWith('@sample.voronka.invalid')).map((member) => member.role)).toEqual(['rep', 'rep']);

		const list = await api('GET', `/api/pipelines/${owner.pipeline.id}/deals?limit=500`);
		const deals = list.body.deals as ListedDeal[];
		expect(deals).toHaveLength(80);
		const won = deals.filter((deal) => deal.status === 'won');
		const lost = deals.filter((deal) => deal.status === 'lost');
		const open = deals.filter((deal) => deal.status === 'open');
		expect(won.length).toBeGreaterThan(3);
		expect(lost.length).toBeGreaterThan(5);
		expect(open.length).toBeGreaterThan(20);
		const reasons = (await api('GET', `/api/workspaces/${owner.workspaceId}/lost-reasons`)).body.reasons.map((r: { label: string }) => r.label);
		expect(lost.every((deal) => reasons.includes(deal.lostReason))).toBe(true);
		expect(new Set(lost.map((deal) => deal.lostReason)).size).toBeGreaterThan(1);
		// The rule: every open deal has an active task.
		expect(open.every((deal) => deal.nextTask !== null)).toBe(true);
		// Created over the whole period.
		const created = deals.map((deal) => Date.parse(deal.createdAt));
		expect(Date.now() - Math.min(...created)).toBeGreaterThan(75 * dayMs);
		expect(Date.now() - Math.max(...created)).toBeLessThan(15 * dayMs);

		// The stage history spans the 90 days; deals reached every open stage, some skipped one, some went back.
		const db = database().db;
		const order = new Map(owner.pipeline.stages.map((stage, index) => [stage.id, index]));
		const events = (await db.execute(sql`select deal_id, from_stage_id, to_stage_id, at from stage_events where pipeline_id = ${owner.pipeline.id} order by at`)) as unknown as
			| { rows: Array<{ deal_id: string; from_stage_id: string | null; to_stage_id: string; at: string | Date }> }
			| Array<{ deal_id: string; from_stage_id: string | null; to_stage_id: string; at: string | Date }>;
		const rows = Array.isArray(events) ? events : events.rows;
		const times = rows.map((row) => new Date(row.at).getTime());
		expect(Date.now() - Math.min(...times)).toBeGreaterThan(80 * dayMs);
		expect(Date.now() - Math.min(...times)).toBeLessThanOrEqual(90 * dayMs);
		expect(Math.max(...times)).toBeLessThanOrEqual(Date.now());
		const openStages = owner.pipeline.stages.filter((stage) => stage.kind === 'open').map((stage) => stage.id);
		expect(openStages.every((id) => rows.some((row) => row.to_stage_id === id))).toBe(true);
		const steps = rows.filter((row) => row.from_stage_id).map((row) => order.get(row.to_stage_id)! - order.get(row.from_stage_id!)!);
		expect(steps.some((step) => step >= 2)).toBe(true);
		expect(steps.some((step) => step < 0)).toBe(true);
		// Every deal entered its first stage when it was created.
		expect(new Set(rows.filter((row) => row.from_stage_id === null).map((row) => row.deal_id)).size).toBe(80);

		// The control panel has something to show: overdue tasks and idle deals, nothing without a task.
		const panel = (await api('GET', `/api/workspaces/${owner.workspaceId}/panel`)).body;
		expect(panel.overdue.total).toBeGreaterThan(0);
		expect(panel.rotting.total).toBeGreaterThan(0);
		expect(panel.withoutTask.total).toBe(0);
		expect(panel.overdue.byRep.length).toBeGreaterThan(1);

		// The forecast has months to spread the open deals over: each deal has an expected close date.
		const forecast = (await api('GET', `/api/pipelines/${owner.pipeline.id}/reports/forecast`)).body.months as Array<{ month: string | null; deals: number }>;
		expect(forecast.filter((row) => row.month === null)).toEqual([]);
		expect(new Set(forecast.map((row) => row.month)).size).toBeGreaterThan(2);
		expect(forecast.reduce((sum, row) => sum + row.deals, 0)).toBe(open.length);

		// Calls and notes on the deals' timelines, in the past.
		const withTimeline = await api('GET', `/api/deals/${won[0]!.id}`);
		expect(withTimeline.status).toBe(200);
		const interactions = (await db.execute(sql`select count(*)::int as n, min(at) as first from interactions where workspace_id = ${owner.workspaceId}`)) as unknown as
			| { rows: Array<{ n: number; first: string | Date }> }
			| Array<{ n: number; first: string | Date }>;
		const summary = (Array.isArray(interactions) ? interactions : interactions.rows)[0]!;
		expect(summary.n).toBeGreaterThan(20);
		expect(Date.now() - new Date(summary.first).getTime()).toBeGreaterThan(30 * dayMs);

		// Deterministic: the same seed gives the same deals with the same fates; in Russian, Russian ones.
		const other = await signUpOwner(server.url);
		await callApi(server.url, 'POST', `/api/workspaces/${other.workspaceId}/sample-data`, { token: other.token, json: { count: 80, seed: 7 } });
		const again = (await callApi(server.url, 'GET', `/api/pipelines/${other.pipeline.id}/deals?limit=500`, { token: other.token })).body.deals as ListedDeal[];
		const fates = (list: ListedDeal[], stages: Array<{ id: string; name: string }>) =>
			list.map((deal) => `${deal.title} ${deal.status} ${stages.find((stage) => stage.id === deal.stageId)?.name}`).sort();
		expect(fates(again, other.pipeline.stages)).toEqual(fates(deals, owner.pipeline.stages));
	}, 120_000);

	it('speaks Russian to a Russian team', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		await callApi(server.url, 'PATCH', '/api/me', { token: owner.token, json: { locale: 'ru' } });
		const filled = await callApi(server.url, 'POST', `/api/workspaces/${owner.workspaceId}/sample-data`, { token: owner.token, json: { count: 20, seed: 3 } });
		expect(filled.status).toBe(201);
		const deals = (await callApi(server.url, 'GET', `/api/pipelines/${owner.pipeline.id}/deals?limit=50`, { token: owner.token })).body.deals as ListedDeal[];
		expect(deals.every((deal) => /[а-яё]/i.test(deal.title))).toBe(true);
		const members = (await callApi(server.url, 'GET', `/api/workspaces/${owner.workspaceId}/members`, { token: owner.token })).body.members as Array<{ name: string }>;
		expect(members.some((member) => member.name === 'Иван Петров')).toBe(true);
	}, 60_000);
});
