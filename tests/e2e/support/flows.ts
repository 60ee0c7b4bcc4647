import type { Page } from 'playwright-core';
import { strongPassword } from './browser';

export interface Account {
	name: string;
	email: string;
	password: string;
}

/** Signs up through the UI, starting a workspace; resolves once the board shows. */
export async function signUpWithWorkspace(page: Page, account: Account, workspaceName: string): Promise<string> {
	await page.goto('/signup');
	await page.getByLabel('Your name').fill(account.name);
	await page.getByLabel('Work email').fill(account.email);
	await page.getByLabel('Password').fill(account.password);
	await page.getByLabel('Workspace name').fill(workspaceName);
	await page.getByRole('button', { name: 'Create account' }).click();
	await page.waitForURL(/\/w\/[^/]+\/board$/);
	return workspaceIdOf(page);
}

export function workspaceIdOf(page: Page): string {
	const match = /\/w\/([^/]+)\//.exec(new URL(page.url()).pathname);
	if (!match?.[1]) throw new Error(`Not inside a workspace: ${page.url()}`);
	return match[1];
}

export function account(name: string, email: string): Account {
	return { name, email, password: strongPassword };
}
