// A fresh, empty database for each measured server: a PGlite directory or a
// PostgreSQL database next to BENCH_DATABASE_URL (or TEST_DATABASE_URL).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresDatabase } from '../../support/databases.js';
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


/** An empty database; the server migrates it when it starts. `drop` removes it (after the server is gone). */
export async function createBenchDatabase(kind: BenchDatabaseKind): Promise<BenchDatabase> {
	if (kind === 'pglite') {
		const dataDir = mkdtempSync(join(tmpdir(), 'voronka-bench-'));
		return { kind, server: { kind: 'pglite', dataDir }, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
	}
	const adminUrl = postgresAdminUrl();
	if (!adminUrl) throw new Error('PostgreSQL runs need BENCH_DATABASE_URL or TEST_DATABASE_URL');
	const created = await createPostgresDatabase(adminUrl);
	return { kind, server: { kind: 'postgres', url: created.url }, drop: created.drop };
}
