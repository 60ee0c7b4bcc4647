import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { ensureAppBuilt } from '../../server/build-app';
import { loadConfig } from '../../server/config';
import { openDatabase } from '../../server/db/client';
import { startServer } from '../../server/server';
import { startJobs } from '../../server/jobs/scheduler';
import { processJobs } from '../../server/processes/run-processes';

declare module 'vitest' {
	export interface ProvidedContext {
		baseUrl: string;
	}
}

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * One real server for the whole e2e run: the built app and the API on a free
 * port, over a fresh embedded database that is thrown away afterwards.
 */
export default async function setup(project: TestProject) {
	const buildDir = resolve(root, 'build');
	ensureAppBuilt(root, buildDir, (line) => console.log(`[e2e] ${line}`));

	const dataDir = mkdtempSync(join(tmpdir(), 'voronka-e2e-'));
	const database = openDatabase({ kind: 'pglite', dataDir });
	await database.migrate();
	const server = await startServer({
		database,
		config: loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }),
		// Every test signs up from 127.0.0.1; the default 10 an hour would stop the run.
		limits: { signupAddress: { points: 1000, durationSec: 3600 } },
		buildDir
	});
	project.provide('baseUrl', server.url);
	// The workspaces' processes every few seconds: a process turned on in a test acts within the test. Only
	// those: the cleanup and due-task jobs would sweep every test's workspace every 3 s on the one PGlite
	// connection all the browsers wait on (processes are off until a test turns them on).
	const stopJobs = startJobs({ database, rooms: server.rooms, notifier: server.notifier, now: () => new Date(), everyMs: 3000, firstAfterMs: 3000, jobs: processJobs });

	return async () => {
		stopJobs();
		await server.close();
		await database.close();
		rmSync(dataDir, { recursive: true, force: true });
	};
}
