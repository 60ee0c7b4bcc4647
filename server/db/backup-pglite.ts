import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import { pgliteDirectory } from './client.js';
import { BackupError, describeSummary, fileTimestamp, summaryQuery, type DatabaseSummary, type RestoreResult } from './backup-common.js';

const gunzipAsync = promisify(gunzip);

/**
 * A PGlite backup is its data directory as a gzipped tarball (PGlite's own
 * dumpDataDir), restored with its loadDataDir option: the whole database,
 * bit for bit, for the same PGlite (PostgreSQL major) version.
 */
export async function backupPglite(dataDir: string, outFile: string): Promise<DatabaseSummary> {
	const directory = pgliteDirectory(dataDir);
	// Opening a missing directory would create an empty database rather than fail.
	if (!existsSync(join(directory, 'PG_VERSION'))) {
		throw new BackupError(`No PGlite database in ${directory}: nothing to back up. Is DATA_DIR right?`);
	}
	refuseIfOpen(directory);
	const client = await PGlite.create(directory);
	try {
		const summary = await readSummary(client, directory);
		// Written out first, so the files hold every change and a restore replays little WAL.
		await client.exec('checkpoint');
		const tarball = await client.dumpDataDir('gzip');
		await writeFile(outFile, new Uint8Array(await tarball.arrayBuffer()));
		return summary;
	} finally {
		await client.close();
	}
}

/**
 * Loads the tarball into a fresh directory beside DATA_DIR/pglite and only
 * then puts it in place, so a failed restore leaves the old state untouched.
 * With `force`, an existing database is moved aside, never deleted.
 */
export async function restorePglite(dataDir: string, file: string, options: { force: boolean }): Promise<RestoreResult> {
	const directory = pgliteDirectory(dataDir);
	const occupied = existsSync(directory) && readdirSync(directory).length > 0;
	if (occupied) {
		refuseIfOpen(directory);
		if (!options.force) {
			throw new BackupError(
				`${directory} already holds a database${await describeExisting(directory)}. Restore will not replace it: set DATA_DIR to a new directory, or pass --force to move the existing one aside and restore in its place.`
			);
		}
	}

	// A fixed name: what a killed restore left there is cleared by the next one.
	const staging = `${directory}.restoring`;
	await rm(staging, { recursive: true, force: true });
	await mkdir(resolve(dataDir), { recursive: true });
	let summary: DatabaseSummary;
	try {
		const tarball = new Blob([await readTarball(file)], { type: 'application/x-tar' });
		const client = await PGlite.create(staging, { loadDataDir: tarball }).catch((error: unknown) => {
			throw new BackupError(`Cannot load ${file} into PGlite: ${(error as Error).message}`);
		});
		try {
			summary = await readSummary(client, file);
		} finally {
			await client.close();
		}
	} catch (error) {
		await rm(staging, { recursive: true, force: true });
		throw error;
	}

	let movedAside: string | undefined;
	if (occupied) {
		movedAside = `${directory}.replaced-${fileTimestamp(new Date())}`;
		await rename(directory, movedAside);
	} else if (existsSync(directory)) {
		await rm(directory, { recursive: true, force: true });
	}
	await rename(staging, directory);
	return { summary, movedAside };
}

/**
 * Unpacked here rather than by PGlite, whose gunzip of a truncated file fails
 * outside any promise the caller could catch, and takes the process down.
 */
async function readTarball(file: string): Promise<Uint8Array<ArrayBuffer>> {
	try {
		return new Uint8Array(await gunzipAsync(await readFile(file)));
	} catch (error) {
		throw new BackupError(`${file} is damaged or incomplete (${(error as Error).message}).`);
	}
}

/**
 * PGlite takes no lock: it writes postmaster.pid while open and removes it on
 * close, and a second process would write to the same files. So an open
 * database is refused; the file also stays behind after a server was killed.
 */
function refuseIfOpen(directory: string): void {
	if (!existsSync(join(directory, 'postmaster.pid'))) return;
	throw new BackupError(
		`The PGlite database in ${directory} is open in another process: stop Voronka (npm start or npm run dev on this DATA_DIR) and try again; PGlite serves one process at a time. ` +
			`If nothing runs on it, the last server was stopped without closing the database: start and stop Voronka once (Ctrl-C), then try again.`
	);
}

async function readSummary(client: PGlite, source: string): Promise<DatabaseSummary> {
	try {
		const result = await client.query<DatabaseSummary>(summaryQuery);
		return result.rows[0]!;
	} catch (error) {
		throw new BackupError(`${source} does not hold a Voronka database (${(error as Error).message}).`);
	}
}

async function describeExisting(directory: string): Promise<string> {
	try {
		const client = await PGlite.create(directory);
		try {
			const { rows } = await client.query<DatabaseSummary>(summaryQuery);
			return ` (${describeSummary(rows[0]!)})`;
		} finally {
			await client.close();
		}
	} catch {
		return '';
	}
}
