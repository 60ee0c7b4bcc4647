import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Where the real server keeps its data: a PGlite directory or a PostgreSQL URL. */
export type ServerDatabase = { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string };

export interface ServerProcess {
	url: string;
	child: ChildProcess;
	/** Milliseconds from spawning the process to /healthz answering ok. */
	startedInMs: number;
	/** Everything the process wrote to stdout and stderr so far. */
	output(): string;
	/** Resolves once the output matches, or fails after the timeout with what was written. */
	waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
	/** Ends the process with the signal and waits for it to be gone. */
	kill(signal?: NodeJS.Signals): Promise<void>;
	/** True while the process runs. */
	running(): boolean;
}

/** A port nobody listens on now; the same port is reused across restarts so clients reconnect to it. */
export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const address = probe.address();
			probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
		});
	});
}

const bundles = new Map<string, Promise<string>>();

/**
 * `server/main.ts` as one ES module (npm packages stay imports), built once
 * per test run. Tests that restart the server dozens of times use it: under
 * tsx each start spends about a second of CPU compiling and resolving the
 * sources again, on a machine whose two cores are shared.
 *
 * The file sits two folders below the repository, as server/db/client.ts
 * does, so its `../../drizzle` still names the migrations, and packages
 * resolve from the repository's node_modules.
 */
export function bundleServer(): Promise<string> {
	return bundleEntry(join('server', 'main.ts'), 'server-main.mjs');
}

/** Any entry of the repository (a path from its root) bundled like the server, once per test run. */
export function bundleEntry(entry: string, name: string): Promise<string> {
	let bundled = bundles.get(name);
	if (!bundled) {
		bundled = (async () => {
			const outfile = join(root, 'tests', '.artifacts', name);
			await build({ entryPoints: [join(root, entry)], outfile, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'warning' });
			if (!existsSync(join(dirname(outfile), '..', '..', 'drizzle', 'meta', '_journal.json'))) {
				throw new Error(`the bundle at ${outfile} would not find the migrations`);
			}
			return outfile;
		})();
		bundles.set(name, bundled);
	}
	return bundled;
}

/**
 * Starts `server/main.ts --api-only` as its own process on loopback and waits
 * until /healthz answers ok: the bundle above run by plain node, or with
 * SERVER_RUNNER=tsx the sources through tsx, as `npm start` does. The
 * environment is the parent's minus any database or Redis settings, so the
 * process uses exactly the database it is given.
 */
export async function startServerProcess(database: ServerDatabase, port: number, timeoutMs = 60_000): Promise<ServerProcess> {
	const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
	delete env.DATABASE_URL;
	delete env.DATA_DIR;
	delete env.REDIS_URL;
	delete env.ORIGIN;
	if (database.kind === 'pglite') env.DATA_DIR = database.dataDir;
	else env.DATABASE_URL = database.url;

	const entry = process.env.SERVER_RUNNER === 'tsx' ? ['--import', 'tsx', 'server/main.ts'] : [await bundleServer()];
	const spawnedAt = Date.now();
	const child = spawn(process.execPath, [...entry, '--api-only'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	const listeners = new Set<() => void>();
	const append = (chunk: Buffer) => {
		output += chunk.toString();
		for (const listener of listeners) listener();
	};
	child.stdout!.on('data', append);
	child.stderr!.on('data', append);
	let exitCode: number | string | null = null;
	const exited = new Promise<void>((resolve) =>
		child.once('exit', (code, signal) => {
			exitCode = code ?? signal;
			resolve();
		})
	);
	const url = `http://127.0.0.1:${port}`;

	const waitForOutput = (pattern: RegExp, waitMs = 10_000) =>
		new Promise<void>((resolve, reject) => {
			const check = () => {
				if (!pattern.test(output)) return;
				listeners.delete(check);
				clearTimeout(timer);
				resolve();
			};
			const timer = setTimeout(() => {
				listeners.delete(check);
				reject(new Error(`server output never matched ${pattern}; it wrote:\n${output}`));
			}, waitMs);
			listeners.add(check);
			check();
		});

	const handle: ServerProcess = {
		url,
		child,
		startedInMs: 0,
		output: () => output,
		waitForOutput,
		running: () => exitCode === null,
		kill: async (signal = 'SIGKILL') => {
			if (exitCode === null) child.kill(signal);
			await exited;
		}
	};

	const deadline = spawnedAt + timeoutMs;
	while (Date.now() < deadline) {
		if (exitCode !== null) throw new Error(`the server exited (${exitCode}) while starting; it wrote:\n${output}`);
		if (await healthStatus(url).catch(() => 0) === 200) {
			handle.startedInMs = Date.now() - spawnedAt;
			return handle;
		}
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
	await handle.kill();
	throw new Error(`the server did not answer /healthz within ${timeoutMs} ms; it wrote:\n${output}`);
}

/** The status /healthz answers with (0 when nothing answers). */
export async function healthStatus(baseUrl: string): Promise<number> {
	const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) }).catch(() => null);
	if (!response) return 0;
	await response.body?.cancel();
	return response.status;
}
