import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import type { AxeResults } from 'axe-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** WCAG 2.0, 2.1 and 2.2, levels A and AA: what the app promises (issue 9). */
export const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * Runs axe-core on the page as it is and returns its violations, one line
 * each with the elements at fault, so a failing test says what to fix.
 * Axe is evaluated through the DevTools protocol, which the page's CSP does
 * not govern; a <script> tag would be refused, as it should be.
 */
export async function findViolations(page: Page): Promise<string[]> {
	await page.evaluate(axeSource);
	const results = (await page.evaluate(
		(tags) => (window as unknown as { axe: { run: (context: Document, options: object) => Promise<unknown> } }).axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
		wcagTags
	)) as AxeResults;
	return results.violations.map(
		(violation) =>
			`${violation.id} (${violation.impact}): ${violation.help}\n` +
			violation.nodes
				.slice(0, 6)
				.map((node) => `    ${node.target.join(' ')}: ${node.failureSummary?.replace(/\s+/g, ' ')}`)
				.join('\n')
	);
}
