/**
 * Reading the CSV files people bring from their old CRM or spreadsheet:
 * bytes to text (UTF-8 with or without a BOM, or Windows-1251, which Russian
 * Excel, 1C and older amoCRM/Bitrix24 exports still write), the delimiter,
 * and rows that each know the line of the file they start on, so that every
 * row is either imported or reported with its line and the reason.
 */
import Papa from 'papaparse';
import { unprocessable } from '../http/errors.js';
import { t, type Text } from '../i18n/text.js';
import { m } from '../../src/lib/paraglide/messages.js';

export const csvEncodings = ['utf-8', 'windows-1251'] as const;
export type CsvEncoding = (typeof csvEncodings)[number];

export const csvDelimiters = [',', ';', '\t'] as const;
export type CsvDelimiter = (typeof csvDelimiters)[number];

export interface CsvRow {
	/** The 1-based line of the file the row starts on; the header is line 1. */
	line: number;
	/** Each cell as written in the file (unquoted, not trimmed), by its column's name. */
	values: Record<string, string>;
}

/** A row that was not read, with its line and why. */
export interface CsvProblem {
	line: number;
	reason: Text;
}

export interface CsvTable {
	columns: string[];
	rows: CsvRow[];
	problems: CsvProblem[];
}

export interface CsvPreview extends CsvTable {
	encoding: CsvEncoding;
	bom: boolean;
	delimiter: CsvDelimiter;
	/** How many rows the whole file has that can be imported (problems not counted). */
	total: number;
}

const utf8Bom = [0xef, 0xbb, 0xbf];

/**
 * The file's text. A UTF-8 BOM is dropped (and reported). 'auto' takes UTF-8
 * when the bytes are valid UTF-8 and Windows-1251 otherwise: Cyrillic in
 * Windows-1251 is almost never valid UTF-8, while any byte is valid Windows-1251.
 */
export function decodeCsv(
	bytes: Uint8Array,
	encoding: CsvEncoding | 'auto'
): { text: string; encoding: CsvEncoding; bom: boolean } {
	const bom = utf8Bom.every((byte, index) => bytes[index] === byte);
	const body = bom ? bytes.subarray(utf8Bom.length) : bytes;
	if (encoding === 'windows-1251') return { text: new TextDecoder('windows-1251').decode(bytes), encoding, bom: false };
	if (encoding === 'utf-8' || bom) return { text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(body), encoding: 'utf-8', bom };
	try {
		return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body), encoding: 'utf-8', bom: false };
	} catch {
		return { text: new TextDecoder('windows-1251').decode(bytes), encoding: 'windows-1251', bom: false };
	}
}

// Enough rows to see a pattern; the sample is cut so that its last row is whole.
const sniffBytes = 64 * 1024;
const sniffRows = 20;

/**
 * The delimiter that splits the first rows into the same number of cells as
 * the header, and into more than one. Each candidate is tried with a real
 * parse, so a semicolon file whose quoted cells hold commas ("ООО «Альфа,
 * Бета»") is not taken for a comma file. A file of one column gives ','.
 */
export function sniffDelimiter(text: string): CsvDelimiter {
	let sample = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
	if (sample.length > sniffBytes) sample = sample.slice(0, Math.max(sample.lastIndexOf('\n', sniffBytes), 1));
	let best: { delimiter: CsvDelimiter; agreeing: number; width: number } = { delimiter: ',', agreeing: 0, width: 1 };
	for (const delimiter of csvDelimiters) {
		const rows = Papa.parse<string[]>(sample, { delimiter, preview: sniffRows }).data.filter((cells) => !isEmptyRow(cells));
		const header = rows[0];
		if (!header || header.length < 2) continue;
		const agreeing = rows.filter((cells) => cells.length === header.length).length / rows.length;
		if (agreeing > best.agreeing || (agreeing === best.agreeing && header.length > best.width)) {
			best = { delimiter, agreeing, width: header.length };
		}
	}
	return best.delimiter;
}

/**
 * The rows of a CSV text whose first non-empty row is the header. Rows whose
 * cells are all empty are skipped; a row with more or fewer cells than the
 * header, or with a broken quote, becomes a problem and is not returned.
 * A header with an unnamed or a repeated column is refused (422): the mapping
 * could not tell its columns apart.
 */
export function readCsv(text: string, options: { delimiter: CsvDelimiter; header?: true }): CsvTable {
	const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
	const lines = countLines(source);
	let columns: string[] | null = null;
	const rows: CsvRow[] = [];
	const problems: CsvProblem[] = [];
	let start = 0;
	Papa.parse<string[]>(source, {
		delimiter: options.delimiter,
		step: (result) => {
			const { linebreak, cursor } = result.meta;
			const line = lines.lineAt(start, linebreak);
			start = cursor;
			const cells = result.data;
			const quoteProblem = describeQuoteErrors(result.errors, () => {
				// Papaparse went on to the next quote it found, wherever that was.
				const end = source.endsWith(linebreak, cursor) ? cursor - linebreak.length : cursor;
				return { first: line, last: lines.lineAt(end, linebreak) };
			});
			if (quoteProblem) {
				if (!columns) throw unprocessable('csv_header_unreadable', t(m.import_header_unreadable, { reason: quoteProblem }));
				problems.push({ line, reason: quoteProblem });
				return;
			}
			if (isEmptyRow(cells)) return;
			if (!columns) {
				columns = checkHeader(cells);
				return;
			}
			if (cells.length !== columns.length) {
				problems.push({ line, reason: describeWidth(cells.length, columns.length) });
				return;
			}
			const values: Record<string, string> = {};
			// defineProperty, not assignment: a column may be called "__proto__".
			for (let index = 0; index < columns.length; index++) {
				Object.defineProperty(values, columns[index]!, { value: cells[index]!, enumerable: true, writable: true, configurable: true });
			}
			rows.push({ line, values });
		}
	});
	if (!columns) throw unprocessable('csv_empty', t(m.import_file_empty));
	return { columns, rows, problems };
}

/**
 * What the mapping screen shows: the columns, the first rows, and what was
 * found (encoding, delimiter) so the person can correct either. The whole
 * file is read, so `total` and the problems are those the import will meet.
 */
export function previewCsv(
	bytes: Uint8Array,
	options: { encoding?: CsvEncoding | 'auto'; delimiter?: CsvDelimiter; limit?: number } = {}
): CsvPreview {
	const decoded = decodeCsv(bytes, options.encoding ?? 'auto');
	const delimiter = options.delimiter ?? sniffDelimiter(decoded.text);
	const table = readCsv(decoded.text, { delimiter, header: true });
	return {
		columns: table.columns,
		rows: table.rows.slice(0, options.limit ?? 10),
		problems: table.problems,
		encoding: decoded.encoding,
		bom: decoded.bom,
		delimiter,
		total: table.rows.length
	};
}

/** "Line 7: 5 values, the header has 4 columns." for the import's report. */
export function describeProblem(problem: CsvProblem): Text {
	return t(m.import_problem_at_line, { line: problem.line, reason: problem.reason });
}

function isEmptyRow(cells: readonly string[]): boolean {
	return cells.every((cell) => cell.trim() === '');
}

function checkHeader(cells: readonly string[]): string[] {
	const columns = cells.map((cell) => cell.trim());
	const seen = new Set<string>();
	columns.forEach((name, index) => {
		if (name === '') throw unprocessable('csv_header_unnamed', t(m.import_header_unnamed, { position: index + 1 }));
		if (seen.has(name)) throw unprocessable('csv_header_duplicate', t(m.import_header_duplicate, { name }));
		seen.add(name);
	});
	return columns;
}

function describeWidth(values: number, columns: number): Text {
	return t(m.import_row_width, { values: t(m.import_values, { count: values }), columns: t(m.import_columns, { count: columns }) });
}

function describeQuoteErrors(errors: readonly Papa.ParseError[], findLines: () => { first: number; last: number }): Text | null {
	// An unclosed quote swallows the rest of the file, which matters more than a stray one.
	if (errors.some((error) => error.code === 'MissingQuotes')) return t(m.import_row_unclosed_quote);
	if (!errors.some((error) => error.type === 'Quotes')) return null;
	const { first, last } = findLines();
	return first === last ? t(m.import_row_stray_quote) : t(m.import_row_stray_quote_lines, { first, last });
}

/**
 * The line an offset of the text is on, for offsets asked in increasing
 * order: each call counts only the line breaks since the last one, so a
 * whole file costs one pass. Papaparse's own row numbers count records, not
 * lines, and a quoted cell may hold line breaks.
 */
function countLines(text: string) {
	let offset = 0;
	let line = 1;
	return {
		lineAt(to: number, linebreak: string): number {
			// A file of old Mac line ends has no "\n"; every other has one per line.
			const mark = linebreak === '\r' ? '\r' : '\n';
			for (let at = text.indexOf(mark, offset); at !== -1 && at < to; at = text.indexOf(mark, at + 1)) line++;
			offset = Math.max(offset, to);
			return line;
		}
	};
}
