// A load generator is its own process on the load core, driven by the
// scenario over IPC: the scenario asks, the generator does and answers.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadCore } from './processes.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

interface Request {
	id: number;
	type: string;
	payload: unknown;
}
interface Reply {
	id: number;
	result?: unknown;
	error?: string;
}

export interface Generator {
	pid: number;
	call<T>(type: string, payload?: unknown): Promise<T>;
	kill(): Promise<void>;
}

/** Starts `tsx FILE` under `taskset -c 1` with an IPC channel. */
export function spawnGenerator(file: string, core = loadCore): Generator {
	const env: NodeJS.ProcessEnv = { ...process.env };
	delete env.NODE_OPTIONS;
	// taskset execs node in place, so the IPC channel's descriptor reaches it.
	const child: ChildProcess = spawn('taskset', ['-c', String(core), process.execPath, '--import', 'tsx', file], {
		cwd: root,
		env,
		stdio: ['ignore', 'inherit', 'inherit', 'ipc']
	});
	let nextId = 1;
	const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
	child.on('message', (message: Reply) => {
		const waiter = pending.get(message.id);
		if (!waiter) return;
		pending.delete(message.id);
		if (message.error) waiter.reject(new Error(`generator: ${message.error}`));
		else waiter.resolve(message.result);
	});
	const exited = new Promise<void>((resolve) =>
		child.once('exit', (code, signal) => {
			for (const waiter of pending.values()) waiter.reject(new Error(`the generator exited (${code ?? signal})`));
			pending.clear();
			resolve();
		})
	);
	return {
		pid: child.pid!,
		call: <T>(type: string, payload?: unknown) =>
			new Promise<T>((resolve, reject) => {
				const id = nextId++;
				pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
				child.send({ id, type, payload } satisfies Request);
			}),
		kill: async () => {
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
			await exited;
		}
	};
}

/** The generator's side: answers each request with its handler's result. */
export function serveGenerator(handlers: Record<string, (payload: any) => Promise<unknown> | unknown>): void {
	process.on('message', async (request: Request) => {
		const handler = handlers[request.type];
		try {
			if (!handler) throw new Error(`no handler for ${request.type}`);
			const result = await handler(request.payload);
			process.send!({ id: request.id, result } satisfies Reply);
		} catch (error) {
			process.send!({ id: request.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies Reply);
		}
	});
	// Without its scenario the generator has nothing to do.
	process.on('disconnect', () => process.exit(0));
}
