import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { describeWithBrowser, launchBrowser } from './support/browser';
import { addMember, card, createDeal, firstPipeline, openBoard, signUpOwner } from './support/board';

const baseUrl = inject('baseUrl');
/** Set TASK_SHOTS to a folder to keep screenshots of the card's tasks dialog. */
const shots = process.env.TASK_SHOTS;

interface DealAnswer {
	tasks: { id: string; type: string; title: string; assigneeId: string; done: boolean }[];
}

const deal = 'Globex: licences';

/** Opens the deal's tasks from its card; resolves with the dialog. */
async function openTasks(page: Page) {
	await page.getByRole('button', { name: `Tasks of “${deal}”` }).click();
	const dialog = page.getByRole('dialog', { name: 'Tasks' });
	await dialog.waitFor();
	return dialog;
}

describeWithBrowser('a deal’s tasks from its board card', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('adds, edits, reassigns, completes and reopens live; the last one asks what happens next; viewers only read', async () => {
		const owner = await signUpOwner(browser, baseUrl, 'Olga Owner');
		const rita = await addMember(browser, baseUrl, owner, 'rep', 'Rita Rep');
		const viewer = await addMember(browser, baseUrl, owner, 'viewer', 'Vera Viewer');
		const pipeline = await firstPipeline(owner);
		const dealId = await createDeal(owner, pipeline, deal, 'New lead');
		const tasksOf = async () => ((await (await owner.context.request.get(`/api/deals/${dealId}`)).json()) as DealAnswer).tasks;
		const task = async (title: string) => (await tasksOf()).find((t) => t.title === title);

		await openBoard(owner, pipeline.id);
		await openBoard(rita, pipeline.id);
		const mine = await openTasks(owner.page);
		// Rita keeps the same deal's tasks open: everything below reaches her without a reload.
		const hers = await openTasks(rita.page);
		await hers.getByRole('checkbox', { name: 'Complete “Call back”' }).waitFor();

		// Add a task for Rita.
		await mine.getByRole('button', { name: 'Add task' }).click();
		const form = mine.getByRole('form', { name: 'Add a task' });
		await form.getByLabel('Type').selectOption('email');
		await form.getByLabel('Task', { exact: true }).fill('Send the price list');
		await form.getByRole('button', { name: 'In 3 days' }).click();
		await form.getByLabel('Assignee').selectOption({ label: 'Rita Rep' });
		if (shots) await owner.page.screenshot({ path: `${shots}/card-dialog-add-1280.png` });
		await form.getByRole('button', { name: 'Add task' }).click();
		await mine.getByTestId('task').filter({ hasText: 'Send the price list' }).waitFor();
		await hers.getByTestId('task').filter({ hasText: 'Send the price list' }).filter({ hasText: 'You' }).waitFor();
		await expect.poll(() => task('Send the price list'), { timeout: 8000 }).toMatchObject({ type: 'email', assigneeId: rita.userId, done: false });

		// Edit and reassign back to me: Rita sees both at once.
		await mine.getByRole('button', { name: 'Edit “Send the price list”' }).click();
		const editor = mine.getByRole('form', { name: 'Edit “Send the price list”' });
		await editor.getByLabel('Task', { exact: true }).fill('Send the new price list');
		await editor.getByLabel('Assignee').selectOption({ label: 'Olga Owner (you)' });
		await editor.getByRole('button', { name: 'Save task' }).click();
		await hers.getByTestId('task').filter({ hasText: 'Send the new price list' }).filter({ hasText: 'Olga Owner' }).waitFor();
		await expect.poll(() => task('Send the new price list'), { timeout: 8000 }).toMatchObject({ assigneeId: owner.userId });

		// Complete one of two open tasks: no question, it goes under Done; then reopen it.
		await mine.getByRole('checkbox', { name: 'Complete “Call back”' }).click();
		await mine.getByRole('button', { name: 'Done (1)' }).click();
		const reopen = mine.getByRole('checkbox', { name: 'Reopen “Call back”' });
		await expect(reopen.isChecked()).resolves.toBe(true);
		await expect(owner.page.getByRole('dialog', { name: 'What happens next?' }).isVisible()).resolves.toBe(false);
		await hers.getByRole('button', { name: 'Done (1)' }).waitFor();
		await expect.poll(async () => (await task('Call back'))?.done, { timeout: 8000 }).toBe(true);
		if (shots) await owner.page.screenshot({ path: `${shots}/card-dialog-1280.png` });
		await reopen.click();
		await mine.getByRole('checkbox', { name: 'Complete “Call back”' }).waitFor();
		await hers.getByRole('checkbox', { name: 'Complete “Call back”' }).waitFor();
		await expect.poll(async () => (await task('Call back'))?.done, { timeout: 8000 }).toBe(false);

		// Down to the last open task: completing it asks what happens next, above the list.
		await mine.getByRole('checkbox', { name: 'Complete “Send the new price list”' }).click();
		await mine.getByRole('checkbox', { name: 'Reopen “Send the new price list”' }).waitFor();
		await mine.getByRole('checkbox', { name: 'Complete “Call back”' }).click();
		const next = owner.page.getByRole('dialog', { name: 'What happens next?' });
		await next.waitFor();
		await expect.poll(async () => (await task('Call back'))?.done).toBe(false);
		await next.getByLabel('Task', { exact: true }).fill('Demo for Globex');
		await next.getByRole('button', { name: 'Tomorrow 10:00' }).click();
		await next.getByRole('button', { name: 'Complete and schedule' }).click();
		await next.waitFor({ state: 'hidden' });
		await mine.getByRole('checkbox', { name: 'Complete “Demo for Globex”' }).waitFor();
		await hers.getByRole('checkbox', { name: 'Complete “Demo for Globex”' }).waitFor();
		await expect.poll(async () => (await task('Call back'))?.done, { timeout: 8000 }).toBe(true);

		if (shots) {
			await owner.page.setViewportSize({ width: 390, height: 844 });
			await owner.page.screenshot({ path: `${shots}/card-dialog-390.png` });
			await mine.getByRole('button', { name: 'Edit “Demo for Globex”' }).click();
			await owner.page.screenshot({ path: `${shots}/card-dialog-edit-390.png` });
			await owner.page.keyboard.press('Escape');
			await card(owner.page, dealId).scrollIntoViewIfNeeded();
			await owner.page.screenshot({ path: `${shots}/card-390.png` });
			await owner.page.setViewportSize({ width: 1280, height: 800 });
		}

		// A viewer reads the tasks but gets no control.
		await openBoard(viewer, pipeline.id);
		const theirs = await openTasks(viewer.page);
		await theirs.getByRole('checkbox', { name: 'Complete “Demo for Globex”' }).waitFor();
		await expect(theirs.getByRole('checkbox', { name: 'Complete “Demo for Globex”' }).isDisabled()).resolves.toBe(true);
		await expect(theirs.getByRole('button', { name: 'Add task' }).count()).resolves.toBe(0);
		await expect(theirs.getByRole('button', { name: /^Edit “/ }).count()).resolves.toBe(0);
	});
});
