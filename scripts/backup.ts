// `npm run backup -- [--out backups/voronka-2026-11-30.dump]`
// Backs up the database `npm start` would open (DATABASE_URL, else PGlite in
// DATA_DIR) into one file: a pg_dump archive, or a PGlite data-dir tarball.
import { loadConfig } from '../server/config.js';
import { databaseTarget } from '../server/db/client.js';
import { createBackup, defaultBackupPath, describeSummary } from '../server/db/backup.js';
import { describeTarget, displayPath, formatBytes, formatSeconds, parseArguments, runCommand, UsageError } from './backup-cli.js';

const usage = `Usage: npm run backup -- [--out <file>]
  --out <file>  where to write it (default: backups/voronka-<UTC time>.dump on PostgreSQL, .tar.gz on PGlite)
It backs up the database npm start uses: DATABASE_URL when set, else embedded PGlite in DATA_DIR (./data).
PGlite serves one process at a time: stop Voronka before backing up its DATA_DIR.`;

await runCommand('Backup', usage, async () => {
	const { values } = parseArguments({ options: { out: { type: 'string' }, help: { type: 'boolean' } } });
	if (values.help) return console.log(usage);
	if (values.out !== undefined && values.out.trim() === '') throw new UsageError('--out needs a file name.');
	const target = databaseTarget(loadConfig());
	const out = values.out ?? defaultBackupPath(target.kind, new Date());
	console.log(`Backing up ${describeTarget(target)}…`);
	const started = performance.now();
	const result = await createBackup(target, out);
	console.log(
		`Saved ${describeSummary(result.summary)} to ${displayPath(result.file)} (${formatBytes(result.bytes)}) in ${formatSeconds(performance.now() - started)}.`
	);
});
