import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { describeWithBrowser, launchBrowser, newUser, strongPassword, uniqueEmail } from './support/browser';
import { account, signUpWithWorkspace } from './support/flows';

const baseUrl = inject('baseUrl');

interface PipelineSummary {
	id: string;
	name: string;
	mode: string;
}

describeWithBrowser('pipeline settings', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('creates a strict pipeline, renames it, restricts it to chosen members and archives it', async () => {
		const a = await newUser(browser, baseUrl);
		const workspaceId = await signUpWithWorkspace(a.page, account('Petra Pipes', uniqueEmail('petra')), `Pipes ${Date.now().toString(36)}`);

		// Two reps join: one will be listed in the new pipeline, the other not.
		const reps: { name: string; context: Awaited<ReturnType<typeof newUser>> }[] = [];
		for (const name of ['Rita Listed', 'Sam Unlisted']) {
			const invite = await a.page.request.post(`/api/workspaces/${workspaceId}/invites`, { data: { role: 'rep' } });
			const { token } = (await invite.json()) as { token: string };
			const rep = await newUser(browser, baseUrl);
			const joined = await rep.page.request.post('/api/auth/signup', {
				data: { name, email: uniqueEmail('rep'), password: strongPassword, inviteToken: token }
			});
			expect(joined.status()).toBe(201);
			reps.push({ name, context: rep });
		}
		const listPipelines = async (page = a.page) =>
			(await (await page.request.get(`/api/workspaces/${workspaceId}/pipelines`)).json()) as PipelineSummary[];

		// From settings to pipelines, and a new strict pipeline.
		await a.page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: 'Settings' }).click();
		await a.page.getByRole('link', { name: /^Pipelines/ }).click();
		await a.page.getByTestId('pipelines').waitFor();
		// Pipelines are part of the settings: the side navigation says so.
		await expect(
			a.page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: 'Settings' }).getAttribute('aria-current')
		).resolves.toBe('page');
		await a.page.getByRole('button', { name: 'New pipeline' }).click();
		await a.page.getByLabel('Pipeline name').fill('Renewals');
		await a.page.getByRole('radio', { name: /^Strict/ }).check();
		await a.page.getByRole('button', { name: 'Create pipeline' }).click();
		await a.page.waitForURL(/\/pipelines\/[^/?]+\?created=1$/);
		await a.page.getByRole('heading', { name: 'Renewals', level: 1 }).waitFor();
		const created = (await listPipelines()).find((pipeline) => pipeline.name === 'Renewals');
		expect(created?.mode).toBe('strict');
		await expect(a.page.getByTestId('pipeline-stages').getByRole('listitem').count()).resolves.toBe(7);

		// Rename.
		await a.page.getByLabel('Pipeline name').fill('Renewals 2026');
		await a.page.getByRole('button', { name: 'Save changes' }).click();
		await a.page.getByRole('heading', { name: 'Renewals 2026', level: 1 }).waitFor();
		await expect(listPipelines().then((list) => list.map((pipeline) => pipeline.name))).resolves.toContain('Renewals 2026');

		// Only selected members: Rita yes, Sam no.
		await a.page.getByLabel('Only selected members').check();
		const checklist = a.page.getByTestId('pipeline-members');
		await checklist.getByRole('checkbox', { name: /Rita Listed/ }).check();
		await expect(checklist.getByRole('checkbox', { name: /Sam Unlisted/ }).isChecked()).resolves.toBe(false);
		await a.page.getByRole('button', { name: 'Save access' }).click();
		await a.page.getByText('Access saved.').waitFor();
		await expect(a.page.getByRole('heading', { level: 1 }).locator('..').textContent()).resolves.toContain('Only selected members');
		const [rita, sam] = reps;
		await expect(listPipelines(rita!.context.page).then((list) => list.map((p) => p.id))).resolves.toContain(created!.id);
		await expect(listPipelines(sam!.context.page).then((list) => list.map((p) => p.id))).resolves.not.toContain(created!.id);

		// Archive, after confirming: gone from the list, Sales stays.
		await a.page.getByRole('button', { name: 'Archive pipeline' }).click();
		await a.page.getByRole('dialog', { name: 'Archive “Renewals 2026”?' }).getByRole('button', { name: 'Archive' }).click();
		await a.page.waitForURL(/\/pipelines\?archived=/);
		await a.page.getByTestId('pipelines').waitFor();
		const names = await a.page.getByTestId('pipelines').getByTestId('pipeline-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-name')));
		expect(names).toEqual(['Sales']);
		await expect(listPipelines().then((list) => list.map((p) => p.id))).resolves.not.toContain(created!.id);

		// The archived pipeline waits under Archived pipelines, and Restore brings it back with its access.
		const archivedList = a.page.getByTestId('archived-pipelines');
		const archivedRow = archivedList.getByTestId('pipeline-row');
		await expect(archivedRow.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-name')))).resolves.toEqual(['Renewals 2026']);
		await expect(archivedRow.getByTestId('pipeline-access').textContent()).resolves.toContain('Only selected members');
		await archivedList.getByRole('button', { name: 'Restore Renewals 2026' }).click();
		await a.page.getByText('“Renewals 2026” restored').waitFor();
		await expect.poll(() => archivedList.count()).toBe(0);
		await expect
			.poll(() => a.page.getByTestId('pipelines').getByTestId('pipeline-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-name'))))
			.toEqual(['Sales', 'Renewals 2026']);
		await expect(listPipelines().then((list) => list.map((p) => p.id))).resolves.toContain(created!.id);
		await expect(listPipelines(rita!.context.page).then((list) => list.map((p) => p.id))).resolves.toContain(created!.id);
		// Reps have no archived list to see.
		await expect(rita!.context.page.request.get(`/api/workspaces/${workspaceId}/pipelines/archived`).then((r) => r.status())).resolves.toBe(403);

		await Promise.all([a.context.close(), ...reps.map((rep) => rep.context.context.close())]);
	});
});
