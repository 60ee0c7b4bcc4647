import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { describeWithBrowser, launchBrowser, newUser, uniqueEmail } from './support/browser';
import { account, signUpWithWorkspace } from './support/flows';

const baseUrl = inject('baseUrl');

describeWithBrowser('scheduled processes in Settings', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('an admin sets the team calendar, turns on birthday greetings and sees in the log what the process did, with links', async () => {
		const { page } = await newUser(browser, baseUrl);
		const workspaceId = await signUpWithWorkspace(page, account('Irina Admin', uniqueEmail('irina')), `Processes ${Date.now().toString(36)}`);

		// The team calendar card on Settings: time zone, hours, days.
		await page.goto(`/w/${workspaceId}/settings`);
		const calendar = page.getByTestId('team-calendar-card');
		await calendar.getByLabel('Time zone').fill('Asia/Vladivostok');
		await calendar.getByLabel('Working day starts').fill('08:30');
		await calendar.getByLabel('Working day ends').fill('17:00');
		await calendar.getByLabel('Sat', { exact: true }).check();
		await calendar.getByRole('button', { name: 'Save' }).click();
		await calendar.getByText('Saved').waitFor();
		const settings = (await (await page.request.get(`/api/workspaces/${workspaceId}`)).json()) as { settings: { timeZone: string; workingHours: unknown } };
		expect(settings.settings).toMatchObject({ timeZone: 'Asia/Vladivostok', workingHours: { days: [1, 2, 3, 4, 5, 6], start: '08:30', end: '17:00' } });

		// A contact whose birthday is today in the team's time zone.
		const me = (await (await page.request.get('/api/me')).json()) as { user: { id: string } };
		const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Vladivostok', month: '2-digit', day: '2-digit' }).format(new Date());
		const contact = await page.request.post(`/api/workspaces/${workspaceId}/contacts`, {
			data: { name: 'Lev Birthday', birthday: `1988-${today}`, ownerId: me.user.id }
		});
		expect(contact.status()).toBe(201);

		await page.getByTestId('processes-link').click();
		await page.waitForURL(/\/settings\/processes$/);
		await page.getByTestId('process-log').getByText('Nothing yet').waitFor();
		const birthday = page.getByTestId('process-birthday');
		await birthday.getByLabel('On', { exact: true }).check();
		await birthday.getByRole('button', { name: 'Save' }).click();
		await birthday.getByText('Saved').waitFor();

		// The e2e server runs the scheduler every few seconds; the page shows the log as it is when opened.
		const entry = page.getByTestId('process-log-entry').filter({ hasText: 'Birthday greeting: Lev Birthday' });
		await expect
			.poll(
				async () => {
					await page.reload();
					await page.getByTestId('process-log').waitFor();
					return entry.count();
				},
				{ timeout: 20_000, interval: 1000 }
			)
			.toBe(1);
		await entry.getByRole('link', { name: 'Open the deal' }).click();
		await page.getByRole('heading', { name: 'Birthday: Lev Birthday', level: 1 }).waitFor();
		await page.getByText('Birthday greeting: Lev Birthday').first().waitFor();
	});
});
