import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { describeWithBrowser, launchBrowser, newUser, strongPassword, uniqueEmail } from './support/browser';
import { findViolations } from './support/axe';
import { account, signUpWithWorkspace } from './support/flows';

const baseUrl = inject('baseUrl');

describeWithBrowser('the notification centre', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('opens one live channel and reads the notifications at most twice when a page opens', async () => {
		const user = await newUser(browser, baseUrl);
		const workspaceId = await signUpWithWorkspace(user.page, account('Nina Needle', uniqueEmail('nina')), `Once ${Date.now().toString(36)}`);
		// Sign-up ends on the board, whose bell may still have a read due: leave it before counting.
		await user.page.goto('about:blank');
		const requests: string[] = [];
		user.page.on('request', (request) => {
			const path = new URL(request.url()).pathname;
			if (path === `/api/workspaces/${workspaceId}/events` || path === `/api/workspaces/${workspaceId}/notifications`) requests.push(path.split('/').at(-1)!);
		});
		await user.page.goto(`/w/${workspaceId}/deals`);
		await user.page.getByRole('button', { name: /^Notifications/ }).waitFor();
		// The first read, and the one when the live channel says it is ready (what came meanwhile).
		await user.page.waitForTimeout(2000);
		expect(requests.filter((kind) => kind === 'events'), 'one live channel').toHaveLength(1);
		expect(requests.filter((kind) => kind === 'notifications').length, 'no more than two reads').toBeLessThanOrEqual(2);
		await user.context.close();
	});

	it('counts live when another user hands you a deal, lists it in your language, and opening it marks it read', async () => {
		const owner = await newUser(browser, baseUrl);
		const workspaceId = await signUpWithWorkspace(owner.page, account('Olga Owner', uniqueEmail('olga')), `Bell ${Date.now().toString(36)}`);
		const invite = await owner.page.request.post(`/api/workspaces/${workspaceId}/invites`, { data: { role: 'rep' } });
		const { token } = (await invite.json()) as { token: string };
		const rep = await newUser(browser, baseUrl);
		const joined = await rep.page.request.post('/api/auth/signup', {
			data: { name: 'Rita Rep', email: uniqueEmail('rita'), password: strongPassword, inviteToken: token }
		});
		expect(joined.status()).toBe(201);
		const repId = ((await joined.json()) as { user: { id: string } }).user.id;
		expect((await rep.page.request.patch('/api/me', { data: { locale: 'ru' }, headers: { origin: baseUrl } })).status()).toBe(200);

		await rep.page.goto(`/w/${workspaceId}/tasks`);
		const bell = rep.page.getByRole('button', { name: /^Уведомления/ });
		await bell.waitFor();
		await expect(bell.getAttribute('aria-label')).resolves.toBe('Уведомления');

		// Olga makes a deal and hands it to Rita: Rita's bell counts it without a reload.
		const [pipeline] = (await (await owner.page.request.get(`/api/workspaces/${workspaceId}/pipelines`)).json()) as { id: string }[];
		const created = await owner.page.request.post(`/api/pipelines/${pipeline!.id}/deals`, {
			data: { title: 'Hooli renewal', valueMinor: 0, currency: 'EUR', firstTask: { type: 'call', title: 'Call Gavin', dueAt: new Date(Date.now() + 86_400_000).toISOString() } }
		});
		const dealId = ((await created.json()) as { deal: { id: string } }).deal.id;
		expect((await owner.page.request.patch(`/api/deals/${dealId}`, { data: { ownerId: repId } })).status()).toBe(200);
		await expect.poll(() => bell.getAttribute('aria-label'), { timeout: 10_000 }).toBe('Уведомления, 1 непрочитанное');
		await expect(bell.locator('.badge').textContent()).resolves.toBe('1');

		// The panel, in Russian; focus goes into it, and opening the notification opens the deal.
		await bell.click();
		const panel = rep.page.getByRole('dialog', { name: 'Уведомления' });
		await panel.waitFor();
		await expect.poll(() => rep.page.evaluate(() => document.activeElement?.textContent)).toBe('Уведомления');
		const item = panel.getByRole('link', { name: /Olga Owner передал\(а\) вам сделку «Hooli renewal»/ });
		await item.waitFor();
		expect(await findViolations(rep.page)).toEqual([]);
		// Escape closes it and gives the focus back to the bell; the bell opens it again.
		await rep.page.keyboard.press('Escape');
		await panel.waitFor({ state: 'detached' });
		await expect.poll(() => rep.page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Уведомления, 1 непрочитанное');
		await rep.page.keyboard.press('Enter');
		await panel.waitFor();
		await item.click();
		await rep.page.waitForURL(`**/w/${workspaceId}/deals/${dealId}`);
		await rep.page.getByRole('heading', { name: 'Hooli renewal' }).first().waitFor();
		await expect.poll(() => bell.getAttribute('aria-label')).toBe('Уведомления');
		const unread = (await (await rep.page.request.get(`/api/workspaces/${workspaceId}/notifications`)).json()) as { unreadCount: number };
		expect(unread.unreadCount).toBe(0);
		// Olga, who handed it over, has nothing.
		const olga = (await (await owner.page.request.get(`/api/workspaces/${workspaceId}/notifications`)).json()) as { unreadCount: number; notifications: unknown[] };
		expect(olga.notifications).toEqual([]);
	});
});
