/**
 * Writing a list as CSV for people to open in Excel, LibreOffice or Google
 * Sheets: UTF-8 with a BOM (without it Excel reads UTF-8 as the system's
 * ANSI code page and Cyrillic turns to mojibake), CRLF line ends and
 * RFC 4180 quoting. Cells that a spreadsheet would run as a formula are
 * defused, because exported values are typed by anyone with access to the
 * workspace, or arrived through a web form.
 */
import type { CsvDelimiter } from './csv-read.js';

export interface CsvColumn {
	/** The property of each row this column shows. */
	key: string;
	/** The header cell, already in the reader's language. */
	label: string;
}

export interface CsvWriteOptions {
	/** ',' by default; Excel in a Russian locale opens ';' files into columns on a double click. */
	delimiter?: CsvDelimiter;
}

export const csvBom = '\uFEFF';
const lineEnd = '\r\n';

// What Excel, LibreOffice and Sheets take as the start of a formula (OWASP's
// list, with the full-width forms some locales also accept).
const formulaStart = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** The whole file: BOM, header and every row, each line ending in CRLF. */
export function writeCsv(columns: readonly CsvColumn[], rows: Iterable<Record<string, unknown>>, options: CsvWriteOptions = {}): string {
	const delimiter = options.delimiter ?? ',';
	const parts = [csvBom, writeHeader(columns, delimiter)];
	for (const row of rows) parts.push(writeLine(columns, row, delimiter));
	return parts.join('');
}

/**
 * The same file in pieces, one per batch of rows, for exports too large to
 * hold as one string: the first piece is the BOM and the header.
 */
export async function* csvChunks(
	columns: readonly CsvColumn[],
	rows: AsyncIterable<Record<string, unknown>[]> | Iterable<Record<string, unknown>[]>,
	options: CsvWriteOptions = {}
): AsyncGenerator<string> {
	const delimiter = options.delimiter ?? ',';
	yield csvBom + writeHeader(columns, delimiter);
	for await (const batch of rows) {
		if (batch.length === 0) continue;
		let chunk = '';
		for (const row of batch) chunk += writeLine(columns, row, delimiter);
		yield chunk;
	}
}

/**
 * One value as the text of its cell: empty for null and undefined, ISO 8601
 * for dates, list items joined with ", ". Text that starts like a formula
 * gets a leading apostrophe; numbers are left alone, as a spreadsheet reads
 * "-5" as a number and a number cannot carry a formula.
 */
export function formatCsvCell(value: unknown): string {
	if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
	if (typeof value === 'bigint') return String(value);
	return guardFormula(formatText(value));
}

function formatText(value: unknown): string {
	if (value === null || value === undefined) return '';
	if (typeof value === 'string') return value;
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
	if (Array.isArray(value)) return value.map(formatText).filter((item) => item !== '').join(', ');
	if (typeof value === 'object') return JSON.stringify(value);
	return String(value);
}

function guardFormula(text: string): string {
	return formulaStart.test(text) ? `'${text}` : text;
}

function writeHeader(columns: readonly CsvColumn[], delimiter: CsvDelimiter): string {
	return columns.map((column) => quoteCell(guardFormula(column.label), delimiter)).join(delimiter) + lineEnd;
}

function writeLine(columns: readonly CsvColumn[], row: Record<string, unknown>, delimiter: CsvDelimiter): string {
	let line = '';
	for (let index = 0; index < columns.length; index++) {
		if (index > 0) line += delimiter;
		const key = columns[index]!.key;
		// Own properties only: a column keyed "constructor" is not Object's.
		line += quoteCell(formatCsvCell(Object.hasOwn(row, key) ? row[key] : undefined), delimiter);
	}
	return line + lineEnd;
}

/** RFC 4180: quoted when it holds the delimiter, a quote or a line break; edge spaces quoted so no reader trims them. */
function quoteCell(text: string, delimiter: CsvDelimiter): string {
	const needsQuotes =
		text.includes(delimiter) || text.includes('"') || text.includes('\n') || text.includes('\r') || text.startsWith(' ') || text.endsWith(' ');
	return needsQuotes ? `"${text.replaceAll('"', '""')}"` : text;
}
