import { afterEach, expect, it } from 'vitest';
import { updateDeal } from '../../src/lib/model/index.js';
import type { RunningServer } from '../../server/server.js';
import { AuthThrottle } from '../../server/auth/throttle.js';
import { describeEachDatabase } from '../support/databases.js';
import { ApiClient, createTestApp, signUp, strongPassword, uniqueEmail, type TestApp } from '../support/api-client.js';
import { addMember, callApi, connectBoard, eventually, signUpOwner, startTestServer, type BoardClient } from '../support/sync-server.js';

const russian = { headers: { 'Accept-Language': 'ru-RU,ru;q=0.9' } };

/** Signs up with a workspace, the browser asking for the language given. */
async function signUpIn(app: TestApp, language: string) {
	const client = new ApiClient(app);
	const response = await client.post(
		'/api/auth/signup',
		{ email: uniqueEmail(), password: strongPassword, name: 'Test User', workspaceName: 'Test Workspace' },
		{ headers: { 'Accept-Language': language } }
	);
	expect(response.status).toBe(201);
	return { client, workspace: response.body.workspace as { id: string } };
}

/** The first pipeline of the workspace, its stages' names and the workspace's lost reasons. */
async function readDefaults(client: ApiClient, workspaceId: string) {
	const pipelines = await client.get(`/api/workspaces/${workspaceId}/pipelines`);
	const reasons = await client.get(`/api/workspaces/${workspaceId}/lost-reasons`);
	const [pipeline] = pipelines.body as Array<{ id: string; name: string; stages: Array<{ name: string }> }>;
	return {
		pipelineId: pipeline!.id,
		name: pipeline!.name,
		stages: pipeline!.stages.map((stage) => stage.name),
		reasons: (reasons.body.reasons as Array<{ label: string }>).map((reason) => reason.label)
	};
}

describeEachDatabase('the language of the account and of the server’s messages', (database) => {
	it('keeps a language per user, follows the browser when none is chosen, and refuses languages it does not speak', async () => {
		const app = createTestApp(database());
		const { client } = await signUp(app);
		expect((await client.get('/api/me')).body.user.locale).toBeNull();

		const chosen = await client.patch('/api/me', { locale: 'ru' });
		expect(chosen.status).toBe(200);
		expect(chosen.body.user).toMatchObject({ locale: 'ru', name: 'Test User' });
		expect((await client.get('/api/me')).body.user.locale).toBe('ru');

		const unknown = await client.patch('/api/me', { locale: 'de' });
		expect(unknown.status).toBe(422);
		expect(unknown.body.error.issues.map((issue: { path: string }) => issue.path)).toEqual(['locale']);
		const empty = await client.patch('/api/me', {});
		expect(empty.status).toBe(422);
		expect((await client.get('/api/me')).body.user.locale).toBe('ru');

		expect((await client.patch('/api/me', { locale: null })).body.user.locale).toBeNull();
	});

	it('answers errors in the account’s language, else in the first language of Accept-Language it speaks', async () => {
		const app = createTestApp(database());
		const anonymous = new ApiClient(app);
		const english = await anonymous.get('/api/me');
		expect(english.status).toBe(401);
		expect(english.body.error).toMatchObject({ code: 'unauthorized', message: 'You need to log in.' });
		const russian = await anonymous.call('GET', '/api/me', { headers: { 'Accept-Language': 'de-DE, ru;q=0.8, en;q=0.5' } });
		expect(russian.body.error).toMatchObject({ code: 'unauthorized', message: 'Нужно войти в систему.' });

		const { client } = await signUp(app);
		expect((await client.get('/api/no-such-route')).body.error.message).toBe('No route for GET /api/no-such-route.');
		await client.patch('/api/me', { locale: 'ru' });
		// The account's choice wins over the header.
		const missing = await client.call('GET', '/api/no-such-route', { headers: { 'Accept-Language': 'en' } });
		expect(missing.body.error).toMatchObject({ code: 'not_found', message: 'Нет маршрута GET /api/no-such-route.' });
	});

	it('tells a Russian account why in Russian: 404s per thing, 409s, 422s of its own and of zod, with the codes unchanged', async () => {
		const app = createTestApp(database());
		const english = await signUp(app);
		const { client, workspace, user } = await signUp(app);
		await client.patch('/api/me', { locale: 'ru' });

		const deal = await client.get('/api/deals/no-such-deal');
		expect(deal.status).toBe(404);
		expect(deal.body.error).toEqual({ code: 'not_found', message: 'Сделка не найдена.' });
		expect((await english.client.get('/api/deals/no-such-deal')).body.error).toEqual({ code: 'not_found', message: 'Deal was not found.' });
		expect((await client.get('/api/pipelines/no-such-pipeline/deals')).body.error.message).toBe('Воронка не найдена.');
		expect((await client.get('/api/workspaces/no-such-workspace')).body.error.message).toBe('Рабочее пространство не найдено.');
		expect((await client.delete('/api/tokens/no-such-token')).body.error.message).toBe('API-токен не найден.');

		// The workspace's only owner cannot stop being one.
		const lastOwner = await client.patch(`/api/workspaces/${workspace.id}/members/${user.id}`, { role: 'admin' });
		expect(lastOwner.status).toBe(409);
		expect(lastOwner.body.error).toEqual({
			code: 'last_owner',
			message: 'В рабочем пространстве должен остаться хотя бы один владелец: сначала сделайте владельцем кого-то другого.'
		});

		// A schema's own message, and zod's built-in one, with the summary naming the field.
		const unnamed = await client.post('/api/workspaces', { name: '  ' });
		expect(unnamed.status).toBe(422);
		expect(unnamed.body.error).toEqual({
			code: 'validation_failed',
			message: 'name: Назовите рабочее пространство.',
			issues: [{ path: 'name', message: 'Назовите рабочее пространство.' }]
		});
		const numbered = await client.post('/api/workspaces', { name: 5 });
		expect(numbered.body.error.code).toBe('validation_failed');
		expect(numbered.body.error.issues).toEqual([{ path: 'name', message: 'Неверный ввод: ожидалось string, получено число' }]);
		const englishNumbered = await english.client.post('/api/workspaces', { name: 5 });
		expect(englishNumbered.body.error.issues).toEqual([{ path: 'name', message: 'Invalid input: expected string, received number' }]);
		const tooLong = await client.patch('/api/me', { name: 'x'.repeat(101) });
		expect(tooLong.body.error.issues).toEqual([{ path: 'name', message: 'Используйте не больше 100 символов.' }]);

		// 422s of the handlers, with their issues, and a weak password.
		const wrong = await client.post('/api/me/password', { currentPassword: 'not-my-password-at-all', newPassword: 'another-long-passphrase-77' });
		expect(wrong.status).toBe(422);
		expect(wrong.body.error).toEqual({
			code: 'wrong_password',
			message: 'currentPassword: Текущий пароль введён неверно.',
			issues: [{ path: 'currentPassword', message: 'Текущий пароль введён неверно.' }]
		});
		const weak = await client.post('/api/me/password', { currentPassword: strongPassword, newPassword: 'short' });
		expect(weak.body.error).toMatchObject({ code: 'weak_password', message: 'newPassword: Используйте не меньше 10 символов.' });

		// A change the board's rules refuse through the API: the reason in Russian, the rule's code as before.
		const pipelines = await client.get(`/api/workspaces/${workspace.id}/pipelines`);
		const created = await client.post(`/api/pipelines/${pipelines.body[0].id}/deals`, {
			title: 'Ромашка: пилот',
			valueMinor: 0,
			currency: 'RUB',
			firstTask: { type: 'call', title: 'Позвонить', dueAt: '2030-01-01T10:00:00Z' }
		});
		const alone = await client.patch(`/api/tasks/${created.body.task.id}`, { done: true });
		expect(alone.status).toBe(409);
		expect(alone.body.error).toEqual({
			code: 'rule_deal_without_task',
			message: 'Сделка «Ромашка: пилот» открыта, и у неё должна остаться хотя бы одна активная задача.'
		});

		// Before logging in, the browser's language decides.
		const taken = await new ApiClient(app).post(
			'/api/auth/signup',
			{ email: english.email, password: strongPassword, name: 'Again', workspaceName: 'Again' },
			russian
		);
		expect(taken.status).toBe(409);
		expect(taken.body.error).toEqual({ code: 'email_taken', message: 'Аккаунт с этим адресом уже есть. Войдите в него.' });
		const badLogin = await new ApiClient(app).post('/api/auth/login', { email: english.email, password: 'wrong-password-here' }, russian);
		expect(badLogin.body.error).toEqual({ code: 'unauthorized', message: 'Неверный адрес почты или пароль.' });
	});

	it('answers the login throttle in Russian with the plural of the wait', async () => {
		const app = createTestApp(database(), { throttle: AuthThrottle.inMemory({ loginAddress: { points: 1, durationSec: 300 } }) });
		const anonymous = new ApiClient(app);
		await anonymous.post('/api/auth/login', { email: uniqueEmail(), password: 'wrong-password-here' }, russian);
		const throttled = await anonymous.post('/api/auth/login', { email: uniqueEmail(), password: 'wrong-password-here' }, russian);
		expect(throttled.status).toBe(429);
		expect(throttled.body.error).toEqual({
			code: 'too_many_attempts',
			message: 'Слишком много неудачных попыток входа из вашей сети. Попробуйте снова через 5 минут.'
		});
	});

	it('starts a workspace in its creator’s language: the pipeline, its stages, the lost reasons and the sample deals', async () => {
		const app = createTestApp(database());
		const ru = await signUpIn(app, 'ru-RU,ru;q=0.9,en;q=0.8');
		const russianDefaults = await readDefaults(ru.client, ru.workspace.id);
		expect(russianDefaults).toMatchObject({
			name: 'Продажи',
			stages: ['Первичный контакт', 'Квалификация', 'Встреча', 'Предложение', 'Переговоры', 'Успешно реализовано', 'Закрыто и не реализовано'],
			reasons: ['Нет бюджета', 'Выбрали конкурента', 'Не выходит на связь', 'Сделка невозможна']
		});
		const en = await signUpIn(app, 'en-GB,en;q=0.9');
		expect(await readDefaults(en.client, en.workspace.id)).toMatchObject({
			name: 'Sales',
			stages: ['New lead', 'Qualified', 'Meeting', 'Proposal', 'Negotiation', 'Won', 'Lost'],
			reasons: ['No budget', 'Chose a competitor', 'No response', 'Deal impossible']
		});

		// An account that chose Russian gets a Russian second workspace, whatever its browser says.
		await en.client.patch('/api/me', { locale: 'ru' });
		const second = await en.client.post('/api/workspaces', { name: 'Второе' }, { headers: { 'Accept-Language': 'en' } });
		expect(second.status).toBe(201);
		expect((await readDefaults(en.client, second.body.workspace.id)).stages[0]).toBe('Первичный контакт');

		// The web app sends the language on screen with every request.
		const sample = await ru.client.post(`/api/workspaces/${ru.workspace.id}/sample-data`, { count: 12, history: false }, russian);
		expect(sample.status).toBe(201);
		const deals = await ru.client.get(`/api/pipelines/${russianDefaults.pipelineId}/deals?limit=50`);
		const items = deals.body.deals as Array<{ title: string; currency: string; nextTask: { title: string } | null }>;
		expect(items).toHaveLength(12);
		for (const item of items) {
			expect(item.title).toMatch(/[а-яё]/i);
			expect(item.nextTask?.title).toMatch(/^[А-Я]/);
		}
		expect(items.some((item) => item.currency === 'RUB')).toBe(true);
	});
});

describeEachDatabase('the live board’s refusals in the connection’s language', (database) => {
	let server: RunningServer | null = null;
	const clients: BoardClient[] = [];
	afterEach(async () => {
		for (const client of clients.splice(0)) client.destroy();
		await server?.close();
		server = null;
	});

	it('tells a Russian viewer in Russian and an English one in English why a change was refused', async () => {
		server = await startTestServer(database());
		const url = server.url;
		const owner = await signUpOwner(url);
		const ru = await addMember(url, owner.token, owner.workspaceId, 'viewer');
		const en = await addMember(url, owner.token, owner.workspaceId, 'viewer');
		expect((await callApi(url, 'PATCH', '/api/me', { token: ru.token, json: { locale: 'ru' } })).status).toBe(200);
		const created = await callApi(url, 'POST', `/api/pipelines/${owner.pipeline.id}/deals`, {
			token: owner.token,
			json: { title: 'Ромашка', valueMinor: 500, currency: 'RUB', firstTask: { type: 'call', title: 'Позвонить', dueAt: '2030-01-01T09:00:00.000Z' } }
		});
		expect(created.status).toBe(201);
		const dealId = created.body.deal.id as string;

		for (const [member, expected] of [
			[ru, 'Наблюдатели не могут менять доску.'],
			[en, 'Viewers cannot change the board.']
		] as const) {
			const client = connectBoard(url, owner.pipeline.id, member.token);
			clients.push(client);
			await client.synced();
			updateDeal(client.doc, dealId, { title: 'Renamed by a viewer' }, { now: () => new Date().toISOString() });
			await eventually(() => client.refusals.length > 0, 'the viewer is told');
			expect(client.refusals[0]).toMatchObject({ rule: 'read-only', message: expected });
		}
	});

	it('refuses an upgrade in the language of Accept-Language', async () => {
		server = await startTestServer(database());
		const response = await fetch(`${server.url}/sync/some-pipeline`, { headers: { 'Accept-Language': 'ru' } });
		expect(response.status).toBe(401);
		expect(await response.json()).toEqual({ error: { code: 'unauthorized', message: 'Войдите или передайте API-токен в параметре ?token=.' } });
	});
});
