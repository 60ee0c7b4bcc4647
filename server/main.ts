import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from './config.js';
import { databaseTarget, openDatabase, watchDatabase } from './db/client.js';
import { createPgliteFiles } from './db/pglite-files.js';
import { ensureAppBuilt } from './build-app.js';
import { startServer } from './server.js';
import { startJobs } from './jobs/scheduler.js';

const root = fileURLToPath(new URL('..', import.meta.url));
// `--api-only` is for `npm run dev`, where Vite serves the app itself.
const apiOnly = process.argv.includes('--api-only');

async function main(): Promise<void> {
	const config = loadConfig();
	const log = (line: string) => config.LOG_LEVEL !== 'silent' && console.log(line);
	const buildDir = resolve(root, 'build');
	if (!apiOnly) ensureAppBuilt(root, buildDir, log);

	const target = databaseTarget(config);
	await createPgliteFiles(target);
	const database = openDatabase(target);
	await database.migrate();
	log(
		database.kind === 'postgres'
			? 'Database: PostgreSQL (DATABASE_URL)'
			: `Database: embedded PGlite in ${resolve(config.DATA_DIR)}`
	);

	const server = await startServer({ database, config, buildDir: apiOnly ? undefined : buildDir });
	log(`Voronka is running at ${config.ORIGIN ?? server.url}`);
	const stopJobs = startJobs({ database, rooms: server.rooms, notifier: server.notifier, now: () => new Date() });
	const stopWatching = watchDatabase(database, (event) => {
		if (config.LOG_LEVEL === 'silent') return;
		if (!event.available) console.error(`Database unavailable (${event.error}): board edits wait in memory and are retried.`);
		else console.warn(`Database available again after ${(event.downForMs / 1000).toFixed(1)} s.`);
	});

	const stop = async () => {
		stopWatching();
		stopJobs();
		await server.close();
		await database.close();
		process.exit(0);
	};
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
	if (error instanceof ConfigError) {
		console.error(error.message);
		process.exit(78);
	}
	console.error('Voronka failed to start:', error);
	process.exit(1);
});
