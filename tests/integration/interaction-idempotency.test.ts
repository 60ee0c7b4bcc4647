import { afterEach, expect, it } from 'vitest';
import type { RunningServer } from '../../server/server.js';
import { describeEachDatabase } from '../support/databases.js';
import { addMember, callApi, signUpOwner, startTestServer } from '../support/sync-server.js';

describeEachDatabase('logging a timeline entry with a client id', (database) => {
	let server: RunningServer | null = null;
	afterEach(async () => {
		await server?.close();
		server = null;
	});

	it('logs it once however often it is sent, and refuses a key that names someone else’s entry', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const rep = await addMember(server.url, owner.token, owner.workspaceId, 'rep');
		const api = (method: string, path: string, json?: unknown, token = owner.token) => callApi(server!.url, method, path, { token, json });
		const newDeal = async (title: string) =>
			(
				await api('POST', `/api/pipelines/${owner.pipeline.id}/deals`, {
					title,
					valueMinor: 0,
					currency: 'EUR',
					firstTask: { type: 'call', title: 'Call back', dueAt: '2030-01-01T10:00:00Z' }
				})
			).body.deal.id as string;
		const acme = await newDeal('Acme');
		const globex = await newDeal('Globex');

		const note = { kind: 'note', text: 'Met Anna in the basement: budget approved', at: '2026-11-20T10:00:00Z', clientId: 'q3offlinenote0000000000001' };
		const first = await api('POST', `/api/deals/${acme}/interactions`, note);
		expect(first.status).toBe(201);
		expect(first.body.interaction).toMatchObject({ id: note.clientId, text: note.text, at: '2026-11-20T10:00:00.000Z' });
		// The answer was lost and the outbox sends it again, twice.
		for (let attempt = 0; attempt < 2; attempt++) {
			const again = await api('POST', `/api/deals/${acme}/interactions`, note);
			expect(again.status).toBe(201);
			expect(again.body.interaction).toEqual(first.body.interaction);
		}
		const timeline = (await api('GET', `/api/deals/${acme}`)).body.interactions as Array<{ text: string }>;
		expect(timeline.filter((entry) => entry.text === note.text)).toHaveLength(1);

		// The same key on another deal, or from another user, is not a replay: refused, nothing shown.
		const otherDeal = await api('POST', `/api/deals/${globex}/interactions`, note);
		expect(otherDeal.status).toBe(409);
		expect(otherDeal.body.error.code).toBe('client_id_taken');
		const otherUser = await api('POST', `/api/deals/${acme}/interactions`, { ...note, text: 'Overwritten?' }, rep.token);
		expect(otherUser.status).toBe(409);
		expect(JSON.stringify(otherUser.body)).not.toContain(note.text);
		expect((await api('GET', `/api/deals/${globex}`)).body.interactions).toEqual([]);

		// Keys are plain ids; without one every request logs a new entry, as before.
		expect((await api('POST', `/api/deals/${acme}/interactions`, { ...note, clientId: 'Bad key!' })).status).toBe(422);
		expect((await api('POST', `/api/deals/${acme}/interactions`, { kind: 'call', text: 'Twice' })).status).toBe(201);
		expect((await api('POST', `/api/deals/${acme}/interactions`, { kind: 'call', text: 'Twice' })).status).toBe(201);
		const twice = ((await api('GET', `/api/deals/${acme}`)).body.interactions as Array<{ text: string }>).filter((entry) => entry.text === 'Twice');
		expect(twice).toHaveLength(2);
	});
});
