// Markdown tables, and the JSON every scenario hands to the runner.

export interface Table {
	caption: string;
	columns: string[];
	rows: string[][];
}

/** What a scenario writes with --json (the contract tests/bench/run.ts reads). */
export interface ScenarioResult {
	scenario: string;
	title: string;
	/** Markdown: how it was measured. */
	method: string;
	tables: Table[];
}

function escapeCell(cell: string): string {
	return cell.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** A table as Markdown, its caption in bold above it. */
export function formatTable(table: Table): string {
	const lines = [`**${table.caption}**`, '', `| ${table.columns.map(escapeCell).join(' | ')} |`, `|${table.columns.map(() => ' --- ').join('|')}|`];
	for (const row of table.rows) lines.push(`| ${row.map(escapeCell).join(' | ')} |`);
	return lines.join('\n');
}

export function printTable(table: Table): void {
	console.log(`\n${formatTable(table)}\n`);
}
