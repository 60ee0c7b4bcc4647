import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
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
	// An idle client that loses its connection must not crash the process.
	pool.on('error', (error) => console.error('postgres pool error:', error.message));
	const db = drizzlePg({ client: pool, schema }) as unknown as Database;
	return {
		db,
		kind: 'postgres',
		migrate: () => migratePg(drizzlePg({ client: pool }), { migrationsFolder }),
		ping: () => pingDatabase(db),
		close: () => pool.end()
	};
}

function openPglite(dataDir: string | null): DatabaseHandle {
	if (dataDir) mkdirSync(resolve(dataDir), { recursive: true });
	const client = dataDir ? new PGlite(pgliteDirectory(dataDir)) : new PGlite();
	const db = drizzlePglite({ client, schema }) as unknown as Database;
	return {
		db,
		kind: 'pglite',
		migrate: () => migratePglite(drizzlePglite({ client }), { migrationsFolder }),
		ping: () => pingDatabase(db),
		close: () => client.close()
	};
}

async function pingDatabase(db: Database): Promise<boolean> {
	try {
		await db.execute(sql`select 1`);
		return true;
	} catch {
		return false;
	}
}
