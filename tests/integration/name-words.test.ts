import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterEach, expect, it } from 'vitest';
import type { Database } from '../../server/db/client.js';
import type { RunningServer } from '../../server/server.js';
import { describeEachDatabase } from '../support/databases.js';
import { callApi, signUpOwner, startTestServer } from '../support/sync-server.js';

// Search corrects a mistyped word against the vocabulary of the workspace's
// names (name_words, kept by the statement triggers of migration 0024). The
// vocabulary must stay exactly what the names hold through inserts, renames,
// other edits, purges and bulk statements, per workspace; and search must use
// it to find a name typed with swapped letters, without "correcting" a word
// that is a name of its own.
describeEachDatabase('the names vocabulary and corrected search', (database) => {
	let server: RunningServer | null = null;
	afterEach(async () => {
		await server?.close();
		server = null;
	});

	const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;

	/** Words kept by the triggers against the words the names hold, for the workspaces: the (workspace, word) pairs that differ. */
	async function findDrift(db: Database, workspaceIds: string[]) {
		const ids = sql`ARRAY[${sql.join(
			workspaceIds.map((id) => sql`${id}`),
			sql`, `
		)}]::text[]`;
		const drift = await db.execute(sql`
			with kept as (select workspace_id, word, uses from name_words where workspace_id = any(${ids})),
			counted as (
				select workspace_id, word, count(*)::int as uses
				from (select workspace_id, name_key from contacts union all select workspace_id, name_key from companies) as names,
					unnest(string_to_array(name_key, ' ')) as word
				where workspace_id = any(${ids}) and word <> ''
				group by workspace_id, word
			)
			select coalesce(kept.workspace_id, counted.workspace_id) as workspace_id, coalesce(kept.word, counted.word) as word, kept.uses as kept, counted.uses as counted
			from kept full join counted on kept.workspace_id = counted.workspace_id and kept.word = counted.word
			where kept.uses is distinct from counted.uses`);
		return rowsOf<{ workspace_id: string; word: string; kept: number | null; counted: number | null }>(drift);
	}

	const vocabulary = ['anna', 'petrova', 'petrov', 'ivan', 'kovacs', 'nagy', 'peterson', 'ооо', 'строймонтаж', 'анна'];

	it('keeps the words of the names exact through inserts, renames, edits, purges and bulk statements', async () => {
		server = await startTestServer(database());
		const first = await signUpOwner(server.url);
		const second = await signUpOwner(server.url);
		const db = database().db;
		const workspaces = [first.workspaceId, second.workspaceId];
		let round = 0;

		const name = fc.array(fc.constantFrom(...vocabulary), { minLength: 1, maxLength: 3 }).map((words) => words.join(' '));
		const step = fc.oneof(
			// One statement inserting several names (an import's batch), into either workspace, contacts or companies.
			fc.record({ kind: fc.constant('insert' as const), table: fc.constantFrom('contacts', 'companies'), names: fc.array(name, { minLength: 1, maxLength: 5 }), workspace: fc.nat(1) }),
			// A rename of one record, or of every record of a table at once.
			fc.record({ kind: fc.constant('rename' as const), table: fc.constantFrom('contacts', 'companies'), to: name, all: fc.boolean(), pick: fc.nat(20) }),
			// An edit that keeps the name (the trash, a note).
			fc.record({ kind: fc.constant('edit' as const), table: fc.constantFrom('contacts', 'companies') }),
			// A purge of one record, or of a whole table.
			fc.record({ kind: fc.constant('delete' as const), table: fc.constantFrom('contacts', 'companies'), all: fc.boolean(), pick: fc.nat(20) })
		);
		await fc.assert(
			fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 10 }), async (steps) => {
				round += 1;
				let serial = 0;
				for (const change of steps) {
					const table = sql.identifier(change.table);
					const mine = sql`${table}.id like ${`r${round}-%`}`;
					if (change.kind === 'insert') {
						const rows = change.names.map((value) => ({ id: `r${round}-${serial++}`, name: value }));
						await db.execute(sql`
							insert into ${table} (id, workspace_id, name, name_key, search_text)
							select r.id, ${workspaces[change.workspace]!}, r.name, r.name, r.name from json_to_recordset(${JSON.stringify(rows)}::json) as r(id text, name text)`);
					} else if (change.kind === 'rename') {
						const which = change.all ? mine : sql`${table}.id = (select id from ${table} where ${mine} order by id offset ${change.pick} % greatest(1, (select count(*) from ${table} where ${mine})) limit 1)`;
						await db.execute(sql`update ${table} set name = ${change.to}, name_key = ${change.to} where ${which}`);
					} else if (change.kind === 'edit') {
						await db.execute(sql`update ${table} set deleted_at = now(), note = 'trashed' where ${mine}`);
					} else {
						const which = change.all ? mine : sql`${table}.id = (select id from ${table} where ${mine} order by id offset ${change.pick} % greatest(1, (select count(*) from ${table} where ${mine})) limit 1)`;
						await db.execute(sql`delete from ${table} where ${which}`);
					}
				}
				expect(await findDrift(db, workspaces)).toEqual([]);
			}),
			{ numRuns: 25 }
		);
		// The property ran over names in both workspaces; a word of one is not counted in the other.
		const counts = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from name_words where workspace_id = any(ARRAY[${first.workspaceId}, ${second.workspaceId}]::text[])`));
		expect(counts[0]!.n).toBeGreaterThan(0);

		// Deleting a workspace takes its names and its words at once, and the triggers do not stand in its way.
		await db.execute(sql`insert into contacts (id, workspace_id, name, name_key, search_text) values ('gone-1', ${second.workspaceId}, 'Anna Petrova', 'anna petrova', 'anna petrova')`);
		await db.execute(sql`delete from workspaces where id = ${second.workspaceId}`);
		expect(rowsOf(await db.execute(sql`select 1 from name_words where workspace_id = ${second.workspaceId}`))).toEqual([]);
		expect(await findDrift(db, [first.workspaceId])).toEqual([]);
	});

	it('finds a name typed with swapped or dropped letters through the vocabulary, in its own workspace only', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const other = await signUpOwner(server.url);
		const api = (method: string, path: string, json?: unknown, token = owner.token) => callApi(server!.url, method, path, { token, json });
		const ws = `/api/workspaces/${owner.workspaceId}`;
		const search = async (q: string, token = owner.token, workspaceId = owner.workspaceId) =>
			(await callApi(server!.url, 'GET', `/api/workspaces/${workspaceId}/search?q=${encodeURIComponent(q)}`, { token })).body as {
				contacts: Array<{ id: string; name: string }>;
				companies: Array<{ id: string; name: string }>;
			};

		const jessica = (await api('POST', `${ws}/contacts`, { name: 'Jessica Peterson' })).body.contact;
		const farkas = (await api('POST', `${ws}/contacts`, { name: 'Farkas Csaba' })).body.contact;
		const feher = (await api('POST', `${ws}/contacts`, { name: 'Fehér Máté' })).body.contact;
		const company = (await api('POST', `${ws}/companies`, { name: 'Строймонтаж' })).body.company;
		await api('POST', `${ws}/contacts`, { name: 'Jessica Smith' });

		// Swapped letters are two edits, and trigrams see little alike in them ("peetrson" and "peterson" share 5 of 9).
		expect((await search('Jessica Peetrson')).contacts.map((c) => c.id)).toEqual([jessica.id]);
		expect((await search('Frakas Csaba')).contacts.map((c) => c.id)).toEqual([farkas.id]);
		// Accents as the name's key keeps them: "fheér" is corrected to "feher".
		expect((await search('Fheér')).contacts.map((c) => c.id)).toEqual([feher.id]);
		expect((await search('Стройомнтаж')).companies.map((c) => c.id)).toEqual([company.id]);

		// A word that is a name of its own is not taken for a typo: "Tamás" is not "Thomas".
		const tamas = (await api('POST', `${ws}/contacts`, { name: 'Tamás Kovács' })).body.contact;
		const thomas = (await api('POST', `${ws}/contacts`, { name: 'Thomas Brown' })).body.contact;
		expect((await search('Thomas Bronw')).contacts.map((c) => c.id)).toEqual([thomas.id]);
		expect((await search('Tamas Kovcas')).contacts.map((c) => c.id)).toEqual([tamas.id]);

		// Renamed, the old word is gone from the vocabulary, and so is the correction to it.
		expect((await api('PATCH', `/api/contacts/${jessica.id}`, { name: 'Jessica Parker' })).status).toBe(200);
		expect((await search('Jessica Peetrson')).contacts).toEqual([]);
		expect((await search('Jessica Pakrer')).contacts.map((c) => c.id)).toEqual([jessica.id]);

		// Another workspace's names correct nothing here, nor ours there.
		await callApi(server.url, 'POST', `/api/workspaces/${other.workspaceId}/contacts`, { token: other.token, json: { name: 'Olivia Palmer' } });
		expect((await search('Olivia Palemr')).contacts).toEqual([]);
		expect((await search('Frakas Csaba', other.token, other.workspaceId)).contacts).toEqual([]);
		expect((await search('Olivia Palemr', other.token, other.workspaceId)).contacts.map((c) => c.name)).toEqual(['Olivia Palmer']);
	});

	it('ranks the name meant first: as typed, whole words, the likeliest correction', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const ws = `/api/workspaces/${owner.workspaceId}`;
		const create = async (name: string) => (await callApi(server!.url, 'POST', `${ws}/contacts`, { token: owner.token, json: { name, force: true } })).body.contact as { id: string };
		const first = async (q: string) =>
			((await callApi(server!.url, 'GET', `${ws}/search?q=${encodeURIComponent(q)}`, { token: owner.token })).body.contacts as Array<{ id: string; name: string }>)[0]?.name;

		// Exact words: the name as typed before the same words in another order, a whole word before a word inside another.
		await create('Balázs Máté');
		await create('Máté Balázs');
		await create('Oliver Edwards');
		await create('Oliver Ward');
		expect(await first('Máté Balázs')).toBe('Máté Balázs');
		expect(await first('Oliver Ward')).toBe('Oliver Ward');

		// Corrections: a whole word of the name ("михайлов" is inside "Михайлович"), the fewest edits, then the same letters.
		await create('Баранов Михаил Михайлович');
		await create('Михайлов Михаил Михайлович');
		const names = async (q: string) =>
			((await callApi(server!.url, 'GET', `${ws}/search?q=${encodeURIComponent(q)}`, { token: owner.token })).body.contacts as Array<{ name: string }>).map((c) => c.name);
		expect(await names('Миайлов Михаил Михайлович')).toEqual(['Михайлов Михаил Михайлович']);
		await create('Hannah Harris');
		await create('Hannah Harrison');
		expect(await first('Hannah Harrion')).toBe('Hannah Harrison');
		// "viarg" is two edits from both; Virág has its letters (a swapped pair), though Varga is the commoner name.
		await create('Varga Éva');
		await create('Varga Anna');
		await create('Virág Éva');
		expect(await first('Viárg Éva')).toBe('Virág Éva');
	});

	it('offers the record sharing a phone first, even when more records share the name than are read', async () => {
		server = await startTestServer(database());
		const owner = await signUpOwner(server.url);
		const db = database().db;
		const ws = `/api/workspaces/${owner.workspaceId}`;
		// Sixty namesakes written straight in (the API would ask about duplicates sixty times), then the one with the phone.
		await db.execute(sql`
			insert into contacts (id, workspace_id, name, name_key, search_text)
			select 'namesake-' || n, ${owner.workspaceId}, 'Anna Petrova', 'anna petrova', 'anna petrova' from generate_series(1, 60) as n`);
		const anna = (await callApi(server.url, 'POST', `${ws}/contacts`, { token: owner.token, json: { name: 'Anna Petrova', phones: ['+7 912 345-67-89'], force: true } })).body.contact;
		const check = await callApi(server.url, 'POST', `${ws}/contacts/duplicates`, { token: owner.token, json: { name: 'Anna Petrova', phones: ['8 912 345 67 89'] } });
		expect(check.status).toBe(200);
		expect(check.body.candidates[0]).toMatchObject({ id: anna.id, matchedOn: ['phone', 'name'] });
	});
});
