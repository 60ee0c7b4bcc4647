// What `npm run backup` and `npm run restore` share: argument parsing with
// the usage on every mistake, and one exit code per kind of failure.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { isAbsolute, relative, resolve } from 'node:path';
import { ConfigError } from '../server/config.js';
import type { DatabaseTarget } from '../server/db/client.js';
import { pgliteDirectory } from '../server/db/client.js';
import { BackupError } from '../server/db/backup.js';

export class UsageError extends Error {}

/** Runs the command; prints a usage mistake with the usage (exit 2), a refusal or failure alone (exit 1). */
export async function runCommand(verb: 'Backup' | 'Restore', usage: string, main: () => Promise<void>): Promise<void> {
	try {
		await main();
	} catch (error) {
		if (error instanceof UsageError) {
			console.error(`${error.message}\n\n${usage}`);
			process.exitCode = 2;
		} else if (error instanceof ConfigError) {
			console.error(error.message);
			process.exitCode = 78;
		} else if (error instanceof BackupError) {
			console.error(`${verb} failed: ${error.message}`);
			process.exitCode = 1;
		} else {
			console.error(`${verb} failed:`, error);
			process.exitCode = 1;
		}
	}
}

/** node:util parseArgs, with its TypeErrors (unknown option, missing value) turned into usage mistakes. */
export function parseArguments<T extends ParseArgsConfig>(config: T) {
	try {
		return parseArgs({ ...config, strict: true });
	} catch (error) {
		throw new UsageError((error as Error).message);
	}
}

export function describeTarget(target: DatabaseTarget): string {
	return target.kind === 'postgres'
		? `PostgreSQL database "${decodeURIComponent(new URL(target.url).pathname.slice(1))}" (DATABASE_URL)`
		: `embedded PGlite in ${target.dataDir ? pgliteDirectory(target.dataDir) : 'memory'} (DATA_DIR=${target.dataDir ? resolve(target.dataDir) : ''})`;
}

/** A path as the operator would type it: relative when under the working directory. */
export function displayPath(file: string): string {
	const path = relative(process.cwd(), file);
	return path && !path.startsWith('..') && !isAbsolute(path) ? path : file;
}

export function formatBytes(bytes: number): string {
	if (bytes < 1024) return `${bytes} B`;
	if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
	return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function formatSeconds(milliseconds: number): string {
	return `${(milliseconds / 1000).toFixed(1)} s`;
}
