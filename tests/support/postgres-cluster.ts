import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The PostgreSQL server binaries (initdb, pg_ctl) of the newest version
 * installed the Debian way, or PG_BIN; null when there are none.
 */
export function findPostgresBinaries(): string | null {
	if (process.env.PG_BIN) return existsSync(join(process.env.PG_BIN, 'initdb')) ? process.env.PG_BIN : null;
	const base = '/usr/lib/postgresql';
	if (!existsSync(base)) return null;
	const versions = readdirSync(base).filter((version) => existsSync(join(base, version, 'bin', 'initdb')));
	const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
	return newest ? join(base, newest, 'bin') : null;
}

export interface ThrowawayCluster {
	/** postgres://postgres@127.0.0.1:<port>/postgres */
	url: string;
	port: number;
	start(): Promise<void>;
	/** `pg_ctl stop -m <mode>`: fast ends every session at once, as an operator's restart does. */
	stop(mode?: 'smart' | 'fast' | 'immediate'): Promise<void>;
	/** Stops the cluster if it runs and deletes its files. */
	destroy(): Promise<void>;
}

/**
 * A PostgreSQL cluster of its own in a temporary folder, on a port of its
 * own, so a test can stop and start it without touching the machine's shared
 * server. PostgreSQL refuses to run as root, so as root the folder is given
 * to the `postgres` user and the tools run as that user.
 */
export async function createThrowawayCluster(bin: string, port: number): Promise<ThrowawayCluster> {
	const dir = mkdtempSync(join(tmpdir(), 'voronka-pg-'));
	const asRoot = userInfo().uid === 0;
	if (asRoot) {
		const { stdout } = await run('id', ['-u', 'postgres']);
		const { stdout: group } = await run('id', ['-g', 'postgres']);
		chownSync(dir, Number(stdout.trim()), Number(group.trim()));
	}
	const tool = (name: string, args: string[]) =>
		asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, name), ...args]) : run(join(bin, name), args);
	const data = join(dir, 'data');
	await tool('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
	// Loopback only; the socket lives in the cluster's folder, not in the shared /var/run/postgresql.
	const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
	let running = false;
	const cluster: ThrowawayCluster = {
		url: `postgres://postgres@127.0.0.1:${port}/postgres`,
		port,
		start: async () => {
			await tool('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', 'start']);
			running = true;
		},
		stop: async (mode = 'fast') => {
			await tool('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
			running = false;
		},
		destroy: async () => {
			if (running) await cluster.stop('immediate').catch(() => undefined);
			rmSync(dir, { recursive: true, force: true });
		}
	};
	await cluster.start();
	return cluster;
}
