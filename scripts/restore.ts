// `npm run restore -- <backup file> [--force]`
// Restores a backup made by `npm run backup` into the database `npm start`
// would open: an empty PostgreSQL database, or a DATA_DIR without PGlite data.
import { loadConfig } from '../server/config.js';
import { databaseTarget } from '../server/db/client.js';
import { describeSummary, restoreBackup } from '../server/db/backup.js';
import { describeTarget, formatSeconds, parseArguments, runCommand, UsageError } from './backup-cli.js';

const usage = `Usage: npm run restore -- <backup file> [--force]
  <backup file>  a file from npm run backup (.dump for PostgreSQL, .tar.gz for PGlite)
  --force        replace a database that already holds Voronka data (PGlite: the old data
                 directory is moved aside; PostgreSQL: the backup's tables are dropped and
                 recreated in the same transaction as the restore)
It restores into the database npm start uses: DATABASE_URL when set, else embedded PGlite in DATA_DIR (./data).
Stop Voronka first.`;

await runCommand('Restore', usage, async () => {
	const { values, positionals } = parseArguments({
		options: { force: { type: 'boolean', default: false }, help: { type: 'boolean' } },
		allowPositionals: true
	});
	if (values.help) return console.log(usage);
	if (positionals.length !== 1) {
		throw new UsageError(positionals.length === 0 ? 'Name the backup file to restore.' : `One backup file at a time (got ${positionals.length}).`);
	}
	const target = databaseTarget(loadConfig());
	console.log(`Restoring ${positionals[0]} into ${describeTarget(target)}…`);
	const started = performance.now();
	const result = await restoreBackup(target, positionals[0]!, { force: values.force });
	if (result.movedAside) console.log(`The database that was there is now in ${result.movedAside}.`);
	console.log(`Restored ${describeSummary(result.summary)} in ${formatSeconds(performance.now() - started)}. Start Voronka with npm start.`);
});
