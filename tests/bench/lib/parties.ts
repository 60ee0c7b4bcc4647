// Contacts and companies written straight into a stopped server's database,
// in the rows the API would write (toPartyValues derives the same keys and
// search text). It is the search bench's fixture, not what it measures, so it
// is made fast the way a bulk load is: the secondary indexes are dropped,
// the rows go in as multi-row INSERTs, and the indexes are built again from
// their own definitions (one sort per index instead of 110,000 GIN updates).
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { generateId } from '../../../server/auth/tokens.js';
import type { Database } from '../../../server/db/client.js';
import { companies, contacts } from '../../../server/db/schema.js';
import { toPartyValues } from '../../../server/contacts/party.js';
import { makeCompany, makeContact, type BenchCompany, type BenchContact } from './people.js';
import type { Random } from './random.js';

// PostgreSQL binds at most 65,535 parameters a statement; a contact row has 22 columns.
const rowsPerStatement = 2500;

export interface SeededParties {
	contacts: Array<BenchContact & { id: string }>;
	companies: Array<BenchCompany & { id: string }>;
	seconds: number;
}

export async function seedParties(db: Database, ownerId: string, workspaceId: string, sizes: { contacts: number; companies: number }, random: Random): Promise<SeededParties> {
	const at = new Date();
	const common = { workspaceId, ownerId, createdBy: ownerId, createdAt: at, updatedAt: at };
	const statuses = ['potential', 'potential', 'customer', 'lapsed'] as const;
	const seededCompanies = Array.from({ length: sizes.companies }, (_, index) => ({ ...makeCompany(random, index), id: generateId() }));
	const seededContacts = Array.from({ length: sizes.contacts }, (_, index) => ({ ...makeContact(random, index), id: generateId() }));
	const started = performance.now();
	const companyRows = seededCompanies.map((company) => ({
		id: company.id,
		...common,
		...toPartyValues('company', { name: company.name, taxId: company.taxId, phones: company.phones, emails: company.emails, status: random.pick(statuses) })
	})) as (typeof companies.$inferInsert)[];
	const contactRows = seededContacts.map((contact) => ({
		id: contact.id,
		...common,
		...toPartyValues('contact', {
			name: contact.name,
			phones: contact.phones,
			emails: contact.emails,
			status: random.pick(statuses),
			// Most people work somewhere; a company of their own country.
			companyId: random.next() < 0.6 ? companyFor(contact, seededCompanies, random) : null
		})
	})) as (typeof contacts.$inferInsert)[];
	const indexes = (await db.execute(
		sql`select indexname, indexdef from pg_indexes where schemaname = 'public' and tablename in ('contacts', 'companies') and indexname not like '%_pkey'`
	)) as unknown as { rows: Array<{ indexname: string; indexdef: string }> };
	for (const index of indexes.rows) await db.execute(sql.raw(`drop index "${index.indexname}"`));
	for (let from = 0; from < companyRows.length; from += rowsPerStatement) await db.insert(companies).values(companyRows.slice(from, from + rowsPerStatement));
	for (let from = 0; from < contactRows.length; from += rowsPerStatement) await db.insert(contacts).values(contactRows.slice(from, from + rowsPerStatement));
	await db.execute(sql`set maintenance_work_mem = '256MB'`);
	for (const index of indexes.rows) await db.execute(sql.raw(index.indexdef));
	// As an import would: PGlite has no autovacuum, so the planner needs fresh statistics.
	await db.execute(sql`analyze companies, contacts`);
	return { contacts: seededContacts, companies: seededCompanies, seconds: (performance.now() - started) / 1000 };
}

/** Companies are made in the order ru, ru, hu, en; a contact works for one of its own country. */
function companyFor(contact: BenchContact, all: Array<{ id: string }>, random: Random): string | null {
	const offset = contact.origin === 'ru' ? random.below(2) : contact.origin === 'hu' ? 2 : 3;
	return all[random.below(Math.floor(all.length / 4)) * 4 + offset]?.id ?? null;
}
