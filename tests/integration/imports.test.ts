import { readFileSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { DatabaseHandle } from '../../server/db/client.js';
import type { RunningServer } from '../../server/server.js';
import { describeEachDatabase } from '../support/databases.js';
import { addMember, callApi, eventually, signUpOwner, startTestServer } from '../support/sync-server.js';

const amoFile = readFileSync('tests/fixtures/import/amo-contacts-1251.csv');
const amoMapping = {
	Имя: 'firstName',
	Фамилия: 'lastName',
	Компания: 'company',
	'Рабочий телефон': 'phone',
	'Мобильный телефон': 'phone',
	Email: 'email',
	Должность: 'position',
	Примечание: 'note'
};

/** Sends a multipart form the way the import page does. */
async function sendForm(baseUrl: string, path: string, token: string, fields: Record<string, string | Blob>, headers: Record<string, string> = {}) {
	const form = new FormData();
	for (const [name, value] of Object.entries(fields)) {
		if (value instanceof Blob) form.append(name, value, 'import.csv');
		else form.append(name, value);
	}
	const response = await fetch(baseUrl + path, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}`, ...headers } });
	const text = await response.text();
	return { status: response.status, body: text ? JSON.parse(text) : null };
}

describeEachDatabase('CSV import and export', (database) => {
	let servers: RunningServer[] = [];
	afterEach(async () => {
		for (const server of servers) await server.close();
		servers = [];
	});

	async function setUp(db: DatabaseHandle = database()) {
		const server = await startTestServer(db);
		servers.push(server);
		const owner = await signUpOwner(server.url);
		const api = (method: string, path: string, json?: unknown, token = owner.token) => callApi(server.url, method, path, { token, json });
		const ws = `/api/workspaces/${owner.workspaceId}`;
		const upload = (fields: Record<string, string | Blob>, token = owner.token, headers?: Record<string, string>) =>
			sendForm(server.url, `${ws}/imports`, token, fields, headers);
		const finished = async (id: string, token = owner.token) => {
			let report: any = null;
			await eventually(
				async () => {
					report = (await api('GET', `/api/imports/${id}`, undefined, token)).body;
					return report.status === 'done' || report.status === 'failed';
				},
				`import ${id} ends`,
				60_000
			);
			return report;
		};
		return { server, owner, api, ws, upload, finished };
	}

	const amoImport = (extra: Record<string, string> = {}) => ({
		file: new Blob([amoFile]),
		entity: 'contacts',
		encoding: 'windows-1251',
		delimiter: ';',
		mapping: JSON.stringify(amoMapping),
		duplicates: 'skip',
		...extra
	});

	it('imports the Windows-1251 amoCRM file: each row created or reported with its line and reason', async () => {
		const { api, ws, upload, finished, server, owner } = await setUp();
		const preview = await sendForm(server.url, `${ws}/imports/preview`, owner.token, { file: new Blob([amoFile]), entity: 'contacts' });
		expect(preview.status).toBe(200);
		expect(preview.body).toMatchObject({ encoding: 'windows-1251', delimiter: ';', total: 11 });
		expect(preview.body.problems.map((problem: { line: number }) => problem.line)).toEqual([10, 12]);
		expect(preview.body.columns[0]).toBe('Имя');
		expect(preview.body.rows[0].values.Компания).toBe('ООО "Ромашка"');
		expect(preview.body.suggestedMapping).toEqual(amoMapping);

		const started = await upload(amoImport());
		expect(started.status).toBe(202);
		const report = await finished(started.body.id);
		expect(report).toMatchObject({ status: 'done', total: 13, processed: 13, created: 9, updated: 0, skipped: 0, errorCount: 4 });
		expect(report.errors.map((error: { line: number }) => error.line)).toEqual([10, 12, 16, 17]);
		expect(report.errors[0].reason).toMatch(/7 values, the header has 8 columns/);
		expect(report.errors[2].reason).toContain('kirill.volkov(at)mail.ru');
		expect(report.errors[3].reason).toMatch(/no name/);

		const list = await api('GET', `${ws}/contacts?limit=50`);
		expect(list.body.total).toBe(9);
		const ivan = list.body.items.find((contact: { name: string }) => contact.name === 'Иван Петров');
		expect(ivan).toMatchObject({ companyName: 'ООО "Ромашка"', position: 'Директор', phones: ['+7 (495) 123-45-67', '+7 912 345-67-89'] });
		// "ООО Вектор" twice in the file is one company; Anna's row was refused, Dmitry's too: none left for it.
		const companies = await api('GET', `${ws}/companies?limit=50`);
		expect(companies.body.items.map((company: { name: string }) => company.name)).not.toContain('ООО Вектор');
		expect(companies.body.total).toBe(7);

		// The same file again: every readable row is someone already there.
		const skipped = await finished((await upload(amoImport())).body.id);
		expect(skipped).toMatchObject({ status: 'done', created: 0, updated: 0, skipped: 9, errorCount: 4 });
		const updated = await finished((await upload(amoImport({ duplicates: 'update' }))).body.id);
		expect(updated).toMatchObject({ status: 'done', created: 0, updated: 9, skipped: 0 });
		expect((await api('GET', `${ws}/contacts?limit=1`)).body.total).toBe(9);
		expect((await api('GET', `${ws}/companies?limit=1`)).body.total).toBe(7);

		// The report in Russian for a Russian reader.
		const russian = await callApi(server.url, 'GET', `/api/imports/${started.body.id}`, { token: owner.token });
		expect(russian.status).toBe(200);
		await api('PATCH', '/api/me', { locale: 'ru' });
		const inRussian = (await api('GET', `/api/imports/${started.body.id}`)).body;
		expect(inRussian.errors[0].reason).toMatch(/7 значений, а в заголовке 8 столбцов/);
	});

	it('merges a file’s own repeats, and a dry run reports the same counts while writing nothing', async () => {
		const { api, ws, upload, finished } = await setUp();
		const csv = ['Name;Phone;Email', 'Анна Петрова;+7 912 345-67-89;', 'Anna P.;8 (912) 345-67-89;anna@example.com', 'Борис;;boris@example.com', 'Bad;+7 (000) 000-00-00;'].join('\r\n');
		const fields = { file: new Blob([csv]), entity: 'contacts', mapping: JSON.stringify({ Name: 'name', Phone: 'phone', Email: 'email' }), duplicates: 'update' };
		const dry = await finished((await upload({ ...fields, dryRun: 'true' })).body.id);
		expect(dry).toMatchObject({ status: 'done', dryRun: true, created: 2, updated: 1, skipped: 0, errorCount: 1 });
		expect(dry.errors).toEqual([{ line: 5, reason: expect.stringContaining('+7 (000) 000-00-00') }]);
		expect((await api('GET', `${ws}/contacts`)).body.total).toBe(0);
		expect((await api('GET', `${ws}/companies`)).body.total).toBe(0);

		const real = await finished((await upload(fields)).body.id);
		expect(real).toMatchObject({ created: 2, updated: 1, skipped: 0, errorCount: 1 });
		const anna = (await api('GET', `${ws}/contacts?q=anna@example.com`)).body.items;
		expect(anna).toHaveLength(1);
		expect(anna[0]).toMatchObject({ name: 'Анна Петрова', phones: ['+7 912 345-67-89'], emails: ['anna@example.com'] });
	});

	it('never matches another workspace’s contacts as duplicates', async () => {
		const a = await setUp();
		const b = await signUpOwner(a.server.url);
		const inB = await callApi(a.server.url, 'POST', `/api/workspaces/${b.workspaceId}/contacts`, { token: b.token, json: { name: 'Иван Петров', phones: ['+7 912 345-67-89'] } });
		expect(inB.status).toBe(201);
		const report = await a.finished((await a.upload(amoImport())).body.id);
		expect(report).toMatchObject({ created: 9, skipped: 0 });
		const bContacts = await callApi(a.server.url, 'GET', `/api/workspaces/${b.workspaceId}/contacts`, { token: b.token });
		expect(bContacts.body.items).toEqual([expect.objectContaining({ id: inB.body.contact.id, phones: ['+7 912 345-67-89'] })]);
		// B's owner cannot read A's import.
		expect((await callApi(a.server.url, 'GET', `/api/imports/${report.id}`, { token: b.token })).status).toBe(404);
	});

	it('imports deals on the board with a Call back task for the owner, linked to their contact and company', async () => {
		const { api, ws, upload, finished, owner, server } = await setUp();
		const rep = await addMember(server.url, owner.token, owner.workspaceId, 'rep');
		const repEmail = (await api('GET', `${ws}/members`)).body.members.find((member: { userId: string }) => member.userId === rep.userId).email;
		const stages = owner.pipeline.stages.filter((stage) => stage.kind === 'open');
		const won = owner.pipeline.stages.find((stage) => stage.kind === 'won')!;
		const csv = [
			'Сделка;Бюджет;Этап;Ответственный;Контакт;Телефон;Компания;ИНН',
			`Поставка труб;120 000 ₽;${stages[1]!.name};${repEmail};Иван Петров;+7 912 345-67-89;ООО Ромашка;7707083893`,
			`Монтаж;1 500,50;;;Иван Петров;8 912 345 67 89;;`,
			`Сервис;10;Нет такого;;;;;`,
			`Закрытая;10;${won.name};;;;;`,
			`Чужой;10;;nobody@example.com;;;;`
		].join('\n');
		const mapping = { Сделка: 'title', Бюджет: 'value', Этап: 'stage', Ответственный: 'owner', Контакт: 'contact', Телефон: 'contactPhone', Компания: 'company', ИНН: 'companyTaxId' };
		const base = { file: new Blob([csv]), entity: 'deals', mapping: JSON.stringify(mapping), pipelineId: owner.pipeline.id };
		const missingPipeline = await upload({ ...base, pipelineId: '' });
		expect(missingPipeline.status).toBe(422);
		const report = await finished((await upload(base)).body.id);
		expect(report).toMatchObject({ status: 'done', entity: 'deals', total: 5, created: 2, errorCount: 3 });
		expect(report.errors.map((error: { line: number }) => error.line)).toEqual([4, 5, 6]);
		expect(report.errors[0].reason).toContain('Нет такого');

		const deals = (await api('GET', `/api/pipelines/${owner.pipeline.id}/deals?sort=title`)).body.deals;
		expect(deals.map((deal: { title: string }) => deal.title)).toEqual(['Монтаж', 'Поставка труб']);
		const [montage, pipes] = deals;
		expect(pipes).toMatchObject({ valueMinor: 12_000_000, currency: 'RUB', stageId: stages[1]!.id, ownerId: rep.userId, source: 'import' });
		expect(montage).toMatchObject({ valueMinor: 150_050, stageId: stages[0]!.id, ownerId: owner.userId });
		// One Ivan Petrov for both deals (the same phone written two ways), and the company linked.
		expect(montage.contactId).toBe(pipes.contactId);
		expect(pipes.companyId).toBeTruthy();
		const contact = await api('GET', `/api/contacts/${pipes.contactId}`);
		expect(contact.body.record).toMatchObject({ name: 'Иван Петров', companyName: 'ООО Ромашка' });
		for (const deal of deals) {
			expect(deal.nextTask).toMatchObject({ title: 'Call back', type: 'call' });
			const due = new Date(deal.nextTask.dueAt);
			expect(due.getTime()).toBeGreaterThan(Date.now());
			expect([1, 2, 3, 4, 5]).toContain(due.getDay());
			expect(due.getHours()).toBe(10);
		}
		const page = await api('GET', `/api/deals/${pipes.id}`);
		expect(page.body.tasks).toEqual([expect.objectContaining({ title: 'Call back', assigneeId: rep.userId, done: false })]);
	});

	it('refuses bad input with a 422 naming the field, and a file over the limit with a 413', async () => {
		const { upload, owner, server, ws } = await setUp();
		const file = new Blob(['Name;Phone\nAnna;+79123456789\n']);
		const good = { file, entity: 'contacts', mapping: JSON.stringify({ Name: 'name', Phone: 'phone' }) };
		const cases: Array<[Record<string, string | Blob>, string]> = [
			[{ ...good, entity: 'leads' }, 'entity'],
			[{ ...good, encoding: 'koi8-r' }, 'encoding'],
			[{ ...good, delimiter: '|' }, 'delimiter'],
			[{ ...good, duplicates: 'merge' }, 'duplicates'],
			[{ ...good, mapping: '{"Name":' }, 'mapping'],
			[{ ...good, mapping: JSON.stringify({ Name: 'name', Phone: 'fax' }) }, 'mapping.Phone'],
			[{ ...good, mapping: JSON.stringify({ Name: 'name', Mobile: 'phone' }) }, 'mapping.Mobile'],
			[{ ...good, mapping: JSON.stringify({ Phone: 'phone' }) }, 'mapping']
		];
		for (const [fields, path] of cases) {
			const answer = await upload(fields);
			expect(answer.status, path).toBe(422);
			expect(answer.body.error.issues.map((issue: { path: string }) => issue.path), path).toContain(path);
		}
		const { file: _file, ...noFile } = good;
		expect((await upload(noFile)).status).toBe(422);
		const viewer = await addMember(server.url, owner.token, owner.workspaceId, 'rep');
		expect((await upload(good, viewer.token)).status).toBe(403);
		const huge = new Blob([new Uint8Array(50 * 1024 * 1024 + 1)]);
		const tooLarge = await sendForm(server.url, `${ws}/imports`, owner.token, { ...good, file: huge });
		expect(tooLarge.status).toBe(413);
		expect(tooLarge.body.error.message).toMatch(/50 MB/);
	});

	it('rolls a batch back whole when the database refuses one of its rows', async () => {
		const db = database();
		const { api, ws, upload, finished } = await setUp(db);
		await db.db.execute(sql`create or replace function refuse_boom() returns trigger language plpgsql as $$ begin
			if new.name = 'Boom' then raise exception 'boom'; end if; return new; end $$`);
		await db.db.execute(sql`create trigger refuse_boom before insert on contacts for each row execute function refuse_boom()`);
		try {
			const rows = Array.from({ length: 600 }, (_, index) => (index === 260 ? 'Boom;' : `Person ${index};+7912${String(1_000_000 + index)}`));
			const report = await finished((await upload({ file: new Blob([['Name;Phone', ...rows].join('\n')]), entity: 'contacts', mapping: JSON.stringify({ Name: 'name', Phone: 'phone' }) })).body.id);
			// Batches of 250 (PostgreSQL) or 50 (PGlite): either way "Boom" (line 262) is in the batch after
			// the 250th row, so the 250 rows before that batch are in, and that batch and the rest are not.
			expect(report).toMatchObject({ status: 'failed', processed: 250, created: 250 });
			expect(report.failure).toMatch(/database error/);
			expect((await api('GET', `${ws}/contacts?limit=1`)).body.total).toBe(250);
		} finally {
			await db.db.execute(sql`drop trigger refuse_boom on contacts`);
		}
	});

	it('goes on after a restart from the last batch counted, with exact counts and no duplicates', async () => {
		const db = database();
		const first = await setUp(db);
		const count = 6000;
		const rows = Array.from({ length: count }, (_, index) => `Client ${index};+7 9${String(100_000_000 + index)};client${index}@example.com`);
		// Every tenth row repeats an earlier one by its email.
		for (let index = 10; index < count; index += 10) rows[index] = `Client ${index - 5} again;;client${index - 5}@example.com`;
		const started = await first.upload({ file: new Blob([['Name;Phone;Email', ...rows].join('\n')]), entity: 'contacts', mapping: JSON.stringify({ Name: 'name', Phone: 'phone', Email: 'email' }) });
		let progress: any = null;
		await eventually(async () => {
			progress = (await first.api('GET', `/api/imports/${started.body.id}`)).body;
			return progress.processed > 0;
		}, 'the import starts', 30_000);
		await first.server.close();
		servers = servers.filter((server) => server !== first.server);
		const stopped = (await db.db.execute(sql`select status, processed from imports where id = ${started.body.id}`)) as unknown as { rows: Array<{ status: string; processed: number }> };
		expect(stopped.rows[0]!.status).toBe('running');
		expect(stopped.rows[0]!.processed).toBeLessThan(count);

		const second = await startTestServer(db);
		servers.push(second);
		let report: any = null;
		await eventually(async () => {
			report = (await callApi(second.url, 'GET', `/api/imports/${started.body.id}`, { token: first.owner.token })).body;
			return report.status === 'done';
		}, 'the import finishes on the new server', 120_000);
		expect(report).toMatchObject({ processed: count, created: count - 599, skipped: 599, errorCount: 0 });
		const total = (await callApi(second.url, 'GET', `${first.ws}/contacts?limit=1`, { token: first.owner.token })).body.total;
		expect(total).toBe(count - 599);
	}, 180_000);

	it('exports contacts with their filters as UTF-8 with a BOM, labels in the reader’s language', async () => {
		const { api, ws, upload, finished, server, owner } = await setUp();
		await finished((await upload(amoImport())).body.id);
		await api('POST', `${ws}/contacts`, { name: '=HYPERLINK("http://evil")', status: 'customer', force: true });
		const response = await fetch(`${server.url}${ws}/contacts/export?q=vector&sort=name`, { headers: { authorization: `Bearer ${owner.token}` } });
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="contacts-\d{4}-\d{2}-\d{2}\.csv"$/);
		const bytes = new Uint8Array(await response.arrayBuffer());
		expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		const text = new TextDecoder().decode(bytes.slice(3));
		const lines = text.split('\r\n');
		expect(lines[0]).toMatch(/^Full name,Company,Position,Phone,Email,Status,/);
		// Only Dmitry and Anna work at Vector, and both rows were refused: the filter leaves none.
		expect(lines.filter(Boolean)).toHaveLength(1);

		const customers = await fetch(`${server.url}${ws}/contacts/export?status=customer`, { headers: { authorization: `Bearer ${owner.token}`, 'accept-language': 'ru' } });
		const customerText = new TextDecoder().decode(new Uint8Array(await customers.arrayBuffer()).slice(3));
		const customerLines = customerText.split('\r\n').filter(Boolean);
		expect(customerLines).toHaveLength(2);
		expect(customerLines[1]!.startsWith(`"'=HYPERLINK(""http://evil"")"`)).toBe(true);
		expect(customerLines[1]).toContain(',Клиент,');

		await api('PATCH', '/api/me', { locale: 'ru' });
		const russian = await fetch(`${server.url}${ws}/contacts/export?q=Петров`, { headers: { authorization: `Bearer ${owner.token}` } });
		const russianLines = new TextDecoder().decode(new Uint8Array(await russian.arrayBuffer()).slice(3)).split('\r\n').filter(Boolean);
		expect(russianLines[0]).toMatch(/^ФИО,Компания,Должность,Телефон,/);
		expect(russianLines.slice(1)).toEqual([expect.stringMatching(/^Иван Петров,"ООО ""Ромашка""",Директор,"'\+7 \(495\) 123-45-67, \+7 912 345-67-89",ivan\.petrov@romashka\.ru,Потенциальный,/)]);

		const bad = await api('GET', `${ws}/contacts/export?stage=x`);
		expect(bad.status).toBe(422);
	});

	it('exports deals with stage, owner, contact and company names, filtered like the list', async () => {
		const { api, owner, server } = await setUp();
		const stages = owner.pipeline.stages.filter((stage) => stage.kind === 'open');
		const contact = await api('POST', `/api/workspaces/${owner.workspaceId}/contacts`, { name: 'Иван Петров' });
		const deal = (title: string, stageId: string, contactId?: string) =>
			api('POST', `/api/pipelines/${owner.pipeline.id}/deals`, {
				title,
				valueMinor: 150_050,
				currency: 'RUB',
				stageId,
				contactId,
				firstTask: { type: 'call', title: 'Call', dueAt: '2030-01-01T10:00:00Z' }
			});
		expect((await deal('Трубы', stages[0]!.id, contact.body.contact.id)).status).toBe(201);
		expect((await deal('Монтаж', stages[1]!.id)).status).toBe(201);
		const response = await fetch(`${server.url}/api/pipelines/${owner.pipeline.id}/deals/export?stage=${stages[0]!.id}`, { headers: { authorization: `Bearer ${owner.token}` } });
		expect(response.status).toBe(200);
		expect(response.headers.get('content-disposition')).toMatch(/filename="deals-/);
		const lines = new TextDecoder().decode(new Uint8Array(await response.arrayBuffer()).slice(3)).split('\r\n').filter(Boolean);
		expect(lines[0]).toBe('Deal title,Value,Currency,Stage,Status,Owner,Contact’s name,Company,Source,Created,Updated');
		expect(lines).toHaveLength(2);
		expect(lines[1]).toMatch(new RegExp(`^Трубы,1500\\.50,RUB,${stages[0]!.name},Open,[^,]+,Иван Петров,,manual,`));
	});
});
