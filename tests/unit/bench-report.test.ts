import { describe, expect, it } from 'vitest';
import type { MachineInfo } from '../bench/lib/machine.js';
import { renderBenchmarks, type Outcome } from '../bench/lib/report.js';
import { formatCloses, formatRatio, formatSpread, percentile, spreadOf } from '../bench/lib/stats.js';
import { createRandom } from '../bench/lib/random.js';

const machine: MachineInfo = { cpu: 'Test CPU', cores: 2, memoryGiB: 8, node: 'v20.0.0', os: 'Linux', commit: 'abc1234', date: '2026-12-01T00:00:00Z' };

function outcome(name: string, db: string, cell: string): Outcome {
	return {
		name,
		db,
		seconds: 1,
		failure: null,
		result: { scenario: name, title: `${name} on ${db}`, method: 'How.', tables: [{ caption: 'Caption', columns: ['a'], rows: [[cell]] }] }
	};
}

describe('bench figures', () => {
	it('takes nearest-rank percentiles', () => {
		const values = Array.from({ length: 100 }, (_, i) => i + 1);
		expect(percentile(values, 50)).toBe(50);
		expect(percentile(values, 99)).toBe(99);
		expect(percentile(values, 100)).toBe(100);
		expect(percentile([], 50)).toBeNaN();
	});

	it('summarises runs as median and range, leaving out runs without a figure', () => {
		expect(spreadOf([3, 1, 2, Number.NaN])).toEqual({ median: 2, min: 1, max: 3, runs: 3 });
		expect(spreadOf([1, 2, 3, 4]).median).toBe(2.5);
		expect(formatSpread(spreadOf([4.2, 3.9, 5.1]), 'ms')).toBe('4.2 ms (3.9–5.1)');
		expect(formatSpread(spreadOf([]))).toBe('–');
		expect(formatRatio(10, 4)).toBe('× 2.5');
		expect(formatRatio(10, 0)).toBe('–');
		expect(formatCloses([{ '4529 too many updates waiting': 2 }, { '4529 too many updates waiting': 1 }])).toBe('4529 too many updates waiting: 3');
		expect(formatCloses([{}])).toBe('none');
	});

	it('replays the same choices from the same seed', () => {
		const a = createRandom(42);
		const b = createRandom(42);
		expect(Array.from({ length: 5 }, () => a.below(1000))).toEqual(Array.from({ length: 5 }, () => b.below(1000)));
	});
});

describe('docs/BENCHMARKS.md', () => {
	const history = '## History\n\n- Old figures.\n';

	it('keeps the History section and records the run it replaces there', () => {
		const first = renderBenchmarks({ previous: `# Old\n\n${history}`, machine, outcomes: [outcome('fanout', 'pglite', 'one')], totalSeconds: 60, partial: false });
		expect(first).toContain('| one |');
		expect(first.trimEnd().endsWith('- Old figures.')).toBe(true);
		const second = renderBenchmarks({ previous: first, machine: { ...machine, commit: 'def5678' }, outcomes: [outcome('fanout', 'pglite', 'two')], totalSeconds: 60, partial: false });
		expect(second).toContain('| two |');
		expect(second).not.toContain('| one |');
		expect(second).toMatch(/## History\n\n- 2026-12-01, commit abc1234: an earlier `npm run bench`/);
		expect(second).toContain('- Old figures.');
	});

	it('replaces only the scenarios run when some are named', () => {
		const full = renderBenchmarks({
			previous: history,
			machine,
			outcomes: [outcome('fanout', 'pglite', 'fan'), outcome('nodes', 'postgres', 'old nodes')],
			totalSeconds: 60,
			partial: false
		});
		const partial = renderBenchmarks({ previous: full, machine, outcomes: [outcome('nodes', 'postgres', 'new nodes')], totalSeconds: 10, partial: true });
		expect(partial).toContain('| fan |');
		expect(partial).toContain('| new nodes |');
		expect(partial).not.toContain('| old nodes |');
	});

	it('keeps every hand-written line when one scenario runs alone, and adds a scenario not yet in the file', () => {
		const full = renderBenchmarks({
			previous: history,
			machine,
			outcomes: [outcome('fanout', 'pglite', 'fan'), outcome('search', 'postgres', 'old search')],
			totalSeconds: 60,
			partial: false
		});
		const edited = full
			.replace('## Results (', 'A sentence someone wrote.\n\n## Results (')
			.replace('\n## History', '\n## Not yet run\nHand-written figures.\n\n## History');
		const partial = renderBenchmarks({ previous: edited, machine: { ...machine, commit: 'fff0000' }, outcomes: [outcome('search', 'postgres', 'new search'), outcome('import', 'pglite', 'imported')], totalSeconds: 10, partial: true, note: 'Loaded machine.' });
		expect(partial).toContain('A sentence someone wrote.');
		expect(partial).toContain('## Not yet run\nHand-written figures.');
		expect(partial).toContain('| fan |');
		expect(partial).toContain('| new search |');
		expect(partial).not.toContain('| old search |');
		expect(partial).toContain('_Loaded machine._');
		// The new scenario goes after the last one, before the hand-written section.
		expect(partial.indexOf('| imported |')).toBeGreaterThan(partial.indexOf('| new search |'));
		expect(partial.indexOf('| imported |')).toBeLessThan(partial.indexOf('## Not yet run'));
		// Only the sections changed: the rest is the file as it was.
		expect(partial.replace(/<!-- scenario:search:postgres -->[\s\S]*?<!-- \/scenario -->/, '').replace(/\n\n<!-- scenario:import:pglite -->[\s\S]*?<!-- \/scenario -->/, '')).toBe(
			edited.replace(/<!-- scenario:search:postgres -->[\s\S]*?<!-- \/scenario -->/, '')
		);
		// A full run keeps the hand-written section too.
		const again = renderBenchmarks({ previous: partial, machine, outcomes: [outcome('fanout', 'pglite', 'fan 2')], totalSeconds: 60, partial: false });
		expect(again).toContain('## Not yet run\nHand-written figures.');
	});

	it('reports a failed scenario instead of figures', () => {
		const failed: Outcome = { name: 'fanout', db: 'postgres', seconds: 1, result: null, failure: 'exited with 1' };
		expect(renderBenchmarks({ previous: history, machine, outcomes: [failed], totalSeconds: 1, partial: false })).toContain('**Failed**: exited with 1');
	});
});
