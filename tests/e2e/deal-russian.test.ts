import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { describeWithBrowser, launchBrowser, newUser, uniqueEmail } from './support/browser';
import { account, signUpWithWorkspace } from './support/flows';

const baseUrl = inject('baseUrl');
/** Set DEAL_SHOTS to a folder to keep screenshots of the Russian pages. */
const shots = process.env.DEAL_SHOTS;
const dayMs = 86_400_000;

/**
 * The English words of the deal screens that must not be left on screen in
 * Russian: whole visible text nodes of the page's content (not the navigation,
 * which is not these screens'), and the labels and hints people hear or hover.
 */
const english = [
	'Deals',
	'Add deal',
	'Mine',
	'Open',
	'Won',
	'Lost',
	'All',
	'Title',
	'Value',
	'Owner',
	'Next task',
	'Stage age',
	'Created',
	'Overdue',
	'Overdue ·',
	'No task',
	'Search deals…',
	'Search deals',
	'Select all deals',
	'Details',
	'Source',
	'Last change',
	'In stage for',
	'Open deal',
	'Open the board',
	'Close',
	'Tasks',
	'Add task',
	'Timeline',
	'Call',
	'Email',
	'Note',
	'Log call',
	'Nothing logged yet.',
	'Reopen',
	'My tasks',
	'Today',
	'Upcoming',
	'Follow-up',
	'Save',
	'Cancel',
	'Edit',
	'Type',
	'Task',
	'Due',
	'Assignee',
	'Tomorrow 10:00',
	'In 3 days',
	'Next Monday',
	'Lost reason',
	'Mark as lost',
	'Mark the deal as lost'
];

/** The English words above still shown in the page's main content. */
function englishLeft(page: Page): Promise<string[]> {
	return page.evaluate((words) => {
		const found = new Set<string>();
		const root = document.querySelector('main') ?? document.body;
		const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
		for (let node = walker.nextNode(); node; node = walker.nextNode()) {
			const parent = node.parentElement;
			// A closed select shows one option; options name user data (stages) as often as not.
			if (!parent || parent.closest('select, script, style') || parent.getClientRects().length === 0) continue;
			const text = (node.textContent ?? '').replace(/\s+/g, ' ').trim();
			if (words.includes(text)) found.add(text);
		}
		for (const element of root.querySelectorAll('[aria-label], [title], [placeholder]')) {
			for (const name of ['aria-label', 'title', 'placeholder']) {
				const value = element.getAttribute(name);
				if (value && words.includes(value)) found.add(`${name}="${value}"`);
			}
		}
		return [...found];
	}, english);
}

async function shoot(page: Page, name: string): Promise<void> {
	if (!shots) return;
	for (const [label, viewport] of [
		['desktop', { width: 1280, height: 800 }],
		['phone', { width: 390, height: 844 }]
	] as const) {
		await page.setViewportSize(viewport);
		await page.waitForTimeout(200);
		await page.screenshot({ path: `${shots}/${name}-${label}.png`, fullPage: true });
	}
	await page.setViewportSize({ width: 1280, height: 800 });
}

/** Tomorrow at 10:00 in this machine's (and so the browser's) time zone. */
function tomorrowAtTen(): string {
	const date = new Date(Date.now() + dayMs);
	date.setHours(10, 0, 0, 0);
	return date.toISOString();
}

describeWithBrowser('the deal screens in Russian', () => {
	let browser: Browser;

	beforeAll(async () => {
		browser = await launchBrowser();
	});

	afterAll(async () => {
		await browser?.close();
	});

	it('shows the deals list, a deal and My tasks in Russian, with Russian plurals, dates and money', async () => {
		const { page } = await newUser(browser, baseUrl);
		const workspaceId = await signUpWithWorkspace(page, account('Rada Russkaya', uniqueEmail('rada')), `Ru ${Date.now().toString(36)}`);
		const [pipeline] = (await (await page.request.get(`/api/workspaces/${workspaceId}/pipelines`)).json()) as { id: string }[];
		const createDeal = async (title: string, valueMinor: number, dueAt: string) => {
			const created = await page.request.post(`/api/pipelines/${pipeline!.id}/deals`, {
				data: { title, valueMinor, currency: 'EUR', firstTask: { type: 'call', title: `Call ${title}`, dueAt } }
			});
			expect(created.ok(), await created.text()).toBe(true);
			return ((await created.json()) as { deal: { id: string } }).deal.id;
		};
		const globex = await createDeal('Globex', 1_250_000, tomorrowAtTen());
		const initech = await createDeal('Initech', 300_000, new Date(Date.now() - 2 * dayMs).toISOString());
		await createDeal('Hooli', 4_000_000, new Date(Date.now() + 3 * dayMs).toISOString());
		const added = await page.request.post(`/api/deals/${globex}/tasks`, {
			data: { type: 'email', title: 'Send the contract', dueAt: new Date(Date.now() + 5 * dayMs).toISOString() }
		});
		expect(added.ok(), await added.text()).toBe(true);

		const switched = await page.request.patch('/api/me', { data: { locale: 'ru' } });
		expect(switched.ok(), await switched.text()).toBe(true);

		// The list.
		await page.goto(`/w/${workspaceId}/deals`);
		await page.reload();
		await page.getByRole('heading', { name: 'Сделки', exact: true }).waitFor();
		await expect.poll(() => page.evaluate(() => document.documentElement.lang || localStorage.getItem('voronka:locale'))).toBe('ru');
		// Three is a "few" in Russian: сделки, not сделок.
		await expect.poll(() => page.getByTestId('deals-summary').textContent()).toMatch(/^\s*3 сделки\s*$/);
		const globexRow = page.getByTestId('deal-row').filter({ hasText: 'Globex' });
		await expect.poll(() => globexRow.locator('[data-column="value"]').textContent()).toMatch(/^12\s500\s€$/u);
		await expect(globexRow.locator('[data-column="nextTask"]').textContent()).resolves.toContain('Завтра 10:00');
		await expect(page.getByTestId('deal-row').filter({ hasText: 'Initech' }).locator('[data-column="nextTask"]').textContent()).resolves.toContain(
			'Просрочено'
		);
		await page.getByRole('columnheader', { name: 'Ответственный' }).waitFor();
		await page.getByRole('button', { name: 'Мои', exact: true }).waitFor();
		await page.getByRole('radio', { name: 'Открытые' }).waitFor();
		expect(await englishLeft(page)).toEqual([]);

		// Selecting shows the bulk bar with a Russian plural.
		await page.getByRole('checkbox', { name: 'Выбрать все сделки' }).check();
		await expect.poll(() => page.getByRole('region', { name: 'Массовые действия' }).textContent()).toContain('Выбраны 3 сделки');
		await shoot(page, 'deals');
		await page.getByRole('button', { name: 'Снять выделение' }).click();

		// Adding a deal.
		await page.getByRole('button', { name: 'Добавить сделку' }).click();
		const adding = page.getByRole('dialog', { name: 'Новая сделка' });
		await adding.getByText('Первая задача').waitFor();
		await adding.getByLabel('Сумма (EUR)').waitFor();
		expect(await englishLeft(page)).toEqual([]);
		await shoot(page, 'deal-add');
		await adding.getByRole('button', { name: 'Отмена' }).click();
		await adding.waitFor({ state: 'hidden' });

		// The drawer.
		await globexRow.getByRole('button', { name: 'Globex' }).click();
		const drawer = page.getByTestId('deal-drawer');
		await drawer.getByText('Следующая задача').waitFor();
		await expect(drawer.textContent()).resolves.toMatch(/Срок: Завтра 10:00 · (завтра|через \d+ (час|дн))/);
		expect(await englishLeft(page)).toEqual([]);
		await shoot(page, 'drawer');
		await drawer.getByRole('link', { name: 'Открыть сделку' }).click();

		// The deal page.
		await page.getByRole('heading', { name: 'Задачи' }).waitFor();
		await page.getByText('2 открытые', { exact: true }).waitFor();
		await page.getByRole('heading', { name: 'История' }).waitFor();
		await page.getByRole('button', { name: 'Записать звонок' }).waitFor();
		await page.getByRole('checkbox', { name: 'Выполнить «Call Globex»' }).waitFor();
		expect(await englishLeft(page)).toEqual([]);
		await shoot(page, 'deal');

		await page.getByRole('button', { name: 'Изменить «Send the contract»' }).click();
		const editing = page.getByRole('form', { name: 'Изменить «Send the contract»' });
		await editing.getByRole('button', { name: 'Через 3 дня' }).waitFor();
		await editing.getByLabel('Ответственный').waitFor();
		expect(await englishLeft(page)).toEqual([]);
		await shoot(page, 'deal-edit-task');
		await editing.getByRole('button', { name: 'Отмена' }).click();

		await page.getByRole('button', { name: 'Проиграна', exact: true }).click();
		const lost = page.getByRole('dialog', { name: 'Отметить сделку как проигранную' });
		await lost.getByLabel('Причина отказа').waitFor();
		await lost.getByText('Отметить 2 открытые задачи выполненными').waitFor();
		expect(await englishLeft(page)).toEqual([]);
		await shoot(page, 'deal-lost');
		await lost.getByRole('button', { name: 'Отмена' }).click();

		// My tasks.
		await page.goto(`/w/${workspaceId}/tasks`);
		await page.getByRole('heading', { name: 'Мои задачи' }).waitFor();
		await page.getByTestId('task-group-overdue').getByRole('heading', { name: /^Просрочено/ }).waitFor();
		await page.getByTestId('task-group-upcoming').getByRole('heading', { name: /^Предстоящие/ }).waitFor();
		expect(await englishLeft(page)).toEqual([]);
		await shoot(page, 'tasks');

		// Completing a deal's last task asks what happens next; closing it as lost shows the reason on the deal.
		await page.getByRole('checkbox', { name: 'Выполнить «Call Initech»' }).click();
		const next = page.getByRole('dialog', { name: 'Что дальше?' });
		await next.getByRole('button', { name: 'Завтра 10:00' }).waitFor();
		expect(await englishLeft(page)).toEqual([]);
		await shoot(page, 'next-step');
		await next.getByText('Закрыть сделку').click();
		await next.getByText('Проиграна', { exact: true }).click();
		await next.getByLabel('Причина отказа').selectOption({ index: 1 });
		const reason = await next.getByLabel('Причина отказа').inputValue();
		await next.getByRole('button', { name: 'Выполнить и отметить проигранной' }).click();
		await next.waitFor({ state: 'hidden' });
		await page.goto(`/w/${workspaceId}/deals/${initech}`);
		const outcome = page.getByTestId('deal-outcome');
		await expect.poll(() => outcome.textContent()).toMatch(new RegExp(`Проиграна\\s\\d{1,2}\\s[а-я]+\\.?\\s\\d{4}\\sг\\.\\s*Причина: ${reason}`));
		expect(await englishLeft(page)).toEqual([]);
		await shoot(page, 'deal-lost-outcome');
	});
});
