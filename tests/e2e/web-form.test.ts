import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { describeWithBrowser, launchBrowser, newUser, uniqueEmail } from './support/browser';
import { account, signUpWithWorkspace } from './support/flows';

const baseUrl = inject('baseUrl');

/** Another site: a page per path, set by the test, served from its own origin. */
function startSite(): Promise<{ server: Server; origin: string; pages: Map<string, string> }> {
	const pages = new Map<string, string>();
	const server = createServer((request, response) => {
		const body = pages.get(new URL(request.url ?? '/', 'http://x').pathname);
		response.writeHead(body === undefined ? 404 : 200, { 'content-type': 'text/html; charset=utf-8' });
		response.end(body ?? 'not found');
	});
	return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, pages })));
}

describeWithBrowser('web forms on another site', () => {
	let browser: Browser;
	let site: Awaited<ReturnType<typeof startSite>>;

	beforeAll(async () => {
		browser = await launchBrowser();
		site = await startSite();
	});

	afterAll(async () => {
		await browser?.close();
		await new Promise((resolve) => site?.server.close(resolve));
	});

	it('creates a form in Settings, and its snippet and embed script, served from another origin, put requests on the board', async () => {
		const { page, context } = await newUser(browser, baseUrl);
		const workspaceId = await signUpWithWorkspace(page, account('Wendy Webform', uniqueEmail('wendy')), `Forms ${Date.now().toString(36)}`);
		const [pipeline] = (await (await page.request.get(`/api/workspaces/${workspaceId}/pipelines`)).json()) as { id: string }[];

		// Settings → Web forms: a new form for the site, with a thank-you page there.
		await page.goto(`/w/${workspaceId}/settings`);
		await page.getByTestId('forms-link').click();
		await page.getByRole('heading', { name: 'Web forms', level: 1 }).waitFor();
		await page.getByTestId('new-form').click();
		await page.getByTestId('form-name').fill('Website contact form');
		await page.getByTestId('form-origins').fill(site.origin);
		await page.getByTestId('form-thank-you').fill(`${site.origin}/thanks`);
		await page.getByTestId('save-form').click();
		const snippet = await page.getByTestId('form-snippet').inputValue();
		const embed = await page.getByTestId('form-embed').inputValue();
		expect(snippet).toContain(`<form method="post" action="${baseUrl}/api/public/forms/`);
		expect(snippet).toContain('name="homepage"');
		expect(embed).toContain(`${baseUrl}/forms/embed.js`);
		const [form] = ((await (await page.request.get(`/api/pipelines/${pipeline!.id}/forms`)).json()) as { forms: { id: string; key: string }[] }).forms;
		expect(snippet).toContain(form!.key);

		site.pages.set('/contact.html', `<!doctype html><html><head><title>Shop</title></head><body><h1>Contact us</h1>${snippet}</body></html>`);
		site.pages.set('/embed.html', `<!doctype html><html><head><title>Shop</title></head><body><h1>Write to us</h1>${embed}</body></html>`);
		site.pages.set('/thanks', '<!doctype html><html><body><h1>Thanks from the shop</h1></body></html>');
		const visitor = await context.browser()!.newContext();
		const sitePage = await visitor.newPage();

		// The plain HTML form: filled and sent as a browser does, redirected to the thank-you page.
		await sitePage.goto(`${site.origin}/contact.html`);
		await sitePage.getByLabel('Name').fill('Anna Petrova');
		await sitePage.getByLabel('Email').fill('anna@example.com');
		await sitePage.getByLabel('Message').fill('Please call me back about the delivery');
		await sitePage.getByRole('button', { name: 'Send' }).click();
		await sitePage.waitForURL(`${site.origin}/thanks`);
		await sitePage.getByRole('heading', { name: 'Thanks from the shop' }).waitFor();

		const log = async () => ((await (await page.request.get(`/api/forms/${form!.id}/log`)).json()) as { entries: { outcome: string; dealId: string | null }[] }).entries;
		await expect.poll(async () => (await log()).length).toBe(1);
		const [first] = await log();
		expect(first!.outcome).toBe('done');
		const deal = (await (await page.request.get(`/api/deals/${first!.dealId}`)).json()) as { deal: { title: string; source: string } };
		expect(deal.deal).toMatchObject({ title: 'Request from website: Anna Petrova', source: 'form' });

		// The embed script: without a thank-you address it shows the thank-you words in place.
		expect((await page.request.patch(`/api/forms/${form!.id}`, { data: { thankYouUrl: null } })).status()).toBe(200);
		await sitePage.goto(`${site.origin}/embed.html`);
		await sitePage.getByLabel('Name').fill('Boris Sidorov');
		await sitePage.getByLabel('Phone').fill('+7 912 000-00-77');
		await sitePage.getByRole('button', { name: 'Send' }).click();
		await sitePage.getByText('We have received your request and will get back to you soon.').waitFor();
		await expect.poll(async () => (await log()).length).toBe(2);
		const [second] = await log();
		const embedded = (await (await page.request.get(`/api/deals/${second!.dealId}`)).json()) as { deal: { title: string } };
		expect(embedded.deal.title).toBe('Request from website: Boris Sidorov');

		// The form's log in Settings links both deals.
		await page.getByRole('button', { name: 'Log' }).first().click();
		await page.getByTestId('form-log').getByRole('link', { name: /Boris Sidorov/ }).waitFor();
		await visitor.close();
	});
});
