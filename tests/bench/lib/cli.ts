// The scenario contract: `npx tsx tests/bench/scenarios/NAME.ts [--db
// pglite|postgres] [--runs N] [--json OUT.json] [--quick] [--seed N]
// [--rates A,B,...] [--seconds N] [--voronka-only]` (--rates: the rates a
// sweep tries, where it has them; --seconds: how long each rate is measured;
// --voronka-only: no reference runs, for comparing two commits of Voronka).
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { BenchDatabaseKind } from './database.js';
import { chooseSeed } from './random.js';
import { printTable, type ScenarioResult } from './table.js';

export interface ScenarioOptions {
	db: BenchDatabaseKind;
	runs: number;
	json: string | null;
	quick: boolean;
	seed: number;
	rates: number[] | null;
	/** Measured seconds per rate, where a scenario sweeps rates (null: its default). */
	seconds: number | null;
	/** Leaves out the reference server: for comparing two commits, never for the recorded tables. */
	voronkaOnly: boolean;
}

export function readScenarioOptions(argv = process.argv.slice(2)): ScenarioOptions {
	const { values } = parseArgs({
		args: argv,
		options: {
			db: { type: 'string', default: 'pglite' },
			runs: { type: 'string' },
			json: { type: 'string' },
			quick: { type: 'boolean', default: false },
			seed: { type: 'string' },
			rates: { type: 'string' },
			seconds: { type: 'string' },
			'voronka-only': { type: 'boolean', default: false }
		},
		allowPositionals: true
	});
	if (values.db !== 'pglite' && values.db !== 'postgres') throw new Error(`--db must be pglite or postgres, not ${values.db}`);
	const quick = values.quick ?? false;
	const runs = values.runs === undefined ? (quick ? 1 : 3) : Number(values.runs);
	if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer`);
	const rates = values.rates === undefined ? null : values.rates.split(',').map(Number);
	if (rates && !rates.every((rate) => Number.isInteger(rate) && rate > 0)) throw new Error(`--rates must be positive integers separated by commas, not ${values.rates}`);
	const seconds = values.seconds === undefined ? null : Number(values.seconds);
	if (seconds !== null && !(Number.isInteger(seconds) && seconds > 0)) throw new Error(`--seconds must be a positive integer, not ${values.seconds}`);
	const voronkaOnly = values['voronka-only'] ?? false;
	return { db: values.db, runs, json: values.json ?? null, quick, seed: chooseSeed(values.seed === undefined ? undefined : Number(values.seed)), rates, seconds, voronkaOnly };
}

/** Prints the result's tables and, with --json, writes the result for the runner. */
export function reportScenario(options: ScenarioOptions, result: ScenarioResult): void {
	console.log(`\n## ${result.title}\n`);
	for (const table of result.tables) printTable(table);
	if (options.json) writeFileSync(options.json, JSON.stringify(result, null, 2));
}

/**
 * Runs a scenario's main: prints its failure and exits non-zero, and exits
 * at the end even if a socket or timer was left behind.
 */
export function runScenarioMain(main: (options: ScenarioOptions) => Promise<ScenarioResult>): void {
	const options = readScenarioOptions();
	main(options)
		.then((result) => {
			reportScenario(options, result);
			process.exit(0);
		})
		.catch((error: unknown) => {
			console.error(error);
			process.exit(1);
		});
}
