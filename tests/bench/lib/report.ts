// docs/BENCHMARKS.md, written by `npm run bench`: the method, the tables
// of this run (each scenario between markers) and the History section kept
// from before. Running some scenarios (`npm run bench -- search`) replaces
// only their sections and leaves the rest of the file as it was.
import type { MachineInfo } from './machine.js';
import { formatMachine } from './machine.js';
import { formatTable, type ScenarioResult } from './table.js';

export interface Outcome {
	name: string;
	db: string;
	seconds: number;
	result: ScenarioResult | null;
	failure: string | null;
}

const methodText = `## Machine and method
- Every figure is measured by \`npm run bench\` (code in \`tests/bench/\`);
  each scenario also runs alone: \`npm run bench -- fanout\`, or
  \`npx tsx tests/bench/scenarios/fanout.ts --db postgres --runs 3\`
  (\`--quick\` for a small, short run while developing). Scenarios run on
  embedded PGlite and, with \`BENCH_DATABASE_URL\` or \`TEST_DATABASE_URL\`
  set, on PostgreSQL, each on a fresh database.
- Processes: the server under test runs alone in its own process pinned to
  core 0 (\`taskset -c 0\`): Voronka is \`server/main.ts --api-only\` bundled
  with esbuild, run by plain Node; the reference is \`@y/websocket-server\`
  0.1.1 (a devDependency) started from its own bin, in memory, writing
  nothing. Load generators are separate processes pinned to core 1, on
  loopback only, bounded in clients, moves and time, and seeded: every
  choice (which deal, which stage) comes from a PRNG whose seed is printed
  and recorded below, so \`--seed N\` replays a run.
- The reference runs the same workload in the same run, right before
  Voronka, and the tables show Voronka's figure divided by the reference's.
  Voronka gets its boards over the HTTP API as a user would (one sign-up, an
  API token, pipelines, sample data); the reference, which has no API, gets
  the same kind of deals written into its rooms by the generator with the
  board model's own functions. Voronka's per-connection update limit is
  raised for the runs (\`SYNC_UPDATES_PER_SECOND=5000\`): a bench mover sends
  up to a hundred moves a second on one board, and the limit is not what is
  measured; its other limits (for example the in-flight bound that closes a
  flooding connection) stay, and their closes are reported.
- Figures are medians, with min–max in brackets, over the scenario's runs
  (3 by default; each run starts fresh servers, and each load level has a
  warm-up that is not measured). Latency is measured in the generator's own
  process with one clock, from the mover's change to the observer's Y.Doc
  showing it. Server CPU is a fraction of one core and RSS the peak, both
  read from \`/proc/<pid>/stat\` and \`/proc/<pid>/status\` over the measured
  window.
- After each run the scenarios check correctness, not just speed: every
  observer, and a fresh client reading what the server kept, must show each
  deal in the state its mover left it. Failures are reported in the tables.
- The machine is shared in development; compare runs on one machine only,
  and expect ±30 % run to run.`;

function marker(name: string, db: string): string {
	return `<!-- scenario:${name}:${db} -->`;
}

function renderOutcome(outcome: Outcome, note?: string): string {
	const lines = [marker(outcome.name, outcome.db)];
	if (!outcome.result) {
		lines.push(`### ${outcome.name} on ${outcome.db}`, '', `**Failed**: ${outcome.failure}. No figures this run.`, '');
	} else if (outcome.result.tables.length === 0) {
		lines.push(`### ${outcome.result.title}`, '', outcome.result.method, '');
	} else {
		lines.push(`### ${outcome.result.title}`, '', ...(note ? [`_${note}_`, ''] : []), outcome.result.method, '');
		for (const table of outcome.result.tables) lines.push(formatTable(table), '');
		lines.push(`_${outcome.seconds.toFixed(0)} s for this scenario._`, '');
	}
	lines.push('<!-- /scenario -->');
	return lines.join('\n');
}

function extractHistory(previous: string): string {
	const start = previous.indexOf('\n## History');
	return start < 0 ? '## History\n' : previous.slice(start + 1).trimEnd() + '\n';
}

/** The earlier run this one replaces, as one History line (its tables stay in git). */
function summarisePreviousRun(previous: string): string | null {
	const match = /<!-- results: (.+?) -->/.exec(previous);
	return match ? `- ${match[1]}: an earlier \`npm run bench\`; its tables are in this file's git history.` : null;
}

/**
 * The sections people wrote by hand between the results and the History
 * ("## Not yet run…"): a full run keeps them, since no scenario writes them.
 */
function handWrittenSections(previous: string): string | null {
	const history = previous.indexOf('\n## History');
	const lastScenario = previous.lastIndexOf('<!-- /scenario -->');
	if (lastScenario < 0) return null;
	const between = previous.slice(lastScenario + '<!-- /scenario -->'.length, history < 0 ? undefined : history).trim();
	return between.startsWith('## ') ? between : null;
}

/**
 * One scenario run alone: its sections are replaced where they stand (or
 * added after the last scenario), and every other line of the file, written
 * by hand or by earlier runs, is kept as it was.
 */
function replaceSections(previous: string, outcomes: Outcome[], note: string | undefined): string {
	let text = previous;
	for (const outcome of outcomes) {
		const section = renderOutcome(outcome, note);
		const start = text.indexOf(marker(outcome.name, outcome.db));
		if (start >= 0) {
			const end = text.indexOf('<!-- /scenario -->', start);
			text = text.slice(0, start) + section + text.slice(end + '<!-- /scenario -->'.length);
			continue;
		}
		const lastScenario = text.lastIndexOf('<!-- /scenario -->');
		const history = text.indexOf('\n## History');
		const at = lastScenario >= 0 ? lastScenario + '<!-- /scenario -->'.length : history >= 0 ? history : text.length;
		text = `${text.slice(0, at)}\n\n${section}${text.slice(at)}`;
	}
	return text;
}

export function renderBenchmarks(input: { previous: string; machine: MachineInfo; outcomes: Outcome[]; totalSeconds: number; partial: boolean; note?: string }): string {
	const { previous, machine, outcomes } = input;
	if (input.partial && previous.includes('<!-- scenario:')) return replaceSections(previous, outcomes, input.note);
	const sections = outcomes.map((outcome) => renderOutcome(outcome));
	let history = extractHistory(previous);
	const earlier = input.partial ? null : summarisePreviousRun(previous);
	if (earlier) history = history.replace(/^## History\n+/, `## History\n\n${earlier}\n`);
	const handWritten = handWrittenSections(previous);
	const stamp = `${machine.date.slice(0, 10)}, commit ${machine.commit}`;
	return [
		'# Benchmarks',
		'',
		'`npm run bench` measures Voronka under load beside the reference Yjs',
		'server, `@y/websocket-server`, which writes nothing: Voronka writes every',
		'update to its database before anyone sees it (DESIGN.md). Performance is',
		'measured here, never in timed tests.',
		'',
		methodText,
		'',
		`## Results (${stamp})`,
		`<!-- results: ${stamp} -->`,
		'',
		`- Machine: ${formatMachine(machine)}.`,
		`- The whole run took ${(input.totalSeconds / 60).toFixed(1)} min${input.partial ? ' (only the scenarios named)' : ''}.`,
		...(input.note ? ['', input.note] : []),
		'',
		...sections.flatMap((section) => [section, '']),
		...(handWritten ? [handWritten, ''] : []),
		history
	].join('\n');
}
