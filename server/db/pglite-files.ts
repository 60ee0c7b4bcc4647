import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pgliteDirectory, type DatabaseTarget } from './client.js';

const run = promisify(execFile);

// Runs in the child: create the cluster (PGlite runs initdb when the directory is empty) and leave.
const initialise = `const { PGlite } = await import(process.argv[1]);
const db = new PGlite({ dataDir: process.argv[2] });
await db.waitReady;
await db.close();`;

/**
 * Creates the embedded database's files on the first start, in a child
 * process that exits when they are written. Creating a cluster grows PGlite's
 * WebAssembly memory beyond what serving needs, and WebAssembly memory never
 * shrinks: done in the server's own process, that stayed in its RSS until the
 * next restart (the bundled server, idle after a first start: 555 MB before,
 * 437 MB now; 386 MB after a restart). A worker thread freed nothing. Nothing
 * to do when the files exist, for PostgreSQL, or in memory.
 */
export async function createPgliteFiles(target: DatabaseTarget): Promise<void> {
	if (target.kind !== 'pglite' || target.dataDir === null) return;
	const directory = pgliteDirectory(target.dataDir);
	if (existsSync(join(directory, 'PG_VERSION'))) return;
	mkdirSync(directory, { recursive: true });
	await run(process.execPath, ['--input-type=module', '-e', initialise, import.meta.resolve('@electric-sql/pglite'), directory]);
}
