import { spawn } from 'node:child_process';
import pg from 'pg';
import { BackupError, describeSummary, summaryQuery, type DatabaseSummary, type RestoreResult } from './backup-common.js';

/**
 * A PostgreSQL backup is a pg_dump custom-format archive of the whole
 * database (schema, data and drizzle's migration journal), restored with
 * pg_restore in one transaction: it lands whole or not at all.
 */
export async function backupPostgres(url: string, outFile: string): Promise<DatabaseSummary> {
	const summary = await withClient(url, (client) => readSummary(client, url));
	await runTool('pg_dump', ['--format=custom', `--file=${outFile}`, `--dbname=${toolConnection(url).uri}`], url);
	return summary;
}

/**
 * Restores into an empty database. One that already holds Voronka's tables is
 * refused unless `force`, which drops and recreates the archive's objects in
 * the same transaction as the restore.
 */
export async function restorePostgres(url: string, file: string, options: { force: boolean }): Promise<RestoreResult> {
	const name = databaseName(url);
	await withClient(url, async (client) => {
		const { rows } = await client.query<{ tables: number; sessions: number }>(
			`select
				(select count(*) from information_schema.tables where table_schema in ('public', 'drizzle'))::int as tables,
				(select count(*) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid())::int as sessions`
		);
		const { tables, sessions } = rows[0]!;
		if (tables > 0 && !options.force) {
			const held = await readSummary(client, url).then((summary) => ` (${describeSummary(summary)})`, () => '');
			throw new BackupError(
				`The database "${name}" already holds Voronka's tables${held}. Restore will not write over it: restore into a new, empty database (createdb, then point DATABASE_URL at it), or pass --force to replace its contents.`
			);
		}
		// A running server would keep serving boards from memory and write them back over the restored rows.
		if (sessions > 0) {
			throw new BackupError(
				`${sessions} other session${sessions === 1 ? ' is' : 's are'} connected to "${name}": stop Voronka (every node) and anything else using it, then try again.`
			);
		}
	});
	const args = [`--dbname=${toolConnection(url).uri}`, '--no-owner', '--no-acl', '--exit-on-error', '--single-transaction'];
	if (options.force) args.push('--clean', '--if-exists');
	await runTool('pg_restore', [...args, file], url);
	return { summary: await withClient(url, (client) => readSummary(client, url)) };
}

/**
 * The URL for pg_dump and pg_restore without its password, which goes in
 * PGPASSWORD instead: a command line is visible to every user of the machine.
 */
function toolConnection(url: string): { uri: string; env: NodeJS.ProcessEnv } {
	const parsed = new URL(url);
	const password = decodeURIComponent(parsed.password);
	parsed.password = '';
	return { uri: parsed.toString(), env: password ? { ...process.env, PGPASSWORD: password } : process.env };
}

function runTool(command: 'pg_dump' | 'pg_restore', args: string[], url: string): Promise<void> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { env: toolConnection(url).env, stdio: ['ignore', 'ignore', 'pipe'] });
		let stderr = '';
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		child.on('error', (error: NodeJS.ErrnoException) => {
			if (error.code !== 'ENOENT') return reject(error);
			reject(
				new BackupError(
					`${command} not found: install PostgreSQL's client tools (Debian: apt-get install postgresql-client) of the server's major version or newer.`
				)
			);
		});
		child.on('close', (code) => {
			if (code === 0) return resolve();
			// pg_dump refuses a server newer than itself; say what to install.
			const hint = /version mismatch/.test(stderr) ? `\nInstall the PostgreSQL client tools of the server's major version (Debian: postgresql-client-<major>).` : '';
			reject(new BackupError(`${command} failed (exit ${code}):\n${stderr.trim()}${hint}`));
		});
	});
}

async function withClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
	const client = new pg.Client({ connectionString: url });
	try {
		await client.connect();
	} catch (error) {
		throw new BackupError(`Cannot connect to PostgreSQL at ${redact(url)}: ${(error as Error).message}`);
	}
	try {
		return await run(client);
	} finally {
		await client.end();
	}
}

async function readSummary(client: pg.Client, url: string): Promise<DatabaseSummary> {
	try {
		const { rows } = await client.query<DatabaseSummary>(summaryQuery);
		return rows[0]!;
	} catch (error) {
		throw new BackupError(`${redact(url)} does not hold a Voronka database (${(error as Error).message}).`);
	}
}

function databaseName(url: string): string {
	return decodeURIComponent(new URL(url).pathname.slice(1));
}

function redact(url: string): string {
	const parsed = new URL(url);
	if (parsed.password) parsed.password = '***';
	return parsed.toString();
}
