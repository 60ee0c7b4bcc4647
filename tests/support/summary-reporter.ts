import type { Reporter, TestModule } from 'vitest/node';

/**
 * Ends the run with one plain line, "vitest: N passed, N failed, N skipped",
 * which CI logs and people can read at a glance.
 */
export default class SummaryReporter implements Reporter {
	onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
		let passed = 0;
		let failed = 0;
		let skipped = 0;
		for (const module of testModules) {
			for (const test of module.children.allTests()) {
				const state = test.result().state;
				if (state === 'passed') passed += 1;
				else if (state === 'failed') failed += 1;
				else skipped += 1;
			}
		}
		console.log(`\nvitest: ${passed} passed, ${failed} failed, ${skipped} skipped`);
	}
}
