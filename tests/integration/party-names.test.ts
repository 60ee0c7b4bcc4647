import { afterEach, expect, it } from 'vitest';
import type { RunningServer } from '../../server/server.js';
import { describeEachDatabase } from '../support/databases.js';
import { addMember, callApi, signUpOwner, startTestServer } from '../support/sync-server.js';

describeEachDatabase('names of contacts and companies for boards', (database) => {
	let server: RunningServer | null = null;
	afterEach(async () => {
		await server?.close();
		server = null;
	});

	it('names live records of the workspace, with the companies of the contacts, and nothing of another workspace', async () => {
		server = await startTestServer(database());
		const a = await signUpOwner(server.url);
		const b = await signUpOwner(server.url);
		const api = (method: string, path: string, json?: unknown, token = a.token) => callApi(server!.url, method, path, { token, json });
		const wsA = `/api/workspaces/${a.workspaceId}`;
		const wsB = `/api/workspaces/${b.workspaceId}`;

		const company = (await api('POST', `${wsA}/companies`, { name: 'Stroymontazh' })).body.company;
		const anna = (await api('POST', `${wsA}/contacts`, { name: 'Anna Petrova', phones: ['+7 912 345-67-89'], companyId: company.id })).body.contact;
		const ivan = (await api('POST', `${wsA}/contacts`, { name: 'Ivan Sidorov' })).body.contact;
		const gone = (await api('POST', `${wsA}/contacts`, { name: 'Trashed Person', phones: ['+7 903 000-00-01'] })).body.contact;
		expect((await api('DELETE', `/api/contacts/${gone.id}`)).status).toBe(200);
		const foreignCompany = (await api('POST', `${wsB}/companies`, { name: 'Foreign LLC' }, b.token)).body.company;
		const foreign = (await api('POST', `${wsB}/contacts`, { name: 'Foreign Person', companyId: foreignCompany.id }, b.token)).body.contact;

		const names = await api('POST', `${wsA}/parties/names`, { contactIds: [anna.id, ivan.id, gone.id, foreign.id, 'nope'], companyIds: [foreignCompany.id] });
		expect(names.status).toBe(200);
		expect(names.body).toEqual({
			contacts: {
				[anna.id]: { name: 'Anna Petrova', companyId: company.id, phones: ['+7 912 345-67-89'] },
				[ivan.id]: { name: 'Ivan Sidorov', companyId: null, phones: [] }
			},
			// Stroymontazh was not asked for: it is Anna's company.
			companies: { [company.id]: { name: 'Stroymontazh' } }
		});

		// A viewer reads names (they see the boards); B's ids asked through B's path stay B's.
		const viewer = await addMember(server.url, a.token, a.workspaceId, 'viewer');
		const asViewer = await api('POST', `${wsA}/parties/names`, { companyIds: [company.id] }, viewer.token);
		expect(asViewer.body).toEqual({ contacts: {}, companies: { [company.id]: { name: 'Stroymontazh' } } });
		expect((await api('POST', `${wsB}/parties/names`, { contactIds: [foreign.id] })).status).toBe(404);
		expect((await api('POST', `${wsA}/parties/names`, {})).body).toEqual({ contacts: {}, companies: {} });

		const tooMany = await api('POST', `${wsA}/parties/names`, { contactIds: Array.from({ length: 501 }, (_, i) => `id${i}`) });
		expect(tooMany.status).toBe(422);
	});
});
