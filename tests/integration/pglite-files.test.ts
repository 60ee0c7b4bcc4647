import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, pgliteDirectory } from '../../server/db/client.js';
import { createPgliteFiles } from '../../server/db/pglite-files.js';

const directories: string[] = [];
afterEach(() => {
	for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

describe('the embedded database’s first start', () => {
	it('creates the cluster in a child process, which the server then opens and migrates; a later start leaves it be', async () => {
		const dataDir = mkdtempSync(join(tmpdir(), 'voronka-files-'));
		directories.push(dataDir);
		const version = join(pgliteDirectory(dataDir), 'PG_VERSION');
		expect(existsSync(version)).toBe(false);
		await createPgliteFiles({ kind: 'pglite', dataDir });
		expect(existsSync(version)).toBe(true);
		const created = statSync(version).mtimeMs;

		const database = openDatabase({ kind: 'pglite', dataDir });
		try {
			await database.migrate();
			const result = (await database.db.execute(sql`select count(*)::int as n from users`)) as unknown as { rows: Array<{ n: number }> };
			expect(result.rows[0]!.n).toBe(0);
		} finally {
			await database.close();
		}
		await createPgliteFiles({ kind: 'pglite', dataDir });
		expect(statSync(version).mtimeMs).toBe(created);
	});

	it('does nothing for a database in memory or on PostgreSQL', async () => {
		await createPgliteFiles({ kind: 'pglite', dataDir: null });
		await createPgliteFiles({ kind: 'postgres', url: 'postgres://nobody@127.0.0.1:1/none' });
	});
});
