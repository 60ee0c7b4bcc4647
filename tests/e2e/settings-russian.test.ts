import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { describeWithBrowser, launchBrowser, newUser, uniqueEmail } from './support/browser';
import { account, signUpWithWorkspace } from './support/flows';

const baseUrl = inject('baseUrl');

// English of these pages: none of it may be left as a whole text on screen in Russian.
// (Stage names are the workspace's data, in the language it was created in: not listed.)
const english = [
	'Save',
	'Cancel',
	'Loading…',
	'Board',
	'Deals',
	'Contacts',
	'Tasks',
	'Reports',
	'Settings',
	'Account',
	'Log out',
	'API reference',
	'Your workspaces',
	'Create workspace',
	'Workspace',
	'Save name',
	'Pipelines',
	'Audit log',
	'Members',
	'You',
	'Reset password',
	'Remove',
	'Leave',
	'Invite people',
	'Role',
	'Link expires in',
	'Who can use it',
	'One person',
	'Anyone with the link',
	'people',
	'Create invite link',
	'Active invite links',
	'Invite link',
	'Copy',
	'Revoke',
	'Lost reasons',
	'Add',
	'Save reasons',
	'Closed deals on the board',
	'Days on the board after closing',
	'All pipelines',
	'New pipeline',
	'Mode',
	'Access',
	'Stages',
	'Strict',
	'Free',
	'List',
	'Everyone in the workspace',
	'Open board',
	'Name and mode',
	'Pipeline name',
	'Save changes',
	'Save access',
	'Archive',
	'Archive pipeline',
	'Edit stages on the board',
	'Activity',
	'All activity',
	'Load more',
	'Profile',
	'Language',
	'Password',
	'Current password',
	'New password',
	'Change password',
	'API tokens',
	'Token name',
	'Create token',
	'Welcome back',
	'Log in',
	'Email',
	'New to Voronka?',
	'Create an account'
];

/** The page's visible text nodes (and option labels) that are one of the English strings. */
async function englishLeft(page: Page): Promise<string[]> {
	return page.evaluate((words) => {
		const found = new Set<string>();
		const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
		for (let node = walker.nextNode(); node; node = walker.nextNode()) {
			const text = node.textContent?.replace(/\s+/g, ' ').trim() ?? '';
			const parent = node.parentElement;
			if (!text || !parent || parent.closest('script, style, [hidden]')) continue;
			if (words.includes(text)) found.add(text);
		}
		for (const element of document.querySelectorAll('[aria-label], [placeholder], [title]')) {
			for (const attribute of ['aria-label', 'placeholder', 'title']) {
				const value = element.getAttribute(attribute);
				if (value && words.includes(value)) found.add(`${attribute}="${value}"`);
			}
		}
		return [...found];
	}, english);
}

describeWithBrowser('settings, pipelines, audit log and account in Russian', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('shows the pages in Russian, with Russian plurals and dates, and no English left', async () => {
		const { page, context } = await newUser(browser, baseUrl);
		const workspaceName = `Ромашка ${Date.now().toString(36)}`;
		const workspaceId = await signUpWithWorkspace(page, account('Olga Owner', uniqueEmail('olga-ru')), workspaceName);
		const answer = await page.request.patch('/api/me', { data: { locale: 'ru' } });
		expect(answer.status()).toBe(200);
		await page.reload();

		// The navigation and the settings page.
		const nav = page.getByRole('navigation', { name: 'Рабочее пространство' });
		await nav.getByRole('link', { name: 'Доска' }).waitFor();
		await nav.getByRole('link', { name: 'Настройки' }).click();
		await page.getByRole('heading', { name: 'Настройки', level: 1 }).waitFor();
		await page.getByTestId('members').waitFor();
		await page.getByRole('heading', { name: 'Пригласить людей' }).waitFor();
		await page.getByTestId('lost-reasons-card').getByRole('button', { name: 'Сохранить причины' }).waitFor();
		await page.getByTestId('closed-deals-card').getByLabel('Дней на доске после закрытия').waitFor();
		await expect(page.getByLabel('Роль', { exact: true }).locator('option').allTextContents()).resolves.toContain('Менеджер');
		// Plurals: 1 день, 3 дня, 7 дней.
		await expect(page.getByLabel('Срок действия ссылки').locator('option').allTextContents()).resolves.toEqual([
			'1 день',
			'3 дня',
			'7 дней',
			'14 дней',
			'30 дней',
			'90 дней'
		]);
		// The date the member joined, in Russian ("12 мая 2026 г.").
		const joined = await page.getByTestId('member').locator('.joined').textContent();
		expect(joined).toMatch(/^· участник с \d{1,2}\s[а-я]+\.?\s\d{4}\sг\.$/);

		await page.getByRole('button', { name: 'Создать ссылку-приглашение' }).click();
		await page.getByTestId('fresh-invite').waitFor();
		await expect(page.getByTestId('fresh-invite').textContent()).resolves.toContain('Ссылка-приглашение с ролью менеджер готова');
		await expect(page.getByTestId('invite').textContent()).resolves.toMatch(/Одноразовая ссылка.*Истекает через 7 дней · автор: Olga Owner/s);
		expect(await englishLeft(page)).toEqual([]);

		// The audit log, in whole Russian sentences.
		await page.getByTestId('audit-link').click();
		await page.getByRole('heading', { name: 'Журнал событий', level: 1 }).waitFor();
		const events = page.getByTestId('audit-event');
		await events.first().waitFor();
		await expect(events.first().locator('.sentence').textContent()).resolves.toBe(
			'Olga Owner: создана ссылка-приглашение с ролью «Менеджер»'
		);
		await expect(events.last().locator('.sentence').textContent()).resolves.toBe(`Olga Owner: создано рабочее пространство ${workspaceName}`);
		expect(await englishLeft(page)).toEqual([]);

		// Pipelines and one pipeline's settings.
		await page.goto(`/w/${workspaceId}/pipelines`);
		await page.getByRole('heading', { name: 'Воронки', level: 1 }).waitFor();
		await page.getByTestId('pipelines').waitFor();
		await expect(page.getByTestId('pipeline-mode').first().textContent()).resolves.toBe('Свободный');
		expect(await englishLeft(page)).toEqual([]);
		await page.getByTestId('pipeline-row').first().locator('a.name').click();
		await page.getByRole('heading', { name: 'Название и режим' }).waitFor();
		await page.getByTestId('pipeline-stages').waitFor();
		// Percentages the Russian way: a space before the sign.
		await expect(page.getByTestId('pipeline-stages').textContent()).resolves.toMatch(/вероятность \d+\s%/);
		expect(await englishLeft(page)).toEqual([]);

		// The account page and, logged out, the login page (the language stays on the device).
		await page.goto('/account');
		await page.getByRole('heading', { name: 'Аккаунт', level: 1 }).waitFor();
		await page.getByRole('heading', { name: 'API-токены' }).waitFor();
		await page.getByText('Токенов пока нет.', { exact: false }).waitFor();
		expect(await englishLeft(page)).toEqual([]);
		await page.getByRole('button', { name: 'Меню аккаунта' }).click();
		await page.getByRole('button', { name: 'Выйти' }).click();
		await page.waitForURL('**/login');
		await page.getByRole('heading', { name: 'С возвращением' }).waitFor();
		await page.getByLabel('Электронная почта').waitFor();
		expect(await englishLeft(page)).toEqual([]);

		await context.close();
	});
});
