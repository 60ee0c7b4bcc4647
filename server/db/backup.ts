import { open, rename, rm, stat } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DatabaseTarget } from './client.js';
import { BackupError, fileTimestamp, type DatabaseSummary, type RestoreResult } from './backup-common.js';
import { backupPglite, restorePglite } from './backup-pglite.js';
import { backupPostgres, restorePostgres } from './backup-postgres.js';

/**
 * Backups of the whole database, whichever kind runs it: PostgreSQL as a
 * pg_dump custom-format archive, embedded PGlite as a gzipped tarball of its
 * data directory. Each kind restores only its own files.
 */
export type BackupKind = DatabaseTarget['kind'];

export { BackupError, describeSummary, type DatabaseSummary, type RestoreResult } from './backup-common.js';

export interface BackupResult {
	file: string;
	bytes: number;
	summary: DatabaseSummary;
}

const extensions: Record<BackupKind, string> = { postgres: 'dump', pglite: 'tar.gz' };

/** `backups/voronka-2026-11-30T19-05-00Z.dump` (or `.tar.gz` for PGlite), relative to `cwd`. */
export function defaultBackupPath(kind: BackupKind, now: Date, cwd = process.cwd()): string {
	return resolve(cwd, 'backups', `voronka-${fileTimestamp(now)}.${extensions[kind]}`);
}

/**
 * Writes a backup of the target to `outFile`. The file appears only once it is
 * complete (written beside it, then renamed), and an existing file is never
 * overwritten.
 */
export async function createBackup(target: DatabaseTarget, outFile: string): Promise<BackupResult> {
	const file = resolve(outFile);
	if (await exists(file)) throw new BackupError(`${file} already exists, and a backup never overwrites a file.`);
	mkdirSync(dirname(file), { recursive: true });
	const partial = `${file}.partial`;
	try {
		const summary =
			target.kind === 'postgres' ? await backupPostgres(target.url, partial) : await backupPglite(requireDataDir(target.dataDir), partial);
		await rename(partial, file);
		return { file, bytes: (await stat(file)).size, summary };
	} finally {
		await rm(partial, { force: true });
	}
}

/**
 * Restores a backup into the target. Refuses a file of the other database
 * kind, and a target that already holds Voronka's tables unless `force`.
 */
export async function restoreBackup(target: DatabaseTarget, inFile: string, options: { force: boolean }): Promise<RestoreResult> {
	const file = resolve(inFile);
	const kind = await detectBackupKind(file);
	if (kind !== target.kind) {
		const configured = target.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL is set)' : 'embedded PGlite (DATABASE_URL is unset)';
		throw new BackupError(
			`${file} is a ${kind === 'postgres' ? 'PostgreSQL (pg_dump)' : 'PGlite'} backup, but the configured database is ${configured}. A backup restores only into the kind it was taken from.`
		);
	}
	return target.kind === 'postgres'
		? restorePostgres(target.url, file, options)
		: restorePglite(requireDataDir(target.dataDir), file, options);
}

/** Tells the kind by the file's first bytes: pg_dump's custom format starts with "PGDMP", a gzip stream with 1f 8b. */
export async function detectBackupKind(file: string): Promise<BackupKind> {
	let handle;
	try {
		handle = await open(file, 'r');
	} catch (error) {
		const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
		throw new BackupError(`Cannot read ${file}: ${reason}.`);
	}
	try {
		const head = Buffer.alloc(5);
		const { bytesRead } = await handle.read(head, 0, 5, 0);
		if (bytesRead === 5 && head.toString('latin1') === 'PGDMP') return 'postgres';
		if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'pglite';
	} finally {
		await handle.close();
	}
	throw new BackupError(`${file} is not a Voronka backup (neither a pg_dump custom-format archive nor a PGlite tarball).`);
}

function requireDataDir(dataDir: string | null): string {
	if (!dataDir) throw new BackupError('An in-memory PGlite database cannot be backed up or restored.');
	return dataDir;
}

async function exists(file: string): Promise<boolean> {
	return stat(file).then(
		() => true,
		() => false
	);
}
