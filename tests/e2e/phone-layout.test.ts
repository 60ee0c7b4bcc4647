import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createDeal, firstPipeline, signUpOwner } from './support/board';
import { describeWithBrowser, launchBrowser, newPhone } from './support/browser';
import { horizontalOverflow, smallTouchTargets, type LayoutProblem } from './support/touch-targets';

const baseUrl = inject('baseUrl');
const phone = { width: 360, height: 740 };

describeWithBrowser('every main page on a 360 px phone', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	/** Both rules of the phone layout, on the page as it is now: no sideways scrolling, and controls a finger can hit (see smallTouchTargets). */
	async function problemsOf(page: import('playwright-core').Page, name: string): Promise<string[]> {
		const found: string[] = [];
		const overflow = await horizontalOverflow(page);
		if (overflow > 0) found.push(`${name}: the page is ${overflow} px wider than the screen`);
		const small: LayoutProblem[] = await smallTouchTargets(page);
		for (const problem of small) found.push(`${name}: ${problem.what} at ${Math.round(problem.box.x)},${Math.round(problem.box.y)} is ${Math.round(problem.box.width)}x${Math.round(problem.box.height)}`);
		return found;
	}

	it('has no horizontal overflow and no control smaller than a finger', async () => {
		const owner = await signUpOwner(browser, baseUrl, 'Olga Owner');
		const pipeline = await firstPipeline(owner);
		const dealId = await createDeal(owner, pipeline, 'Globex: a deal with a rather long title for a phone screen', 'New lead');
		await createDeal(owner, pipeline, 'Initech: pilot', 'Qualified');
		const contactAnswer = await owner.context.request.post(`/api/workspaces/${owner.workspaceId}/contacts`, {
			data: { name: 'Anna Petrova-Vodkina, procurement', phones: ['+7 912 345-67-89'], emails: ['anna.petrova-vodkina@stroymontazh-holding.ru'], tags: ['vip'] }
		});
		const contactId = ((await contactAnswer.json()) as { contact: { id: string } }).contact.id;
		await owner.context.request.post(`/api/workspaces/${owner.workspaceId}/companies`, { data: { name: 'Stroymontazh Holding', taxId: '7707083893' } });
		await owner.context.request.post(`/api/workspaces/${owner.workspaceId}/fields`, {
			data: { entity: 'deal', label: 'Temperature', type: 'choice', options: [{ label: 'Hot' }, { label: 'Cold' }], pinned: true }
		});
		await owner.context.request.post(`/api/workspaces/${owner.workspaceId}/fields`, { data: { entity: 'contact', label: 'Budget', type: 'money', pinned: true } });
		await owner.context.request.post(`/api/pipelines/${pipeline.id}/forms`, { data: { name: 'Website contact form for the spring campaign', stageId: pipeline.stages[0]!.id, allowedOrigins: ['https://shop.example'] } });
		// A check-in rule: the Processes page in its widest state.
		await owner.context.request.put(`/api/workspaces/${owner.workspaceId}/processes/check-in`, {
			data: { enabled: true, settings: { rules: [{ segment: 'key', interval: 'quarterly', day: 1, pipelineId: pipeline.id, title: 'Quarterly check-in call', type: 'call' }] } }
		});
		const { context, page } = await newPhone(browser, baseUrl, phone, await owner.context.storageState());
		const w = `/w/${owner.workspaceId}`;
		const pages: Array<[string, string, () => Promise<unknown>]> = [
			['board', `${w}/board/${pipeline.id}`, () => page.locator('[data-connection="live"]').waitFor()],
			['deals', `${w}/deals`, () => page.getByRole('heading', { name: 'Deals', level: 1 }).waitFor()],
			['deal', `${w}/deals/${dealId}`, () => page.getByRole('heading', { name: /Globex/, level: 1 }).waitFor()],
			['contacts', `${w}/contacts`, () => page.getByTestId('party-card').first().waitFor()],
			['companies', `${w}/contacts/companies`, () => page.getByTestId('party-card').first().waitFor()],
			['contact', `${w}/contacts/${contactId}`, () => page.getByTestId('party-timeline').waitFor()],
			['tasks', `${w}/tasks`, () => page.getByRole('heading', { name: 'My tasks', level: 1 }).waitFor()],
			['team tasks', `${w}/tasks?view=team`, () => page.getByTestId('team-task').first().waitFor()],
			['panel', `${w}/panel`, () => page.getByTestId('tile-overdue-value').waitFor()],
			['wall screen', `${w}/panel?wall=1`, () => page.getByTestId('tile-overdue-value').waitFor()],
			['reports', `${w}/reports`, () => page.locator('#funnel canvas').waitFor()],
			['settings', `${w}/settings`, () => page.getByRole('heading', { name: 'Members' }).waitFor()],
			['fields', `${w}/settings/fields`, () => page.getByRole('heading', { name: 'Fields', level: 1 }).waitFor()],
			['forms', `${w}/settings/forms`, () => page.getByTestId('form-item').first().waitFor()],
			['routing', `${w}/settings/routing`, () => page.getByTestId('routing-member').first().waitFor()],
			['stage rules', `${w}/settings/stage-rules`, () => page.getByRole('heading', { name: 'What the rules did' }).waitFor()],
			['processes', `${w}/settings/processes`, () => page.getByTestId('process-log').waitFor()],
			['audit', `${w}/settings/audit`, () => page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor()],
			['pipelines', `${w}/pipelines`, () => page.getByRole('heading', { name: 'Pipelines', level: 1 }).waitFor()],
			['pipeline', `${w}/pipelines/${pipeline.id}`, () => page.getByRole('heading', { level: 1 }).waitFor()],
			['notifications', `${w}/notifications`, () => page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor()],
			['account', '/account', () => page.getByRole('heading', { name: 'Account', level: 1 }).waitFor()]
		];
		const problems: string[] = [];
		for (const [name, path, ready] of pages) {
			await page.goto(path);
			await ready();
			await page.waitForTimeout(400);
			problems.push(...(await problemsOf(page, name)));
		}
		// The import page in its longest states: a file's columns and preview, then a report with errors.
		await page.goto(`${w}/contacts/import`);
		await page.getByRole('heading', { name: 'Import from CSV', level: 1 }).waitFor();
		problems.push(...(await problemsOf(page, 'import')));
		await page.locator('input[type="file"]').setInputFiles(fileURLToPath(new URL('../fixtures/import/amo-contacts-1251.csv', import.meta.url)));
		await page.locator('table.preview').waitFor();
		for (const section of ['Columns', 'Duplicates']) {
			await page.getByRole('heading', { name: section }).scrollIntoViewIfNeeded();
			problems.push(...(await problemsOf(page, `import ${section.toLowerCase()}`)));
		}
		await page.getByRole('button', { name: 'Check (dry run)' }).click();
		await page.getByRole('heading', { name: 'Check finished: nothing was written' }).waitFor({ timeout: 20_000 });
		problems.push(...(await problemsOf(page, 'import report')));
		await page.getByRole('button', { name: 'Import with these settings' }).scrollIntoViewIfNeeded();
		problems.push(...(await problemsOf(page, 'import report actions')));
		await context.close();

		const visitor = await newPhone(browser, baseUrl, phone);
		for (const [name, path, label] of [
			['login', '/login', 'Log in'],
			['signup', '/signup', 'Create account']
		] as const) {
			await visitor.page.goto(path);
			await visitor.page.getByRole('button', { name: label }).waitFor();
			problems.push(...(await problemsOf(visitor.page, name)));
		}
		await visitor.context.close();
		await owner.context.close();
		expect(problems).toEqual([]);
	});
});
