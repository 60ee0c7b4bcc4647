import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { fuzzystrmatch } from '@electric-sql/pglite/contrib/fuzzystrmatch';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import type { Config } from '../config.js';
import * as schema from './schema.js';

/** Both drivers speak the same drizzle dialect; the app only sees this type. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DatabaseHandle {
	db: Database;
	kind: 'pglite' | 'postgres';
	migrate(): Promise<void>;
	ping(): Promise<boolean>;
	close(): Promise<void>;
}

const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

export type DatabaseTarget =
	| { kind: 'postgres'; url: string }
	| { kind: 'pglite'; dataDir: string | null /* null: in memory */ };

/** The database `npm start` opens for this configuration; the backup scripts open the same. */
export function databaseTarget(config: Pick<Config, 'DATABASE_URL' | 'DATA_DIR'>): DatabaseTarget {
	return config.DATABASE_URL ? { kind: 'postgres', url: config.DATABASE_URL } : { kind: 'pglite', dataDir: config.DATA_DIR };
}

/** Where PGlite keeps its files inside DATA_DIR. */
export function pgliteDirectory(dataDir: string): string {
	return resolve(dataDir, 'pglite');
}

export function openDatabase(target: DatabaseTarget): DatabaseHandle {
	return target.kind === 'postgres' ? openPostgres(target.url) : openPglite(target.dataDir);
}

function openPostgres(url: string): DatabaseHandle {
	const pool = new pg.Pool({ connectionString: url, max: 10 });
	// A connection can fail at any moment (PostgreSQL restarted, network cut),
	// and pg reports it as an 'error' event, which ends the process when nobody
	// listens. The pool listens only while a connection is idle; one checked out
	// (a transaction between two statements) would crash the server on every
	// PostgreSQL restart. So each connection gets a listener for its whole life;
	// the query that uses it next fails, and the pool drops it on release.
	pool.on('connect', (client) => client.on('error', (error) => console.error('postgres connection lost:', error.message)));
	// Idle connections report to the pool too; their own listener logged it already.
	pool.on('error', () => undefined);
	const db = drizzlePg({ client: pool, schema }) as unknown as Database;
	return {
		db,
		kind: 'postgres',
		migrate: () => migratePg(drizzlePg({ client: pool }), { migrationsFolder }),
		ping: () => pingDatabase(db),
		close: () => pool.end()
	};
}

/**
 * PGlite moves bytea as hex text and decodes it one byte at a time through
 * parseInt (encodes through Array.map): seconds for a board snapshot of a
 * few MB. Node's Buffer does the same hex in native code.
 */
const byteaOid = 17;
const byteaCodec = {
	parsers: { [byteaOid]: (text: string) => new Uint8Array(Buffer.from(text.slice(2), 'hex')) },
	serializers: {
		[byteaOid]: (value: unknown) => {
			if (!(value instanceof Uint8Array)) throw new Error('Invalid input for bytea type');
			return `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
		}
	}
};

/**
 * drizzle hands PGlite nine parsers with every query (dates, times and
 * intervals left as text, which drizzle's columns parse themselves), and
 * PGlite merges them into a copy of its own 318, one per type, for each
 * result: 0.16 ms a query, a third of an update-log append and of every
 * projection statement. The same nine are set once on the instance instead,
 * and a query that brings exactly those (or fewer) leaves them out.
 */
const textTypes = new Set([1082 /* date */, 1114 /* timestamp */, 1184 /* timestamptz */, 1186 /* interval */, 1115, 1182, 1185, 1187, 1231 /* their arrays, numeric[] */]);
const textParsers = Object.fromEntries([...textTypes].map((oid) => [oid, (text: string) => text]));

function withoutTextParsers<O extends { parsers?: Record<number, unknown> }>(options: O | undefined): O | undefined {
	if (!options?.parsers || !Object.keys(options.parsers).every((oid) => textTypes.has(Number(oid)))) return options;
	const { parsers: _same, ...rest } = options;
	return rest as O;
}

function dropRepeatedParsers(client: PGlite): void {
	// PGlite adds a parser per array type as it starts, over ours. Ours go back once it is up: a query
	// made before then waits for the same promise, so it reads its rows after this has run.
	void client.waitReady.then(() => void Object.assign(client.parsers, textParsers), () => undefined);
	const query = client.query.bind(client);
	client.query = ((text, params, options) => query(text, params, withoutTextParsers(options))) as PGlite['query'];
	const transaction = client.transaction.bind(client);
	client.transaction = ((callback) =>
		transaction((tx) => {
			const inner = tx.query.bind(tx);
			const query: typeof tx.query = (text, params, options) => inner(text, params, withoutTextParsers(options));
			// The rest (sql, exec, rollback, closed) is the transaction's own.
			return callback(Object.create(tx, { query: { value: query } }));
		})) as PGlite['transaction'];
}

function openPglite(dataDir: string | null): DatabaseHandle {
	if (dataDir) mkdirSync(resolve(dataDir), { recursive: true });
	// pg_trgm: similar names for duplicate control and typo-tolerant search; fuzzystrmatch: the edit
	// distance that corrects a mistyped word (server/contacts/name-words.ts). The same extensions as on PostgreSQL.
	const client = new PGlite({
		...(dataDir ? { dataDir: pgliteDirectory(dataDir) } : {}),
		parsers: { ...textParsers, ...byteaCodec.parsers },
		serializers: byteaCodec.serializers,
		extensions: { pg_trgm, fuzzystrmatch }
	});
	dropRepeatedParsers(client);
	const db = drizzlePglite({ client, schema }) as unknown as Database;
	return {
		db,
		kind: 'pglite',
		migrate: () => migratePglite(drizzlePglite({ client }), { migrationsFolder }),
		ping: () => pingDatabase(db),
		close: () => client.close()
	};
}

export type DatabaseWatchEvent = { available: false; error: string } | { available: true; downForMs: number };

/**
 * Asks the database every `everyMs` whether it answers and reports each
 * change: lost (with the error), and back (with how long it was gone). While
 * it is gone the rooms keep accepted board updates in memory and retry; the
 * log says why, once, instead of only through the retries.
 */
export function watchDatabase(handle: DatabaseHandle, report: (event: DatabaseWatchEvent) => void, everyMs = 1000): () => void {
	let lostAt: number | null = null;
	let checking = false;
	const check = async () => {
		if (checking) return;
		checking = true;
		try {
			await handle.db.execute(sql`select 1`);
			if (lostAt !== null) report({ available: true, downForMs: Date.now() - lostAt });
			lostAt = null;
		} catch (error) {
			if (lostAt === null) report({ available: false, error: (error as Error).message || String(error) });
			lostAt ??= Date.now();
		} finally {
			checking = false;
		}
	};
	const timer = setInterval(() => void check(), everyMs);
	timer.unref();
	return () => clearInterval(timer);
}

async function pingDatabase(db: Database): Promise<boolean> {
	try {
		await db.execute(sql`select 1`);
		return true;
	} catch {
		return false;
	}
}
