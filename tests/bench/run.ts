// `npm run bench [-- SCENARIO…] [--quick] [--runs N] [--no-write] [--note TEXT]`: runs each
// scenario script in tests/bench/scenarios/ as its own process (with --json),
// on embedded PGlite and, when BENCH_DATABASE_URL or TEST_DATABASE_URL is
// set, on PostgreSQL; prints the tables and rewrites docs/BENCHMARKS.md.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { postgresAdminUrl, type BenchDatabaseKind } from './lib/database.js';
import { describeMachine, formatMachine } from './lib/machine.js';
import { formatTable, type ScenarioResult } from './lib/table.js';
import { renderBenchmarks, type Outcome } from './lib/report.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const scenarioDir = join(root, 'tests', 'bench', 'scenarios');
const docPath = join(root, 'docs', 'BENCHMARKS.md');
// Cheap and telling first; the browser last (it needs the app built).
const preferredOrder = ['fanout', 'one-board', 'nodes', 'connections', 'api', 'import', 'cold-load', 'browser'];

const { values, positionals } = parseArgs({
	options: { quick: { type: 'boolean', default: false }, runs: { type: 'string' }, 'no-write': { type: 'boolean', default: false }, note: { type: 'string' } },
	allowPositionals: true
});

function listScenarios(): string[] {
	const found = readdirSync(scenarioDir)
		.filter((file) => file.endsWith('.ts'))
		.map((file) => file.slice(0, -3));
	const rank = (name: string) => (preferredOrder.includes(name) ? preferredOrder.indexOf(name) : preferredOrder.length);
	return found.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

type ScenarioOutcome = Outcome & { db: BenchDatabaseKind };

function runScenario(name: string, db: BenchDatabaseKind, jsonPath: string): Promise<ScenarioOutcome> {
	const args = ['--import', 'tsx', join(scenarioDir, `${name}.ts`), '--db', db, '--json', jsonPath];
	if (values.quick) args.push('--quick');
	if (values.runs) args.push('--runs', values.runs);
	const startedAt = Date.now();
	return new Promise((resolve) => {
		const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
		child.once('exit', (code, signal) => {
			const seconds = (Date.now() - startedAt) / 1000;
			if (code !== 0) return resolve({ name, db, seconds, result: null, failure: `exited with ${code ?? signal}` });
			if (!existsSync(jsonPath)) return resolve({ name, db, seconds, result: null, failure: 'wrote no result' });
			resolve({ name, db, seconds, result: JSON.parse(readFileSync(jsonPath, 'utf8')) as ScenarioResult, failure: null });
		});
	});
}

const available = listScenarios();
const unknown = positionals.filter((name) => !available.includes(name));
if (unknown.length > 0) {
	console.error(`No such scenario: ${unknown.join(', ')} (there are: ${available.join(', ')})`);
	process.exit(2);
}
const chosen = positionals.length > 0 ? available.filter((name) => positionals.includes(name)) : available;
const databases: BenchDatabaseKind[] = postgresAdminUrl() ? ['pglite', 'postgres'] : ['pglite'];
const machine = describeMachine();
console.log(`Machine: ${formatMachine(machine)}`);
console.log(`Scenarios: ${chosen.join(', ')} on ${databases.join(' and ')}${values.quick ? ' (quick)' : ''}`);

const scratch = mkdtempSync(join(tmpdir(), 'voronka-bench-results-'));
const outcomes: ScenarioOutcome[] = [];
const startedAt = Date.now();
try {
	for (const name of chosen) {
		for (const db of databases) {
			console.log(`\n# ${name} on ${db}`);
			const outcome = await runScenario(name, db, join(scratch, `${name}-${db}.json`));
			console.log(`# ${name} on ${db}: ${outcome.failure ?? 'done'} in ${outcome.seconds.toFixed(0)} s`);
			outcomes.push(outcome);
		}
	}
} finally {
	rmSync(scratch, { recursive: true, force: true });
}

console.log('\n# Summary\n');
for (const outcome of outcomes) {
	if (outcome.failure) console.log(`**${outcome.name} on ${outcome.db}: FAILED (${outcome.failure})**\n`);
	for (const table of outcome.result?.tables ?? []) console.log(`${formatTable(table)}\n`);
}
const totalSeconds = (Date.now() - startedAt) / 1000;
console.log(`All scenarios took ${(totalSeconds / 60).toFixed(1)} min.`);

if (!values['no-write'] && !values.quick) {
	const previous = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '';
	writeFileSync(docPath, renderBenchmarks({ previous, machine, outcomes, totalSeconds, partial: positionals.length > 0, note: values.note }));
	console.log(`Wrote ${docPath}`);
} else {
	console.log('docs/BENCHMARKS.md left as it was (--quick or --no-write).');
}
process.exit(outcomes.some((outcome) => outcome.failure) ? 1 : 0);
