import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const alias = {
	$lib: fileURLToPath(new URL('./src/lib', import.meta.url)),
	$model: fileURLToPath(new URL('./src/lib/model', import.meta.url))
};

// One runner for every layer. Integration and end-to-end tests share the
// machine's two cores with PGlite, Postgres and Chromium, so their files run
// one after another; unit tests run in parallel.
//
// Files share their worker's modules (`isolate: false`): importing the server
// afresh for each file cost about 8 s a file, a third of the suite's time.
// No test mocks a module or stubs a global, and each file opens and closes its
// own databases and servers, so sharing the module cache leaks nothing a test
// reads; a test that starts mocking modules needs its own project.
export default defineConfig({
	resolve: { alias },
	test: {
		isolate: false,
		reporters: ['default', './tests/support/summary-reporter.ts'],
		projects: [
			{
				extends: true,
				test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' }
			},
			{
				extends: true,
				test: {
					name: 'integration',
					include: ['tests/integration/**/*.test.ts'],
					environment: 'node',
					globalSetup: ['tests/support/integration-setup.ts'],
					fileParallelism: false,
					testTimeout: 30_000,
					hookTimeout: 60_000
				}
			},
			{
				extends: true,
				test: {
					name: 'e2e',
					include: ['tests/e2e/**/*.test.ts'],
					environment: 'node',
					globalSetup: ['tests/e2e/global-setup.ts'],
					fileParallelism: false,
					testTimeout: 60_000,
					hookTimeout: 180_000
				}
			}
		]
	}
});
