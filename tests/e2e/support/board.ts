import type { Browser, BrowserContext, Page } from 'playwright-core';
import { newUser, strongPassword, uniqueEmail } from './browser';

export interface BoardUser {
	context: BrowserContext;
	page: Page;
	userId: string;
	workspaceId: string;
}

async function json<T>(response: { ok(): boolean; status(): number; text(): Promise<string> }, label: string): Promise<T> {
	const text = await response.text();
	if (!response.ok()) throw new Error(`${label}: ${response.status()} ${text}`);
	return JSON.parse(text) as T;
}

/** Signs up an owner with a new workspace over the API; the session cookie lands in the browser context. */
export async function signUpOwner(browser: Browser, baseUrl: string, name = 'Olga Owner'): Promise<BoardUser> {
	const { context, page } = await newUser(browser, baseUrl);
	const body = await json<{ user: { id: string }; workspace: { id: string } }>(
		await context.request.post('/api/auth/signup', {
			data: { email: uniqueEmail('owner'), password: strongPassword, name, workspaceName: 'Board test' }
		}),
		'signup'
	);
	return { context, page, userId: body.user.id, workspaceId: body.workspace.id };
}

/** Invites someone with the role and signs them up in a fresh browser context. */
export async function addMember(browser: Browser, baseUrl: string, owner: BoardUser, role: string, name: string): Promise<BoardUser> {
	const invite = await json<{ token: string }>(
		await owner.context.request.post(`/api/workspaces/${owner.workspaceId}/invites`, { data: { role } }),
		'invite'
	);
	const { context, page } = await newUser(browser, baseUrl);
	const body = await json<{ user: { id: string } }>(
		await context.request.post('/api/auth/signup', {
			data: { email: uniqueEmail(role), password: strongPassword, name, inviteToken: invite.token }
		}),
		'invite signup'
	);
	return { context, page, userId: body.user.id, workspaceId: owner.workspaceId };
}

export interface PipelineInfo {
	id: string;
	stages: Array<{ id: string; name: string; kind: string }>;
}

export async function firstPipeline(user: BoardUser): Promise<PipelineInfo> {
	const pipelines = await json<PipelineInfo[]>(await user.context.request.get(`/api/workspaces/${user.workspaceId}/pipelines`), 'pipelines');
	return pipelines[0]!;
}

/** Creates a deal (with its first task) through the REST API; returns its id. */
export async function createDeal(user: BoardUser, pipeline: PipelineInfo, title: string, stageName: string): Promise<string> {
	const stage = pipeline.stages.find((s) => s.name === stageName);
	const body = await json<{ deal: { id: string } }>(
		await user.context.request.post(`/api/pipelines/${pipeline.id}/deals`, {
			data: {
				title,
				valueMinor: 1_250_000,
				currency: 'EUR',
				stageId: stage?.id,
				firstTask: { type: 'call', title: 'Call back', dueAt: new Date(Date.now() + 86_400_000).toISOString() }
			}
		}),
		'create deal'
	);
	return body.deal.id;
}

/** Opens the workspace's board and waits until it is live. */
export async function openBoard(user: BoardUser, pipelineId?: string): Promise<void> {
	await user.page.goto(pipelineId ? `/w/${user.workspaceId}/board/${pipelineId}` : `/w/${user.workspaceId}/board`);
	await user.page.waitForURL(/\/board\/[^/]+$/);
	await waitForConnection(user.page, 'live');
}

export async function waitForConnection(page: Page, state: 'live' | 'offline' | 'syncing'): Promise<void> {
	await page.locator(`[data-connection="${state}"]`).waitFor();
}

export function card(page: Page, dealId: string) {
	return page.locator(`[data-deal-id="${dealId}"]`);
}

export function column(page: Page, stageName: string) {
	return page.locator('[data-drop-stage]').filter({ has: page.getByRole('heading', { name: stageName, exact: true }) });
}

/** The name of the column a card is in, or null when the card is not on the board. */
export async function columnOf(page: Page, dealId: string): Promise<string | null> {
	return page.evaluate((id) => {
		const found = document.querySelector(`[data-deal-id="${id}"]`);
		return found?.closest('[data-drop-stage]')?.querySelector('h2')?.textContent?.trim() ?? null;
	}, dealId);
}

/** Waits until the card shows in the column (polling; the other browser gets it over the network). */
export async function waitForColumn(page: Page, dealId: string, stageName: string, timeoutMs = 8000): Promise<void> {
	await page.waitForFunction(
		([id, name]) => {
			const found = document.querySelector(`[data-deal-id="${id}"]`);
			return found?.closest('[data-drop-stage]')?.querySelector('h2')?.textContent?.trim() === name;
		},
		[dealId, stageName] as const,
		{ timeout: timeoutMs }
	);
}

/** Drags a card with real mouse moves onto the top of a column. */
export async function dragWithMouse(page: Page, dealId: string, stageName: string): Promise<void> {
	const from = await card(page, dealId).boundingBox();
	const to = await column(page, stageName).locator('[data-card-list]').boundingBox();
	if (!from || !to) throw new Error('card or column not on screen');
	const startX = from.x + from.width / 2;
	const startY = from.y + 20;
	await page.mouse.move(startX, startY);
	await page.mouse.down();
	await page.mouse.move(startX + 10, startY + 5, { steps: 2 });
	await page.mouse.move(to.x + to.width / 2, to.y + 24, { steps: 12 });
	await page.mouse.up();
}

/** The open stages' names in the order the board shows them. */
export async function stageOrder(page: Page): Promise<string[]> {
	return page.locator('[data-drop-stage] h2').allTextContents().then((names) => names.map((name) => name.trim()));
}

export async function waitForStageOrder(page: Page, names: string[], timeoutMs = 8000): Promise<void> {
	await page.waitForFunction(
		(expected) => [...document.querySelectorAll('[data-drop-stage] h2')].map((h) => h.textContent?.trim()).join('|') === expected,
		names.join('|'),
		{ timeout: timeoutMs }
	);
}

/**
 * Drags a column by its header with real mouse moves until the pointer is
 * just inside the left edge of another column, so it lands before it. Calls
 * `whileHeld` before letting go (to look at the drop indicator).
 */
export async function dragStageBefore(page: Page, stageName: string, beforeName: string, whileHeld?: () => Promise<void>): Promise<void> {
	const from = await column(page, stageName).getByRole('heading', { name: stageName, exact: true }).boundingBox();
	const to = await column(page, beforeName).boundingBox();
	if (!from || !to) throw new Error('column header not on screen');
	const startX = from.x + Math.min(20, from.width / 2);
	const startY = from.y + from.height / 2;
	await page.mouse.move(startX, startY);
	await page.mouse.down();
	await page.mouse.move(startX + 10, startY + 4, { steps: 2 });
	await page.mouse.move(to.x + 12, startY + 30, { steps: 14 });
	await whileHeld?.();
	await page.mouse.up();
}
