import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { findViolations } from './support/axe';
import { createDeal, firstPipeline, openBoard, signUpOwner, type BoardUser } from './support/board';
import { describeWithBrowser, launchBrowser, newUser } from './support/browser';

const baseUrl = inject('baseUrl');
const amoFile = fileURLToPath(new URL('../fixtures/import/amo-contacts-1251.csv', import.meta.url));

/**
 * axe-core finds no WCAG 2.2 A/AA violation on the main pages, in the light
 * theme and in the dark one. No rule is switched off.
 */
describeWithBrowser('accessibility of the main pages', () => {
	let browser: Browser;
	let owner: BoardUser;
	let pipelineId: string;
	let dealId: string;
	let contactId: string;
	/** A dry run of the amoCRM file: its report lists errors. */
	let dryRunId: string;

	beforeAll(async () => {
		browser = await launchBrowser();
		owner = await signUpOwner(browser, baseUrl, 'Olga Owner');
		const pipeline = await firstPipeline(owner);
		pipelineId = pipeline.id;
		// A stage rule (one on, one off): the deal made in Qualified gets its task, the rules page a log line.
		const rules = [
			{ title: 'Check the budget', type: 'call', dueAmount: 1, dueUnit: 'working_days', assigneeId: null },
			{ title: 'Send the brochure', type: 'email', dueAmount: 2, dueUnit: 'hours', assigneeId: null, enabled: false }
		];
		expect((await owner.context.request.put(`/api/pipelines/${pipelineId}/stages/${pipeline.stages[1]!.id}/rules`, { data: { rules } })).status()).toBe(200);
		dealId = await createDeal(owner, pipeline, 'Globex: annual licence', 'New lead');
		await createDeal(owner, pipeline, 'Initech: pilot', 'Qualified');
		// Sample deals bring overdue tasks, idle cards and several currencies. The seed is fixed: sample data
		// otherwise draws a new one each call, and about one board in four of eight deals has nothing overdue,
		// which left the control panel without the rows it is checked with.
		const sample = await owner.context.request.post(`/api/workspaces/${owner.workspaceId}/sample-data`, { data: { count: 8, pipelineId, seed: 42 } });
		expect(sample.status()).toBe(201);
		const company = await owner.context.request.post(`/api/workspaces/${owner.workspaceId}/companies`, { data: { name: 'Stroymontazh', taxId: '7707083893', status: 'customer' } });
		const companyId = ((await company.json()) as { company: { id: string } }).company.id;
		const contact = await owner.context.request.post(`/api/workspaces/${owner.workspaceId}/contacts`, {
			data: { name: 'Anna Petrova', phones: ['+7 912 345-67-89'], emails: ['anna@stroymontazh.ru'], companyId, status: 'customer', tags: ['vip'] }
		});
		contactId = ((await contact.json()) as { contact: { id: string } }).contact.id;
		await owner.context.request.post(`/api/contacts/${contactId}/interactions`, { data: { kind: 'call', text: 'Wants a proposal by Friday' } });
		// Custom fields: pinned on the cards and the contacts list, shown on the deal and contact pages.
		await owner.context.request.post(`/api/pipelines/${pipelineId}/forms`, { data: { name: 'Website', stageId: pipeline.stages[0]!.id } });
		const temperature = await owner.context.request.post(`/api/workspaces/${owner.workspaceId}/fields`, {
			data: { entity: 'deal', label: 'Temperature', type: 'choice', options: [{ label: 'Hot' }, { label: 'Cold' }], pinned: true }
		});
		const field = (await temperature.json()) as { id: string; options: Array<{ id: string }> };
		await owner.context.request.patch(`/api/deals/${dealId}`, { data: { custom: { [field.id]: field.options[0]!.id } } });
		const budget = await owner.context.request.post(`/api/workspaces/${owner.workspaceId}/fields`, { data: { entity: 'contact', label: 'Budget', type: 'money', pinned: true } });
		const budgetId = ((await budget.json()) as { id: string }).id;
		await owner.context.request.patch(`/api/contacts/${contactId}`, { data: { custom: { [budgetId]: { amountMinor: 1250000, currency: 'EUR' } } } });
		const dryRun = await owner.context.request.post(`/api/workspaces/${owner.workspaceId}/imports`, {
			multipart: {
				file: { name: 'amo.csv', mimeType: 'text/csv', buffer: readFileSync(amoFile) },
				entity: 'contacts',
				encoding: 'auto',
				delimiter: 'auto',
				mapping: JSON.stringify({ Имя: 'firstName', Фамилия: 'lastName', 'Мобильный телефон': 'phone', Email: 'email' }),
				duplicates: 'skip',
				dryRun: 'true'
			}
		});
		expect(dryRun.status()).toBe(202);
		dryRunId = ((await dryRun.json()) as { id: string }).id;
	});

	afterAll(async () => {
		await browser?.close();
	});

	async function visit(page: Page, path: string, ready: (page: Page) => Promise<unknown>): Promise<void> {
		const errors: string[] = [];
		const onError = (error: Error) => errors.push(error.message);
		page.on('pageerror', onError);
		try {
			await page.goto(path);
			await ready(page);
		} catch (error) {
			// Say what the page showed instead: a page that never got ready once failed only in full runs.
			const shown = (await page.locator('main').innerText().catch(() => '(no main)')).slice(0, 600);
			throw new Error(`${path} was not ready: ${(error as Error).message}\npage errors: ${errors.join(' | ') || 'none'}\nshown: ${shown}`);
		} finally {
			page.off('pageerror', onError);
		}
		// Let transitions and late data settle, so axe sees what a user sees.
		await page.waitForTimeout(400);
	}

	const pages: Array<{ name: string; path: () => string; ready: (page: Page) => Promise<unknown> }> = [
		{ name: 'deals list', path: () => `/w/${owner.workspaceId}/deals`, ready: (page) => page.getByText('Globex: annual licence').first().waitFor() },
		{ name: 'deal page', path: () => `/w/${owner.workspaceId}/deals/${dealId}`, ready: (page) => page.getByRole('heading', { name: 'Globex: annual licence' }).waitFor() },
		{ name: 'contacts list', path: () => `/w/${owner.workspaceId}/contacts`, ready: (page) => page.getByTestId('party-row').first().waitFor() },
		{ name: 'contact card', path: () => `/w/${owner.workspaceId}/contacts/${contactId}`, ready: (page) => page.getByTestId('party-timeline').waitFor() },
		{ name: 'companies list', path: () => `/w/${owner.workspaceId}/contacts/companies`, ready: (page) => page.getByTestId('party-row').first().waitFor() },
		{ name: 'my tasks', path: () => `/w/${owner.workspaceId}/tasks`, ready: (page) => page.getByText('Call back').first().waitFor() },
		{ name: 'team tasks', path: () => `/w/${owner.workspaceId}/tasks?view=team`, ready: (page) => page.getByTestId('team-task').first().waitFor() },
		{ name: 'control panel', path: () => `/w/${owner.workspaceId}/panel`, ready: (page) => page.getByTestId('overdue-rep').first().waitFor() },
		{ name: 'wall screen', path: () => `/w/${owner.workspaceId}/panel?wall=1`, ready: (page) => page.getByTestId('overdue-rep').first().waitFor() },
		{ name: 'reports', path: () => `/w/${owner.workspaceId}/reports`, ready: (page) => page.locator('#funnel canvas').waitFor() },
		{ name: 'settings', path: () => `/w/${owner.workspaceId}/settings`, ready: (page) => page.getByRole('heading', { name: 'Members' }).waitFor() },
		{ name: 'fields settings', path: () => `/w/${owner.workspaceId}/settings/fields`, ready: (page) => page.getByText('Temperature').first().waitFor() },
		{ name: 'notifications', path: () => `/w/${owner.workspaceId}/notifications`, ready: (page) => page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor() },
		{ name: 'account', path: () => '/account', ready: (page) => page.getByRole('heading', { name: 'Calendar feed' }).waitFor() },
		{ name: 'forms settings', path: () => `/w/${owner.workspaceId}/settings/forms`, ready: (page) => page.getByTestId('form-item').first().waitFor() },
		{ name: 'routing settings', path: () => `/w/${owner.workspaceId}/settings/routing`, ready: (page) => page.getByTestId('routing-member').first().waitFor() },
		{ name: 'stage rules settings', path: () => `/w/${owner.workspaceId}/settings/stage-rules`, ready: (page) => page.getByTestId('rule-log-entry').first().waitFor() },
		{ name: 'processes settings', path: () => `/w/${owner.workspaceId}/settings/processes`, ready: (page) => page.getByTestId('process-log').waitFor() },
		{
			name: 'import page with a file’s columns and preview',
			path: () => `/w/${owner.workspaceId}/contacts/import`,
			ready: async (page) => {
				await page.locator('input[type="file"]').setInputFiles(amoFile);
				await page.locator('table.preview').waitFor();
			}
		},
		{
			name: 'import report',
			path: () => `/w/${owner.workspaceId}/contacts/import?import=${dryRunId}`,
			ready: (page) => page.locator('table.errors').waitFor()
		}
	];

	for (const colorScheme of ['light', 'dark'] as const) {
		it(`finds no violations on the login page (${colorScheme})`, async () => {
			const { context, page } = await newUser(browser, baseUrl);
			await page.emulateMedia({ colorScheme });
			await visit(page, '/login', (p) => p.getByRole('button', { name: 'Log in' }).waitFor());
			expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(colorScheme);
			expect(await findViolations(page)).toEqual([]);
			await context.close();
		});

		it(`finds no violations on the board (${colorScheme})`, async () => {
			await owner.page.emulateMedia({ colorScheme });
			await openBoard(owner, pipelineId);
			await owner.page.locator(`[data-deal-id="${dealId}"]`).waitFor();
			await owner.page.waitForTimeout(400);
			expect(await owner.page.evaluate(() => document.documentElement.dataset.theme)).toBe(colorScheme);
			expect(await findViolations(owner.page)).toEqual([]);
		});

		for (const target of pages) {
			it(`finds no violations on ${target.name} (${colorScheme})`, async () => {
				await owner.page.emulateMedia({ colorScheme });
				await visit(owner.page, target.path(), target.ready);
				expect(await findViolations(owner.page)).toEqual([]);
			});
		}
	}
});
