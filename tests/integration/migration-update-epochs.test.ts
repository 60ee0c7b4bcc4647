import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../server/db/client.js';
import { loadDoc } from '../../server/sync/persistence.js';
import { createPostgresDatabase } from '../support/databases.js';

/*
 * Migration 0029 gives update rows their epoch. Boards rebuilt before it (on
 * one node) have rows after their snapshot that belong to the snapshot's
 * epoch; a load reads only rows of that epoch, so the migration must say so,
 * or an upgrade would hide those changes.
 */

const migrations = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** The migrations folder as it was before 0029. */
function migrationsBefore(tag: string): string {
	const folder = mkdtempSync(join(tmpdir(), 'voronka-migrations-'));
	cpSync(migrations, folder, { recursive: true });
	const journalFile = join(folder, 'meta', '_journal.json');
	const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: Array<{ tag: string }> };
	journal.entries = journal.entries.slice(0, journal.entries.findIndex((entry) => entry.tag === tag));
	writeFileSync(journalFile, JSON.stringify(journal));
	return folder;
}

const kinds = ['pglite', ...(process.env.TEST_DATABASE_URL ? ['postgres' as const] : [])] as const;

describe('migration 0029: update rows of boards already rebuilt', () => {
	const cleanups: Array<() => Promise<void> | void> = [];
	afterAll(async () => {
		for (const cleanup of cleanups.splice(0)) await cleanup();
	});

	for (const kind of kinds) {
		it(`gives the rows after a rebuilt board's snapshot that snapshot's epoch [${kind}]`, async () => {
			let handle: DatabaseHandle;
			if (kind === 'pglite') handle = openDatabase({ kind: 'pglite', dataDir: null });
			else {
				const scratch = await createPostgresDatabase(process.env.TEST_DATABASE_URL!);
				handle = openDatabase({ kind: 'postgres', url: scratch.url });
				cleanups.push(() => scratch.drop());
			}
			cleanups.push(() => handle.close());
			const before = migrationsBefore('0029_update_epochs');
			cleanups.push(() => rmSync(before, { recursive: true, force: true }));
			const migrate = (folder: string) =>
				kind === 'pglite' ? migratePglite(handle.db as never, { migrationsFolder: folder }) : migratePg(handle.db as never, { migrationsFolder: folder });
			await migrate(before);

			// A board rebuilt once (epoch 1) with two rows after its snapshot, and a board never rebuilt.
			const empty = new Uint8Array([0, 0]);
			await handle.db.execute(sql`insert into doc_snapshots (doc_id, bytes, last_update_id, epoch, base_client) values ('rebuilt', ${empty}::bytea, 0, 1, 7), ('young', ${empty}::bytea, 0, 0, null)`);
			await handle.db.execute(sql`insert into doc_updates (doc_id, bytes) values ('rebuilt', ${empty}::bytea), ('rebuilt', ${empty}::bytea), ('young', ${empty}::bytea), ('no-snapshot', ${empty}::bytea)`);
			await migrate(migrations);

			const epochs = (await handle.db.execute(sql`select doc_id, epoch from doc_updates order by id`)) as unknown as { rows: Array<{ doc_id: string; epoch: number }> };
			expect(epochs.rows.map((row) => [row.doc_id, row.epoch])).toEqual([
				['rebuilt', 1],
				['rebuilt', 1],
				['young', 0],
				['no-snapshot', 0]
			]);
			expect((await loadDoc(handle.db, 'rebuilt')).updates, 'a load still applies them').toHaveLength(2);
		});
	}
});
