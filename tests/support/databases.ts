import { afterAll, beforeAll, describe } from 'vitest';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../../server/db/client.js';

export type DatabaseKind = 'pglite' | 'postgres';

/**
 * Opens a fresh, migrated, empty database of the kind; closing drops it. A
 * PostgreSQL one may be created in a language's ICU locale (`icuLocale`,
 * e.g. en-US), as many installations' databases are.
 */
export async function openTestDatabase(kind: DatabaseKind, options: { icuLocale?: string } = {}): Promise<DatabaseHandle> {
	if (kind === 'pglite') {
		const handle = openDatabase({ kind: 'pglite', dataDir: null });
		await handle.migrate();
		return handle;
	}
	const adminUrl = process.env.TEST_DATABASE_URL;
	if (!adminUrl) throw new Error('TEST_DATABASE_URL is unset');
	// A database per suite: suites never see each other's rows, and dropping it cleans up.
	const scratch = await createPostgresDatabase(adminUrl, options);
	const handle = openDatabase({ kind: 'postgres', url: scratch.url });
	await handle.migrate();
	return {
		...handle,
		close: async () => {
			await handle.close();
			await scratch.drop();
		}
	};
}

/**
 * Creates an empty PostgreSQL database next to the admin URL's; `drop` removes
 * it, closing whatever connections are left (a killed server's included).
 */
export async function createPostgresDatabase(adminUrl: string, options: { icuLocale?: string } = {}): Promise<{ url: string; drop(): Promise<void> }> {
	const name = `voronka_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
	const locale = options.icuLocale;
	if (locale !== undefined && !/^[A-Za-z-]+$/.test(locale)) throw new Error(`not an ICU locale: ${locale}`);
	const create = locale ? `create database ${name} locale_provider icu icu_locale '${locale}' template template0` : `create database ${name}`;
	await withAdminClient(adminUrl, (client) => client.query(create));
	const url = new URL(adminUrl);
	url.pathname = `/${name}`;
	return {
		url: url.toString(),
		drop: () => withAdminClient(adminUrl, (client) => client.query(`drop database if exists ${name} with (force)`)).then(() => undefined)
	};
}

async function withAdminClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		return await run(client);
	} finally {
		await client.end();
	}
}

/**
 * Runs a suite once per database kind: always on PGlite, and on PostgreSQL
 * when TEST_DATABASE_URL is set (the suite shows as skipped, with the reason
 * in its name, when it is not).
 */
export function describeEachDatabase(name: string, suite: (database: () => DatabaseHandle) => void): void {
	for (const kind of ['pglite', 'postgres'] as const) {
		const available = kind === 'pglite' || Boolean(process.env.TEST_DATABASE_URL);
		const title = available ? `${name} [${kind}]` : `${name} [${kind}: not run, TEST_DATABASE_URL is unset]`;
		(available ? describe : describe.skip)(title, () => {
			let handle: DatabaseHandle | null = null;
			beforeAll(async () => {
				handle = await openTestDatabase(kind);
			});
			afterAll(async () => {
				await handle?.close();
			});
			suite(() => {
				if (!handle) throw new Error('database not open yet');
				return handle;
			});
		});
	}
}
