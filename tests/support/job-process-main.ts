/*
 * A server node as its own OS process whose scheduler timer is replaced by
 * commands, for the test that runs the scheduled jobs from two processes
 * (tests/support/job-process.ts starts it; tests/integration/processes.test.ts).
 *
 *   node job-process-main.mjs <postgres url> <clock, ISO 8601>
 *
 * It starts a server on the (already migrated) database with its clock fixed
 * at the given instant, then reads one JSON command a line on stdin:
 *   {"cmd":"run"}               runJobsOnce with every scheduled job
 *   {"cmd":"run","hold":true}   the same, then holds the job lock until
 *   {"cmd":"release"}           ...this arrives
 *   {"cmd":"exit"}              closes the server and exits 0
 * and writes one JSON event a line on stdout: {"event":"ready"},
 * {"event":"holding"} (inside the lock, after the jobs ran),
 * {"event":"result","result":"ran"|"busy"}, {"event":"error","message":...}.
 */
import { createInterface } from 'node:readline';
import { loadConfig } from '../../server/config.js';
import { openDatabase } from '../../server/db/client.js';
import { runJobsOnce, scheduledJobs, type ScheduledJob } from '../../server/jobs/scheduler.js';
import { startServer } from '../../server/server.js';

const [url, clockArgument] = process.argv.slice(2);
const clock = new Date(clockArgument ?? '');
if (!url || Number.isNaN(clock.getTime())) {
	console.error('usage: job-process-main <postgres url> <clock ISO 8601>');
	process.exit(64);
}

const emit = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);

const database = openDatabase({ kind: 'postgres', url });
const server = await startServer({ database, config: loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }), now: () => clock });
const deps = { database, rooms: server.rooms, notifier: server.notifier, now: () => clock };

let release: (() => void) | null = null;
// The last job of a held run: the lock is still this process's while it waits.
const hold: ScheduledJob = {
	name: 'hold-the-lock',
	run: () =>
		new Promise<void>((resolve) => {
			release = resolve;
			emit({ event: 'holding' });
		})
};

function run(holding: boolean): void {
	runJobsOnce({ ...deps, jobs: holding ? [...scheduledJobs, hold] : scheduledJobs }).then(
		(result) => emit({ event: 'result', result }),
		(error: unknown) => emit({ event: 'error', message: error instanceof Error ? error.message : String(error) })
	);
}

createInterface({ input: process.stdin }).on('line', (line) => {
	const command = JSON.parse(line) as { cmd: 'run' | 'release' | 'exit'; hold?: boolean };
	if (command.cmd === 'run') run(command.hold === true);
	else if (command.cmd === 'release') {
		release?.();
		release = null;
	} else if (command.cmd === 'exit') {
		void server
			.close()
			.then(() => database.close())
			.then(() => process.exit(0));
	}
});
emit({ event: 'ready' });
