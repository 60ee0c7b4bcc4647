import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { describeWithBrowser, launchBrowser } from './support/browser';
import { addMember, createDeal, firstPipeline, signUpOwner, type BoardUser } from './support/board';

const baseUrl = inject('baseUrl');
/** Set TASK_SHOTS to a folder to keep screenshots of My tasks. */
const shots = process.env.TASK_SHOTS;
const dayMs = 86_400_000;

interface DealAnswer {
	tasks: { id: string; type: string; title: string; dueAt: string; assigneeId: string; done: boolean }[];
}

interface MyTasksAnswer {
	tasks: { title: string }[];
	done: { title: string }[];
}

/** A datetime-local value in the browser's own time zone, `hoursAhead` from now. */
function localInput(page: Page, hoursAhead: number): Promise<string> {
	return page.evaluate((hours) => {
		const date = new Date(Date.now() + hours * 3_600_000);
		const pad = (n: number) => String(n).padStart(2, '0');
		return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
	}, hoursAhead);
}

async function addTaskOverApi(user: BoardUser, dealId: string, title: string, daysAhead: number): Promise<void> {
	const added = await user.context.request.post(`/api/deals/${dealId}/tasks`, {
		data: { type: 'email', title, dueAt: new Date(Date.now() + daysAhead * dayMs).toISOString() }
	});
	expect(added.ok(), await added.text()).toBe(true);
}

describeWithBrowser('working tasks from My tasks', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('edits, reassigns, adds a follow-up, completes and reopens; the last task asks for the next step', async () => {
		const owner = await signUpOwner(browser, baseUrl, 'Mia Mine');
		const rita = await addMember(browser, baseUrl, owner, 'rep', 'Rita Rep');
		const pipeline = await firstPipeline(owner);
		const initech = await createDeal(owner, pipeline, 'Initech: printers', 'New lead');
		await addTaskOverApi(owner, initech, 'Send the quote', 3);
		const hooli = await createDeal(owner, pipeline, 'Hooli: pilot', 'Qualified');
		await addTaskOverApi(owner, hooli, 'Prepare the contract', 4);
		const umbrella = await createDeal(owner, pipeline, 'Umbrella: renewal', 'Proposal');
		const tasksOf = async (dealId: string) => ((await (await owner.context.request.get(`/api/deals/${dealId}`)).json()) as DealAnswer).tasks;
		const page = owner.page;
		const row = (title: string) => page.getByTestId('my-task').filter({ hasText: title });

		await page.goto(`/w/${owner.workspaceId}/tasks`);
		await row('Send the quote').waitFor();
		if (shots) {
			await page.screenshot({ path: `${shots}/my-tasks-1280.png`, fullPage: true });
		}

		// Edit: a new title and a due time two hours ago moves it under Overdue.
		await page.getByRole('button', { name: 'Edit “Send the quote”' }).click();
		const editor = page.getByRole('form', { name: 'Edit “Send the quote”' });
		await editor.getByLabel('Task', { exact: true }).fill('Send the revised quote');
		await editor.getByLabel('Due').fill(await localInput(page, -2));
		await editor.getByRole('button', { name: 'Save task' }).click();
		await page.getByTestId('task-group-overdue').getByTestId('my-task').filter({ hasText: 'Send the revised quote' }).waitFor();
		await expect(row('Send the revised quote').getAttribute('data-overdue')).resolves.toBe('true');
		const edited = (await tasksOf(initech)).find((task) => task.title === 'Send the revised quote');
		expect(edited).toBeDefined();
		expect(Date.parse(edited!.dueAt)).toBeLessThan(Date.now());

		// Reassign: the task goes to Rita and leaves my list.
		await page.getByRole('button', { name: 'Edit “Prepare the contract”' }).click();
		const reassign = page.getByRole('form', { name: 'Edit “Prepare the contract”' });
		await reassign.getByLabel('Assignee').selectOption({ label: 'Rita Rep' });
		await reassign.getByRole('button', { name: 'Save task' }).click();
		await expect.poll(() => row('Prepare the contract').count()).toBe(0);
		await page.getByText('“Prepare the contract” is now Rita Rep’s task.').waitFor();
		expect((await tasksOf(hooli)).find((task) => task.title === 'Prepare the contract')?.assigneeId).toBe(rita.userId);
		const ritas = (await (await rita.context.request.get(`/api/workspaces/${owner.workspaceId}/my-tasks`)).json()) as MyTasksAnswer;
		expect(ritas.tasks.map((task) => task.title)).toContain('Prepare the contract');

		// A follow-up on the same deal, from its row.
		await row('Send the revised quote').getByRole('button', { name: 'Add a task to “Initech: printers”' }).click();
		const follow = page.getByRole('form', { name: 'Add a task to “Initech: printers”' });
		await follow.getByLabel('Type').selectOption('meeting');
		await follow.getByLabel('Task', { exact: true }).fill('Demo the fleet plan');
		await follow.getByRole('button', { name: 'In 3 days' }).click();
		if (shots) {
			await page.screenshot({ path: `${shots}/my-tasks-follow-up-1280.png`, fullPage: true });
		}
		await follow.getByRole('button', { name: 'Add task' }).click();
		await page.getByTestId('task-group-upcoming').getByTestId('my-task').filter({ hasText: 'Demo the fleet plan' }).waitFor();
		await expect(row('Demo the fleet plan').getByRole('link', { name: 'Initech: printers' }).count()).resolves.toBe(1);
		expect((await tasksOf(initech)).find((task) => task.title === 'Demo the fleet plan')).toMatchObject({ type: 'meeting', done: false });

		// Complete one (others stay open): it moves to the folded Done group, and back when reopened.
		await page.getByRole('checkbox', { name: 'Complete “Demo the fleet plan”' }).click();
		const done = page.getByTestId('task-group-done');
		await done.waitFor();
		await expect.poll(() => page.getByTestId('task-group-upcoming').getByText('Demo the fleet plan').count()).toBe(0);
		await done.getByRole('button', { name: /Done in the last 24 hours/ }).click();
		const reopen = done.getByRole('checkbox', { name: 'Reopen “Demo the fleet plan”' });
		await expect(reopen.isChecked()).resolves.toBe(true);
		await expect.poll(async () => (await tasksOf(initech)).find((task) => task.title === 'Demo the fleet plan')?.done).toBe(true);
		if (shots) {
			await page.screenshot({ path: `${shots}/my-tasks-done-1280.png`, fullPage: true });
			await page.setViewportSize({ width: 390, height: 844 });
			await page.screenshot({ path: `${shots}/my-tasks-done-390.png`, fullPage: true });
			await page.setViewportSize({ width: 1280, height: 800 });
		}
		await reopen.click();
		await page.getByTestId('task-group-upcoming').getByTestId('my-task').filter({ hasText: 'Demo the fleet plan' }).waitFor();
		expect((await tasksOf(initech)).find((task) => task.title === 'Demo the fleet plan')?.done).toBe(false);

		// Umbrella's only task: completing it asks what happens next.
		await page.getByTestId('my-task').filter({ hasText: 'Umbrella: renewal' }).getByRole('checkbox', { name: 'Complete “Call back”' }).click();
		const dialog = page.getByRole('dialog', { name: 'What happens next?' });
		await dialog.waitFor();
		await dialog.getByLabel('Task', { exact: true }).fill('Call Umbrella about the renewal');
		await dialog.getByRole('button', { name: 'Tomorrow 10:00' }).click();
		await dialog.getByRole('button', { name: 'Complete and schedule' }).click();
		await dialog.waitFor({ state: 'hidden' });
		await row('Call Umbrella about the renewal').waitFor();
		const umbrellaTasks = await tasksOf(umbrella);
		expect(umbrellaTasks.find((task) => task.title === 'Call back')?.done).toBe(true);
		expect(umbrellaTasks.find((task) => task.title === 'Call Umbrella about the renewal')?.done).toBe(false);

		if (shots) {
			await page.setViewportSize({ width: 390, height: 844 });
			await page.screenshot({ path: `${shots}/my-tasks-390.png`, fullPage: true });
			await page.getByRole('button', { name: 'Edit “Call Umbrella about the renewal”' }).click();
			await page.screenshot({ path: `${shots}/my-tasks-edit-390.png`, fullPage: true });
		}
	});
});
