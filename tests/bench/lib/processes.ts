// The processes a benchmark runs: the Voronka server and the reference
// server, each pinned to core 0, and load generators pinned to core 1, so
// server and load never share a core and figures compare across runs.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bundleServer, freePort, healthStatus, type ServerDatabase } from '../../support/server-process.js';

export { freePort, type ServerDatabase };

const root = fileURLToPath(new URL('../../..', import.meta.url));
export const serverCore = 0;
export const loadCore = 1;

export interface PinnedProcess {
	url: string;
	pid: number;
	child: ChildProcess;
	output(): string;
	running(): boolean;
	/** Ends the process with the signal (SIGKILL by default) and waits for it to be gone. */
	kill(signal?: NodeJS.Signals): Promise<void>;
}

// Servers die with the harness, even when it is interrupted or fails.
const live = new Set<ChildProcess>();
process.once('exit', () => {
	for (const child of live) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

/** Starts `node ARGS` under `taskset -c CORE` and keeps what it writes. */
function spawnPinned(core: number, args: string[], env: NodeJS.ProcessEnv, url: string): PinnedProcess {
	// taskset execs node in place, so the pid is the server's own.
	const child = spawn('taskset', ['-c', String(core), process.execPath, ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	let exitCode: number | string | null = null;
	const append = (chunk: Buffer) => {
		// Keep the tail only: a long run must not grow the harness's memory.
		output = (output + chunk.toString()).slice(-20_000);
	};
	child.stdout!.on('data', append);
	child.stderr!.on('data', append);
	live.add(child);
	const exited = new Promise<void>((resolve) =>
		child.once('exit', (code, signal) => {
			exitCode = code ?? signal;
			live.delete(child);
			resolve();
		})
	);
	return {
		url,
		pid: child.pid!,
		child,
		output: () => output,
		running: () => exitCode === null,
		kill: async (signal: NodeJS.Signals = process.env.BENCH_SERVER_NODE_ARGS ? 'SIGTERM' : 'SIGKILL') => {
			if (exitCode === null) child.kill(signal);
			await exited;
		}
	};
}

async function waitUntilAnswering(server: PinnedProcess, path: string, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (!server.running()) throw new Error(`the server exited while starting; it wrote:\n${server.output()}`);
		if (path === '/healthz') {
			if ((await healthStatus(server.url).catch(() => 0)) === 200) return;
		} else {
			const response = await fetch(server.url + path, { signal: AbortSignal.timeout(2000) }).catch(() => null);
			await response?.body?.cancel();
			if (response?.ok) return;
		}
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	await server.kill();
	throw new Error(`the server did not answer ${path} within ${timeoutMs} ms; it wrote:\n${server.output()}`);
}

export interface VoronkaOptions {
	database: ServerDatabase;
	port?: number;
	core?: number;
	/** Several nodes share one database through Redis. */
	redisUrl?: string;
	env?: Record<string, string>;
}

/**
 * The Voronka server (`server/main.ts --api-only`, bundled once with esbuild
 * by tests/support/server-process.ts) as its own process. The per-connection
 * update rate limit is raised: one bench mover sends up to a hundred moves a
 * second on its board, far above what a person drags, and the limit is not
 * what is measured.
 */
export async function startVoronka(options: VoronkaOptions): Promise<PinnedProcess> {
	const port = options.port ?? (await freePort());
	const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', SYNC_UPDATES_PER_SECOND: '5000' };
	for (const key of ['DATABASE_URL', 'DATA_DIR', 'REDIS_URL', 'ORIGIN', 'NODE_OPTIONS']) delete env[key];
	if (options.database.kind === 'pglite') env.DATA_DIR = options.database.dataDir;
	else env.DATABASE_URL = options.database.url;
	if (options.redisUrl) env.REDIS_URL = options.redisUrl;
	Object.assign(env, options.env);
	const bundle = await bundleServer();
	// BENCH_SERVER_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, profiles the server under load.
	const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
	const server = spawnPinned(options.core ?? serverCore, [...nodeArgs, bundle, '--api-only'], env, `http://127.0.0.1:${port}`);
	await waitUntilAnswering(server, '/healthz', 90_000);
	return server;
}

/** `@y/websocket-server` 0.1.1 as shipped (its bin), in memory, nothing written anywhere. */
export async function startReference(options: { port?: number; core?: number } = {}): Promise<PinnedProcess> {
	const port = options.port ?? (await freePort());
	const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1' };
	for (const key of ['YPERSISTENCE', 'CALLBACK_URL', 'NODE_OPTIONS']) delete env[key];
	const server = spawnPinned(options.core ?? serverCore, ['node_modules/@y/websocket-server/src/server.js'], env, `http://127.0.0.1:${port}`);
	await waitUntilAnswering(server, '/', 30_000);
	return server;
}

/** Pins the calling process (a scenario's harness) to the load core. */
export function pinSelf(core = loadCore): void {
	try {
		execFileSync('taskset', ['-a', '-cp', String(core), String(process.pid)], { stdio: 'ignore' });
	} catch {
		console.warn('taskset failed: the harness runs unpinned');
	}
}
