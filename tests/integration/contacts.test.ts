import { afterEach, expect, it } from 'vitest';
import type { RunningServer } from '../../server/server.js';
import { describeEachDatabase } from '../support/databases.js';
import { addMember, callApi, signUpOwner, startTestServer } from '../support/sync-server.js';

describeEachDatabase('contacts and companies', (database) => {
	let server: RunningServer | null = null;
	afterEach(async () => {
		await server?.close();
		server = null;
	});

	async function setUp() {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const api = (method: string, path: string, json?: unknown, token = owner.token) => callApi(server!.url, method, path, { token, json });
		const ws = `/api/workspaces/${owner.workspaceId}`;
		return { owner, api, ws };
	}

	it('offers the existing contact when a phone is typed another way, and creates anyway only when forced', async () => {
		const { api, ws } = await setUp();
		const company = await api('POST', `${ws}/companies`, { name: 'ООО «Строймонтаж»', taxId: '7707083893' });
		expect(company.status).toBe(201);
		const anna = await api('POST', `${ws}/contacts`, {
			name: 'Анна Петрова',
			phones: ['+7 912 345-67-89'],
			emails: ['Anna.Petrova@gmail.com'],
			companyId: company.body.company.id,
			status: 'customer'
		});
		expect(anna.status).toBe(201);
		expect(anna.body.contact).toMatchObject({ name: 'Анна Петрова', companyName: 'ООО «Строймонтаж»', status: 'customer', phones: ['+7 912 345-67-89'] });

		const again = await api('POST', `${ws}/contacts`, { name: 'Новый лид', phones: ['8 (912) 345-67-89'] });
		expect(again.status).toBe(409);
		expect(again.body.error.code).toBe('duplicate_candidates');
		expect(again.body.error.message).toContain('Анна Петрова');
		expect(again.body.error.candidates).toEqual([
			expect.objectContaining({ id: anna.body.contact.id, name: 'Анна Петрова', matchedOn: ['phone'], companyName: 'ООО «Строймонтаж»', status: 'customer' })
		]);

		// Gmail ignores dots and plus-tags; a similar name matches too.
		const byEmail = await api('POST', `${ws}/contacts`, { name: 'Anna P', emails: ['annapetrova+crm@googlemail.com'] });
		expect(byEmail.body.error.candidates[0]).toMatchObject({ id: anna.body.contact.id, matchedOn: ['email'] });
		const byName = await api('POST', `${ws}/contacts`, { name: 'Петрова Анна' });
		expect(byName.status).toBe(409);
		expect(byName.body.error.candidates[0]).toMatchObject({ id: anna.body.contact.id, matchedOn: ['name'] });
		expect((await api('POST', `${ws}/contacts`, { name: 'Иван Сидоров', phones: ['+7 903 111-22-33'] })).status).toBe(201);

		const forced = await api('POST', `${ws}/contacts`, { name: 'Новый лид', phones: ['8 (912) 345-67-89'], force: true });
		expect(forced.status).toBe(201);

		const byTax = await api('POST', `${ws}/companies`, { name: 'Совсем другое название', taxId: '7707 083 893' });
		expect(byTax.status).toBe(409);
		expect(byTax.body.error.candidates[0]).toMatchObject({ id: company.body.company.id, matchedOn: ['taxId'] });

		// The check without saving, as the form asks while the rep types.
		const check = await api('POST', `${ws}/contacts/duplicates`, { phones: ['89123456789'] });
		expect(check.body.candidates.map((c: { id: string }) => c.id).sort()).toEqual([anna.body.contact.id, forced.body.contact.id].sort());
	});

	it('refuses bad input field by field and saves nothing', async () => {
		const { api, ws } = await setUp();
		const bad = await api('POST', `${ws}/contacts`, { name: 'Kovács Anna', phones: ['+36 30 123 4567', 'нет'], emails: ['anna@'] });
		expect(bad.status).toBe(422);
		expect(bad.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['phones.1', 'emails.0']);
		expect((await api('POST', `${ws}/contacts`, { name: '  ' })).status).toBe(422);
		expect((await api('POST', `${ws}/contacts`, { name: 'X', status: 'vip' })).status).toBe(422);
		expect((await api('POST', `${ws}/contacts`, { name: 'X', companyId: 'nope' })).body.error.code).toBe('unknown_company');
		expect((await api('POST', `${ws}/contacts`, { name: 'X', birthday: '31.12.1990' })).status).toBe(422);
		const list = await api('GET', `${ws}/contacts`);
		expect(list.body.total).toBe(0);
	});

	it('edits, lists with filters and sorting, and keeps deleted records in a trash they come back from', async () => {
		const { owner, api, ws } = await setUp();
		const rep = await addMember(server!.url, owner.token, owner.workspaceId, 'rep');
		const made = [];
		for (const [name, status] of [
			['Béla Szabó', 'potential'],
			['Anna Kovács', 'customer'],
			['Charles Dunn', 'lapsed']
		] as const) {
			made.push((await api('POST', `${ws}/contacts`, { name, status, tags: ['expo'] })).body.contact);
		}
		const sorted = await api('GET', `${ws}/contacts?sort=name&order=asc`);
		expect(sorted.body.items.map((c: { name: string }) => c.name)).toEqual(['Anna Kovács', 'Béla Szabó', 'Charles Dunn']);
		expect(sorted.body.total).toBe(3);
		const customers = await api('GET', `${ws}/contacts?status=customer`);
		expect(customers.body.items.map((c: { name: string }) => c.name)).toEqual(['Anna Kovács']);
		const paged = await api('GET', `${ws}/contacts?sort=name&limit=2&offset=2`);
		expect(paged.body.items.map((c: { name: string }) => c.name)).toEqual(['Charles Dunn']);
		expect((await api('GET', `${ws}/contacts?q=kov`)).body.items.map((c: { name: string }) => c.name)).toEqual(['Anna Kovács']);

		const edited = await api('PATCH', `/api/contacts/${made[0].id}`, { phones: ['+36 30 123 4567'], segment: 'key' });
		expect(edited.status).toBe(200);
		expect(edited.body.contact).toMatchObject({ name: 'Béla Szabó', phones: ['+36 30 123 4567'], segment: 'key', tags: ['expo'] });
		expect((await api('GET', `${ws}/contacts?q=%2B36301234567`)).body.items.map((c: { name: string }) => c.name)).toEqual(['Béla Szabó']);

		// A rep who does not own the record may not delete it; the owner may.
		expect((await api('DELETE', `/api/contacts/${made[1].id}`, undefined, rep.token)).status).toBe(403);
		const deleted = await api('DELETE', `/api/contacts/${made[1].id}`);
		expect(deleted.status).toBe(200);
		expect(deleted.body.contact.deletedAt).not.toBeNull();
		expect((await api('GET', `${ws}/contacts`)).body.total).toBe(2);
		expect((await api('GET', `${ws}/contacts?trash=true`)).body.items.map((c: { name: string }) => c.name)).toEqual(['Anna Kovács']);
		expect((await api('PATCH', `/api/contacts/${made[1].id}`, { name: 'x' })).status).toBe(422);
		expect((await api('POST', `/api/contacts/${made[1].id}/restore`)).status).toBe(200);
		expect((await api('GET', `${ws}/contacts`)).body.total).toBe(3);
		const timeline = await api('GET', `/api/contacts/${made[1].id}/timeline`);
		expect(timeline.body.entries.map((e: { type: string; action?: string }) => e.action)).toEqual(['restored', 'deleted', 'created']);
	});

	it('merges two contacts keeping every deal, interaction, phone, email and link of both, recorded in the timeline', async () => {
		const { owner, api, ws } = await setUp();
		const keep = (await api('POST', `${ws}/contacts`, { name: 'Anna Petrova', phones: ['+7 912 345-67-89'], emails: ['anna@stroy.ru'] })).body.contact;
		const other = (
			await api('POST', `${ws}/contacts`, { name: 'Анна Петрова (старая)', phones: ['+7 495 123-45-67'], emails: ['a.petrova@mail.ru'], status: 'customer', force: true })
		).body.contact;
		const friend = (await api('POST', `${ws}/contacts`, { name: 'Oleg Ivanov' })).body.contact;
		expect((await api('POST', `${ws}/links`, { fromKind: 'contact', fromId: friend.id, toKind: 'contact', toId: other.id, relation: 'can help move this deal' })).status).toBe(201);
		const deal = await api('POST', `/api/pipelines/${owner.pipeline.id}/deals`, {
			title: 'Roof for the warehouse',
			valueMinor: 100000,
			currency: 'RUB',
			contactId: other.id,
			firstTask: { type: 'call', title: 'Call back', dueAt: '2030-01-01T10:00:00Z' }
		});
		expect(deal.status).toBe(201);
		expect((await api('POST', `/api/contacts/${other.id}/interactions`, { kind: 'call', text: 'Asked for a quote' })).status).toBe(201);
		await expect.poll(async () => (await api('GET', `/api/contacts/${other.id}`)).body.deals).toHaveLength(1);

		const merged = await api('POST', `/api/contacts/${keep.id}/merge`, { otherId: other.id });
		expect(merged.status).toBe(200);
		expect(merged.body.contact).toMatchObject({
			id: keep.id,
			name: 'Anna Petrova',
			phones: ['+7 912 345-67-89', '+7 495 123-45-67'],
			emails: ['anna@stroy.ru', 'a.petrova@mail.ru'],
			status: 'customer'
		});
		expect((await api('GET', `/api/contacts/${other.id}`)).status).toBe(404);
		await expect.poll(async () => (await api('GET', `/api/contacts/${keep.id}`)).body.deals.map((d: { title: string }) => d.title)).toEqual(['Roof for the warehouse']);
		const page = (await api('GET', `/api/contacts/${keep.id}`)).body;
		expect(page.links).toEqual([expect.objectContaining({ otherId: friend.id, relation: 'can help move this deal' })]);
		expect((await api('GET', `/api/deals/${deal.body.deal.id}`)).body.deal.contactId).toBe(keep.id);
		const timeline = (await api('GET', `/api/contacts/${keep.id}/timeline`)).body.entries;
		expect(timeline[0]).toMatchObject({ type: 'record', action: 'merged', detail: expect.objectContaining({ otherName: 'Анна Петрова (старая)' }) });
		expect(timeline.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['interaction', 'deal', 'record']));
		expect(timeline.find((e: { type: string }) => e.type === 'interaction')).toMatchObject({ kind: 'call', text: 'Asked for a quote' });
		// A second merge of the same pair finds nothing to merge.
		expect((await api('POST', `/api/contacts/${keep.id}/merge`, { otherId: other.id })).status).toBe(404);
		expect((await api('POST', `/api/contacts/${keep.id}/merge`, { otherId: keep.id })).status).toBe(422);
	});

	it('pages the timeline without losing or repeating entries that share a time', async () => {
		const { api, ws } = await setUp();
		const contact = (await api('POST', `${ws}/contacts`, { name: 'Pager' })).body.contact;
		const at = '2030-05-01T10:00:00.000Z';
		for (let i = 0; i < 5; i++) await api('POST', `/api/contacts/${contact.id}/interactions`, { kind: 'note', text: `same time ${i}`, at });
		for (let i = 0; i < 4; i++) await api('POST', `/api/contacts/${contact.id}/interactions`, { kind: 'note', text: `later ${i}`, at: `2030-05-0${2 + i}T10:00:00.000Z` });
		const seen: string[] = [];
		let next: string | null = null;
		let pages = 0;
		do {
			const answer = await api('GET', `/api/contacts/${contact.id}/timeline?limit=3${next ? `&before=${encodeURIComponent(next)}` : ''}`);
			seen.push(...answer.body.entries.map((e: { id: string }) => e.id));
			next = answer.body.next;
			pages++;
		} while (next && pages < 10);
		expect(seen).toHaveLength(10); // nine notes and "created"
		expect(new Set(seen).size).toBe(10);
	});

	it('searches contacts, companies and deals by name with a typo, by phone in any format and by tax id', async () => {
		const { owner, api, ws } = await setUp();
		const company = (await api('POST', `${ws}/companies`, { name: 'Stroymontazh', taxId: '7736207543', phones: ['+7 495 739-70-00'] })).body.company;
		const anna = (await api('POST', `${ws}/contacts`, { name: 'Анна Петрова', phones: ['+7 912 345-67-89'], companyId: company.id })).body.contact;
		await api('POST', `/api/pipelines/${owner.pipeline.id}/deals`, {
			title: 'Warehouse roof',
			valueMinor: 0,
			currency: 'RUB',
			firstTask: { type: 'call', title: 'Call back', dueAt: '2030-01-01T10:00:00Z' }
		});
		const search = async (q: string) => (await api('GET', `${ws}/search?q=${encodeURIComponent(q)}`)).body;
		expect((await search('Петрва')).contacts.map((c: { id: string }) => c.id)).toEqual([anna.id]);
		expect((await search('8 (912) 345')).contacts.map((c: { id: string }) => c.id)).toEqual([anna.id]);
		expect((await search('7736207543')).companies.map((c: { id: string }) => c.id)).toEqual([company.id]);
		expect((await search('stroymont')).companies[0]).toMatchObject({ id: company.id, taxId: '7736207543' });
		// A Hungarian adószám typed whole is found by the tax number it is stored under.
		const pannon = (await api('POST', `${ws}/companies`, { name: 'Pannon Kft.', taxId: '12345676-2-42' })).body.company;
		expect((await search('12345676-2-42')).companies.map((c: { id: string }) => c.id)).toEqual([pannon.id]);
		// Every word must match: a first name and a surname with a typo find her, not every Anna.
		await api('POST', `${ws}/contacts`, { name: 'Анна Смирнова', phones: ['+7 903 000-00-01'] });
		expect((await search('анна петрва')).contacts.map((c: { id: string }) => c.id)).toEqual([anna.id]);
		await expect.poll(async () => (await search('warehose')).deals.map((d: { title: string }) => d.title)).toEqual(['Warehouse roof']);
		// Near misses are a fallback: once a record has the word exactly, the typo-like ones are not offered beside it.
		const warehose = (await api('POST', `${ws}/contacts`, { name: 'Ivan Warehose' })).body.contact;
		expect(await search('warehose')).toMatchObject({ contacts: [{ id: warehose.id }], companies: [], deals: [] });
		// A whole e-mail is looked up by its key: Gmail ignores dots and plus tags, and so does search.
		const olga = (await api('POST', `${ws}/contacts`, { name: 'Olga Kim', emails: ['Olga.Kim@gmail.com'] })).body.contact;
		expect((await search('olgakim+crm@gmail.com')).contacts.map((c: { id: string }) => c.id)).toEqual([olga.id]);
		expect((await api('GET', `${ws}/search`)).status).toBe(422);
	});

	it('finds a partial number by the digits it ends with first, also when it starts like a trunk prefix', async () => {
		const { api, ws } = await setUp();
		// Nine Hungarian numbers that contain the digits typed below, under names that sort first.
		for (let i = 0; i < 9; i++) {
			const created = await api('POST', `${ws}/contacts`, { name: `Aaron ${i}`, phones: [`+36 30 685 100${i}`, `+36 20 620 692${i}`], force: true });
			expect(created.status).toBe(201);
		}
		const zoya = (await api('POST', `${ws}/contacts`, { name: 'Зоя Зуева', phones: ['+7 995 363-06-85'] })).body.contact;
		const zinaida = (await api('POST', `${ws}/contacts`, { name: 'Зинаида Зимина', phones: ['+7 (990) 862-06-92'] })).body.contact;
		const search = async (q: string) => (await api('GET', `${ws}/search?q=${encodeURIComponent(q)}`)).body.contacts as Array<{ id: string }>;
		// "363-06-85" is the end of Zoya's number; it is also inside every +36 30 685… number.
		expect((await search('363-06-85'))[0]?.id).toBe(zoya.id);
		// "862-06-92" starts with 8, but it is the end of a number, not a Russian trunk prefix.
		expect((await search('862-06-92'))[0]?.id).toBe(zinaida.id);
		// A typed trunk prefix still finds the number stored without it.
		expect((await search('8 (995) 363'))[0]?.id).toBe(zoya.id);
	});
});
