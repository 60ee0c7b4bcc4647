import { expect, it } from 'vitest';
import { describeEachDatabase } from '../support/databases.js';
import { ApiClient, createTestApp, signUp } from '../support/api-client.js';

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
});
