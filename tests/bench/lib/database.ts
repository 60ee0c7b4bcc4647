// A fresh, empty database for each measured server: a PGlite directory or a
// PostgreSQL database next to BENCH_DATABASE_URL (or TEST_DATABASE_URL).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { ServerDatabase } from '../../support/server-process.js';

export type BenchDatabaseKind = 'pglite' | 'postgres';

export interface BenchDatabase {
	kind: BenchDatabaseKind;
	server: ServerDatabase;
	drop(): Promise<void>;
}

export function postgresAdminUrl(): string | null {
	return process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || null;
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

/** An empty database; the server migrates it when it starts. `drop` removes it (after the server is gone). */
export async function createBenchDatabase(kind: BenchDatabaseKind): Promise<BenchDatabase> {
	if (kind === 'pglite') {
		const dataDir = mkdtempSync(join(tmpdir(), 'voronka-bench-'));
		return { kind, server: { kind: 'pglite', dataDir }, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
	}
	const adminUrl = postgresAdminUrl();
	if (!adminUrl) throw new Error('PostgreSQL runs need BENCH_DATABASE_URL or TEST_DATABASE_URL');
	const name = `voronka_bench_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
	await withAdminClient(adminUrl, (client) => client.query(`create database ${name}`));
	const url = new URL(adminUrl);
	url.pathname = `/${name}`;
	return {
		kind,
		server: { kind: 'postgres', url: url.toString() },
		drop: () => withAdminClient(adminUrl, (client) => client.query(`drop database if exists ${name} with (force)`)).then(() => undefined)
	};
}
