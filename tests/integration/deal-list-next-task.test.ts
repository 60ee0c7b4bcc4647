import { afterEach, expect, it } from 'vitest';
import type { RunningServer } from '../../server/server.js';
import { describeEachDatabase } from '../support/databases.js';
import { callApi, signUpOwner, startTestServer } from '../support/sync-server.js';

type ListedDeal = { id: string; nextTask: { id: string; title: string; dueAt: string } | null };

// The deal list joins each deal's next open task in two ways (deal-query.ts):
// one lookup per deal for a small page, one pass over the board's open tasks
// for a large one. Whatever the page size, a deal shows the same next task:
// the earliest due open one, ties by id.
describeEachDatabase('the deal list’s next task', (database) => {
	let server: RunningServer | null = null;
	afterEach(async () => {
		await server?.close();
		server = null;
	});

	it('is the earliest due open task, the same in small pages and in one whole-board page', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const api = (method: string, path: string, json?: unknown) => callApi(server!.url, method, path, { token: owner.token, json });
		const pipelineId = owner.pipeline.id;
		const soon = new Date(Date.now() + 3_600_000).toISOString();
		const week = new Date(Date.now() + 7 * 86_400_000).toISOString();
		const late = new Date(Date.now() + 30 * 86_400_000).toISOString();
		const firstTask = { type: 'call', title: 'First call', dueAt: week };
		const created = await api('POST', `/api/pipelines/${pipelineId}/deals/batch`, {
			deals: Array.from({ length: 12 }, (_, i) => ({ title: `Deal ${i}`, valueMinor: 0, currency: 'EUR', firstTask }))
		});
		expect(created.status).toBe(201);
		const deals = created.body.deals as Array<{ id: string; taskId: string }>;
		const expected = new Map<string, string | null>(deals.map((deal) => [deal.id, deal.taskId]));
		for (const [i, deal] of deals.entries()) {
			if (i % 3 === 0) {
				// An earlier task comes first; a later one changes nothing.
				const first = await api('POST', `/api/deals/${deal.id}/tasks`, { type: 'call', title: 'Soon', dueAt: soon });
				expect(first.status).toBe(201);
				expect((await api('POST', `/api/deals/${deal.id}/tasks`, { type: 'todo', title: 'Late', dueAt: late })).status).toBe(201);
				expected.set(deal.id, first.body.task.id);
			} else if (i % 3 === 1) {
				// The first task done: the next open one takes its place.
				const next = await api('POST', `/api/deals/${deal.id}/tasks`, { type: 'todo', title: 'Afterwards', dueAt: late });
				expect(next.status).toBe(201);
				expect((await api('PATCH', `/api/tasks/${deal.taskId}`, { done: true })).status).toBe(200);
				expected.set(deal.id, next.body.task.id);
			}
		}
		const nextTasks = (listed: ListedDeal[]) => new Map(listed.map((deal) => [deal.id, deal.nextTask?.id ?? null]));

		const whole = await api('GET', `/api/pipelines/${pipelineId}/deals?limit=5000`);
		expect(whole.status).toBe(200);
		expect(Object.fromEntries(nextTasks(whole.body.deals))).toEqual(Object.fromEntries(expected));

		const paged: ListedDeal[] = [];
		for (let offset = 0; offset < deals.length; offset += 5) {
			const page = await api('GET', `/api/pipelines/${pipelineId}/deals?limit=5&offset=${offset}`);
			expect(page.status).toBe(200);
			paged.push(...page.body.deals);
		}
		expect(paged.map((deal) => deal.id)).toEqual(whole.body.deals.map((deal: ListedDeal) => deal.id));
		expect(paged).toEqual(whole.body.deals);
	});
});
