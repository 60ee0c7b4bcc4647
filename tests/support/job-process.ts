import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { bundleEntry } from './server-process.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export type JobEvent = { event: 'ready' } | { event: 'holding' } | { event: 'result'; result: 'ran' | 'busy' } | { event: 'error'; message: string };
export type JobCommand = { cmd: 'run'; hold?: boolean } | { cmd: 'release' } | { cmd: 'exit' };

/** A server node in its own OS process that runs the scheduled jobs when told (job-process-main.ts). */
export interface JobProcess {
	/** The OS process id: two of them differ, which is the point. */
	pid: number;
	send(command: JobCommand): void;
	/** The next event this process writes (events are queued, none is missed); fails after the timeout with its output. */
	next(timeoutMs?: number): Promise<JobEvent>;
	/** Asks it to exit and resolves with its exit code. */
	exit(): Promise<number | null>;
	/** Ends it at once (cleanup after a failure). */
	kill(): void;
}

/** Starts a job process on a migrated PostgreSQL database with its clock fixed; resolves once it is ready. */
export async function startJobProcess(databaseUrl: string, clock: Date): Promise<JobProcess> {
	const entry = await bundleEntry('tests/support/job-process-main.ts', 'job-process-main.mjs');
	const env: NodeJS.ProcessEnv = { ...process.env };
	// Only the database it is given: no Redis, no other database.
	delete env.DATABASE_URL;
	delete env.REDIS_URL;
	const child = spawn(process.execPath, [entry, databaseUrl, clock.toISOString()], { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
	let stderr = '';
	child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const events: JobEvent[] = [];
	const waiting: Array<(event: JobEvent) => void> = [];
	createInterface({ input: child.stdout! }).on('line', (line) => {
		const event = JSON.parse(line) as JobEvent;
		const waiter = waiting.shift();
		if (waiter) waiter(event);
		else events.push(event);
	});
	const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

	const next = (timeoutMs = 60_000) =>
		new Promise<JobEvent>((resolve, reject) => {
			const queued = events.shift();
			if (queued) return resolve(queued);
			const timer = setTimeout(() => {
				waiting.splice(waiting.indexOf(deliver), 1);
				reject(new Error(`job process ${child.pid} wrote no event within ${timeoutMs} ms; its stderr:\n${stderr}`));
			}, timeoutMs);
			const deliver = (event: JobEvent) => {
				clearTimeout(timer);
				resolve(event);
			};
			waiting.push(deliver);
			// A process that died writes nothing more: say so at once, with what it wrote.
			void exited.then((code) => {
				clearTimeout(timer);
				reject(new Error(`job process ${child.pid} exited (${code}); its stderr:\n${stderr}`));
			});
		});

	const handle: JobProcess = {
		pid: child.pid!,
		send: (command) => child.stdin!.write(`${JSON.stringify(command)}\n`),
		next,
		exit: () => {
			handle.send({ cmd: 'exit' });
			return exited;
		},
		kill: () => {
			if (child.exitCode === null) child.kill('SIGKILL');
		}
	};
	const ready = await next();
	if (ready.event !== 'ready') throw new Error(`job process ${child.pid} started with ${JSON.stringify(ready)}; its stderr:\n${stderr}`);
	return handle;
}
