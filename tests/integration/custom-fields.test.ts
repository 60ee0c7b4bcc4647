import { afterEach, expect, it } from 'vitest';
import type { RunningServer } from '../../server/server.js';
import { boardMaps, dealFieldKey, listStages } from '../../src/lib/model/index.js';
import { describeEachDatabase } from '../support/databases.js';
import { addMember, callApi, connectBoard, eventually, signUpOwner, startTestServer, type BoardClient } from '../support/sync-server.js';

/** Custom fields through the public interfaces: the fields API, records, deals, the live board and lists. */
describeEachDatabase('custom fields', (database) => {
	let server: RunningServer | null = null;
	const clients: BoardClient[] = [];
	afterEach(async () => {
		for (const client of clients.splice(0)) client.destroy();
		await server?.close();
		server = null;
	});

	async function setUp() {
		server ??= await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const api = (method: string, path: string, json?: unknown, token = owner.token) => callApi(server!.url, method, path, { token, json });
		const ws = `/api/workspaces/${owner.workspaceId}`;
		const field = async (json: Record<string, unknown>) => {
			const answer = await api('POST', `${ws}/fields`, json);
			expect(answer.status, JSON.stringify(answer.body)).toBe(201);
			return answer.body as { id: string; options: Array<{ id: string; label: string }> };
		};
		return { owner, api, ws, field };
	}

	it('keeps a value of every type on contacts, refuses bad ones naming the field, clears with null and filters lists', async () => {
		const { owner, api, ws, field } = await setUp();
		const rep = await addMember(server!.url, owner.token, owner.workspaceId, 'rep');
		expect((await api('POST', `${ws}/fields`, { entity: 'contact', label: 'Nope', type: 'text' }, rep.token)).status).toBe(403);
		expect((await api('POST', `${ws}/fields`, { entity: 'contact', label: 'No options', type: 'choice' })).status).toBe(422);

		const text = await field({ entity: 'contact', label: 'Hobby', type: 'text' });
		const number = await field({ entity: 'contact', label: 'Employees', type: 'number' });
		const money = await field({ entity: 'contact', label: 'Budget', type: 'money' });
		const date = await field({ entity: 'contact', label: 'Met on', type: 'date' });
		const choice = await field({ entity: 'contact', label: 'Industry', type: 'choice', options: [{ label: 'Retail' }, { label: 'Steel' }], pinned: true });
		const multi = await field({ entity: 'contact', label: 'Channels', type: 'multi_choice', options: [{ label: 'Phone' }, { label: 'Email' }] });
		const user = await field({ entity: 'contact', label: 'Advisor', type: 'user' });
		const link = await field({ entity: 'contact', label: 'Profile', type: 'link' });
		const [retail, steel] = choice.options.map((option) => option.id);
		const [phone, email] = multi.options.map((option) => option.id);

		const custom = {
			[text.id]: 'Sailing',
			[number.id]: 42.5,
			[money.id]: { amountMinor: 1250000, currency: 'EUR' },
			[date.id]: '2030-05-31',
			[choice.id]: retail,
			[multi.id]: [phone, email],
			[user.id]: rep.userId,
			[link.id]: 'https://example.com/anna'
		};
		const created = await api('POST', `${ws}/contacts`, { name: 'Anna Field', custom }, rep.token);
		expect(created.status, JSON.stringify(created.body)).toBe(201);
		expect(created.body.contact.custom).toEqual(custom);
		const id = created.body.contact.id as string;

		const bad: Array<[string, unknown, RegExp]> = [
			[text.id, '   ', /Hobby/],
			[number.id, 'many', /Employees/],
			[money.id, { amountMinor: 1.5, currency: 'EUR' }, /Budget/],
			[date.id, '2030-02-30', /Met on/],
			[choice.id, 'not-an-option', /Industry/],
			[multi.id, [phone, phone], /Channels/],
			[user.id, 'stranger', /Advisor/],
			[link.id, 'javascript:alert(1)', /Profile/],
			['no-such-field', 'x', /no-such-field/]
		];
		for (const [fieldId, value, label] of bad) {
			const answer = await api('PATCH', `/api/contacts/${id}`, { custom: { [fieldId]: value } }, rep.token);
			expect(answer.status, `${fieldId} ${JSON.stringify(value)}`).toBe(422);
			expect(answer.body.error.issues[0].path).toBe(`custom.${fieldId}`);
			expect(answer.body.error.issues[0].message).toMatch(label);
		}

		const cleared = await api('PATCH', `/api/contacts/${id}`, { custom: { [text.id]: null, [choice.id]: steel } }, rep.token);
		expect(cleared.status).toBe(200);
		expect(cleared.body.contact.custom[text.id]).toBeUndefined();
		expect(cleared.body.contact.custom).toMatchObject({ [choice.id]: steel, [number.id]: 42.5 });

		await api('POST', `${ws}/contacts`, { name: 'Boris Other', custom: { [choice.id]: retail, [text.id]: 'Chess' }, force: true });
		const names = async (query: string) => ((await api('GET', `${ws}/contacts?${query}`)).body.items as Array<{ name: string }>).map((item) => item.name).sort();
		expect(await names(`field=${encodeURIComponent(`${choice.id}:${steel}`)}`)).toEqual(['Anna Field']);
		expect(await names(`field=${encodeURIComponent(`${choice.id}:${retail}`)}`)).toEqual(['Boris Other']);
		expect(await names(`field=${encodeURIComponent(`${multi.id}:${email}`)}`)).toEqual(['Anna Field']);
		expect(await names(`field=${encodeURIComponent(`${text.id}:ches`)}`)).toEqual(['Boris Other']);
		expect((await api('GET', `${ws}/contacts?field=${encodeURIComponent('nope:1')}`)).status).toBe(422);

		// Archiving hides the field and refuses new values; the stored ones stay.
		expect((await api('DELETE', `/api/fields/${number.id}`)).status).toBe(204);
		expect(((await api('GET', `${ws}/fields?entity=contact`)).body.fields as Array<{ id: string }>).map((f) => f.id)).not.toContain(number.id);
		expect(((await api('GET', `${ws}/fields?archived=true`)).body.fields as Array<{ id: string; archived: boolean }>).find((f) => f.id === number.id)?.archived).toBe(true);
		expect((await api('PATCH', `/api/contacts/${id}`, { custom: { [number.id]: 7 } })).status).toBe(422);
		expect((await api('GET', `/api/contacts/${id}`)).body.record.custom[number.id]).toBe(42.5);
	});

	it('refuses a field of another workspace, on records and to its admins', async () => {
		const { api, ws, field } = await setUp();
		const mine = await field({ entity: 'company', label: 'Tier', type: 'text' });
		const other = await signUpOwner(server!.url);
		const theirs = (method: string, path: string, json?: unknown) => callApi(server!.url, method, path, { token: other.token, json });
		const company = await theirs('POST', `/api/workspaces/${other.workspaceId}/companies`, { name: 'Elsewhere Ltd', custom: { [mine.id]: 'Gold' } });
		expect(company.status).toBe(422);
		expect(company.body.error.issues[0].path).toBe(`custom.${mine.id}`);
		expect((await theirs('PATCH', `/api/fields/${mine.id}`, { label: 'Taken' })).status).toBe(404);
		expect((await theirs('DELETE', `/api/fields/${mine.id}`)).status).toBe(404);
		expect((await api('GET', `${ws}/fields`)).body.fields[0].label).toBe('Tier');
		// An admin's change to the workspace's fields is in its audit log.
		const audit = await api('GET', `${ws}/audit?action=field.created`);
		expect(audit.body.events.map((event: { detail: { label: string } }) => event.detail.label)).toEqual(['Tier']);
	});

	it('keeps deal values on the board: the API and the board write them, bad ones are refused, a strict stage requires them', async () => {
		const { owner, api, ws, field } = await setUp();
		const temperature = await field({ entity: 'deal', label: 'Temperature', type: 'choice', options: [{ label: 'Hot' }, { label: 'Cold' }], pinned: true });
		const hot = temperature.options[0]!.id;
		const note = await field({ entity: 'deal', label: 'Deal note', type: 'text' });
		const contactField = await field({ entity: 'contact', label: 'Contact only', type: 'text' });
		const pipelineId = owner.pipeline.id;
		const created = await api('POST', `/api/pipelines/${pipelineId}/deals`, {
			title: 'Field deal',
			valueMinor: 5000,
			currency: 'EUR',
			firstTask: { type: 'call', title: 'Call', dueAt: '2030-01-01T10:00:00Z' }
		});
		expect(created.status).toBe(201);
		const dealId = created.body.deal.id as string;

		const newDeal = (custom: unknown) =>
			api('POST', `/api/pipelines/${pipelineId}/deals`, { title: 'Born with fields', valueMinor: 1, currency: 'EUR', custom, firstTask: { type: 'call', title: 'Call', dueAt: '2030-01-01T10:00:00Z' } });
		const born = await newDeal({ [temperature.id]: hot });
		expect(born.status, JSON.stringify(born.body)).toBe(201);
		expect(born.body.deal.fields).toEqual({ [temperature.id]: hot });
		expect((await newDeal({ [temperature.id]: 'lukewarm' })).status).toBe(422);

		const patched = await api('PATCH', `/api/deals/${dealId}`, { custom: { [note.id]: 'Wants a demo' } });
		expect(patched.status, JSON.stringify(patched.body)).toBe(200);
		expect(patched.body.deal.custom).toEqual({ [note.id]: 'Wants a demo' });
		const refused = await api('PATCH', `/api/deals/${dealId}`, { custom: { [temperature.id]: 'lukewarm', [contactField.id]: 'x' } });
		expect(refused.status).toBe(422);
		expect(refused.body.error.issues.map((issue: { path: string }) => issue.path).sort()).toEqual([`custom.${contactField.id}`, `custom.${temperature.id}`].sort());

		// A board client writing a value the field does not take is refused, and the document never keeps it.
		const board = connectBoard(server!.url, pipelineId, owner.token);
		clients.push(board);
		await board.synced();
		const deal = () => boardMaps(board.doc).deals.get(dealId)!;
		board.doc.transact(() => deal().set(dealFieldKey(temperature.id), 'lukewarm'));
		await eventually(() => board.refusals.length > 0, 'the bad value is refused');
		expect(board.refusals[0]).toMatchObject({ rule: 'schema', id: dealId });
		expect(board.refusals[0]!.message).toMatch(/Temperature/);
		await eventually(() => deal().get(dealFieldKey(temperature.id)) === undefined, 'the refused value is reverted');
		board.doc.transact(() => deal().set(dealFieldKey('made-up'), 'x'));
		await eventually(() => board.refusals.length > 1, 'an unknown field is refused');
		await eventually(() => deal().get(dealFieldKey('made-up')) === undefined, 'the unknown field is reverted');
		expect(((await api('GET', `/api/deals/${dealId}`)).body.deal.custom as Record<string, unknown>)[temperature.id]).toBeUndefined();

		// Strict pipeline: the second stage requires the temperature; a move without it is refused naming it.
		expect((await api('PATCH', `/api/pipelines/${pipelineId}`, { mode: 'strict' })).status).toBe(200);
		const [first, second] = listStages(board.doc).filter((stage) => stage.kind === 'open');
		expect(first!.id).toBe(created.body.deal.stageId);
		board.doc.transact(() => boardMaps(board.doc).stages.get(second!.id)!.set('required', ['value', `field:${temperature.id}`]));
		await eventually(async () => {
			const moved = await api('POST', `/api/deals/${dealId}/move`, { stageId: second!.id });
			return moved.status === 409 && /Temperature/.test(moved.body.error.message);
		}, 'the move is refused naming the field');

		board.doc.transact(() => deal().set(dealFieldKey(temperature.id), hot));
		await eventually(async () => ((await api('GET', `/api/deals/${dealId}`)).body.deal.custom as Record<string, unknown>)[temperature.id] === hot, 'the board value is projected');
		const moved = await api('POST', `/api/deals/${dealId}/move`, { stageId: second!.id });
		expect(moved.status, JSON.stringify(moved.body)).toBe(200);
		const list = await api('GET', `/api/pipelines/${pipelineId}/deals?field=${encodeURIComponent(`${temperature.id}:${hot}`)}`);
		expect(list.body.deals.map((item: { id: string }) => item.id).sort()).toEqual([dealId, born.body.deal.id].sort());
		expect(list.body.deals.every((item: { custom: Record<string, unknown> }) => item.custom[temperature.id] === hot)).toBe(true);
		expect((await api('GET', `${ws}/fields?entity=deal`)).body.fields.map((f: { label: string }) => f.label)).toEqual(['Temperature', 'Deal note']);
	});

	it('exports custom fields as labelled columns and imports that file back, refusing a row whose value does not fit', async () => {
		const { owner, api, ws, field } = await setUp();
		const tier = await field({ entity: 'company', label: 'Tier', type: 'choice', options: [{ label: 'Gold' }, { label: 'Silver' }] });
		const budget = await field({ entity: 'company', label: 'Budget', type: 'money' });
		const advisor = await field({ entity: 'company', label: 'Advisor', type: 'user' });
		const gold = tier.options[0]!.id;
		const created = await api('POST', `${ws}/companies`, {
			name: 'Roundtrip Ltd',
			custom: { [tier.id]: gold, [budget.id]: { amountMinor: 1250050, currency: 'EUR' }, [advisor.id]: owner.userId }
		});
		expect(created.status).toBe(201);
		const response = await fetch(`${server!.url}${ws}/companies/export?field=${encodeURIComponent(`${tier.id}:${gold}`)}`, { headers: { authorization: `Bearer ${owner.token}` } });
		expect(response.status).toBe(200);
		const text = new TextDecoder().decode(new Uint8Array(await response.arrayBuffer()).slice(3));
		const [header, row, ...rest] = text.split('\r\n').filter(Boolean);
		expect(rest).toEqual([]);
		expect(header!.endsWith(',Tier,Budget,Advisor')).toBe(true);
		expect(row).toMatch(/^Roundtrip Ltd,.*,Gold,12500\.50 EUR,owner\.[^,]+@example\.com$/);

		// The same file, renamed and with a second row whose tier is not an option, comes back as it was.
		const columns = header!.split(',');
		const again = `${header}\r\n${row!.replace('Roundtrip Ltd', 'Roundtrip Two')}\r\n${row!.replace('Roundtrip Ltd', 'Roundtrip Bad').replace(',Gold,', ',Platinum,')}\r\n`;
		const mapping = Object.fromEntries(columns.map((column) => [column, null as string | null]));
		mapping[columns[0]!] = 'name';
		mapping.Tier = `custom:${tier.id}`;
		mapping.Budget = `custom:${budget.id}`;
		mapping.Advisor = `custom:${advisor.id}`;
		const form = new FormData();
		form.set('file', new Blob([again]), 'companies.csv');
		form.set('entity', 'companies');
		form.set('mapping', JSON.stringify(mapping));
		form.set('duplicates', 'create');
		const started = await fetch(`${server!.url}${ws}/imports`, { method: 'POST', body: form, headers: { authorization: `Bearer ${owner.token}` } });
		expect(started.status, await started.clone().text()).toBe(202);
		const { id } = (await started.json()) as { id: string };
		let report: any = null;
		await eventually(async () => {
			report = (await api('GET', `/api/imports/${id}`)).body;
			return report.status === 'done';
		}, 'the import ends');
		expect(report).toMatchObject({ created: 1, errorCount: 1 });
		expect(report.errors[0]).toMatchObject({ line: 3 });
		expect(report.errors[0].reason).toMatch(/Tier/);
		const two = (await api('GET', `${ws}/companies?q=${encodeURIComponent('Roundtrip Two')}`)).body.items[0];
		expect(two.custom).toEqual(created.body.company.custom);
	});
});
