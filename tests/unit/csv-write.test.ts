import { describe, expect, it } from 'vitest';
import { decodeCsv, readCsv, sniffDelimiter } from '../../server/imports/csv-read.js';
import { csvChunks, formatCsvCell, writeCsv, type CsvColumn } from '../../server/imports/csv-write.js';
import { mapRow } from '../../server/imports/import-mapping.js';

const columns: CsvColumn[] = [
	{ key: 'name', label: 'Имя' },
	{ key: 'emails', label: 'Email' },
	{ key: 'value', label: 'Сумма' },
	{ key: 'createdAt', label: 'Создана' },
	{ key: 'note', label: 'Примечание' }
];

async function collect(chunks: AsyncIterable<string>): Promise<string[]> {
	const out: string[] = [];
	for await (const chunk of chunks) out.push(chunk);
	return out;
}

async function* batches<T>(...items: T[][]): AsyncGenerator<T[]> {
	for (const item of items) yield item;
}

describe('writing a CSV file', () => {
	it('starts with a BOM, ends every line with CRLF and quotes what RFC 4180 asks', () => {
		const csv = writeCsv(columns, [
			{ name: 'Пётр Семёнов', emails: ['petr@zvezda.ru', 'p@zvezda.ru'], value: 1200.5, createdAt: new Date('2024-12-31T10:30:00Z'), note: 'Встреча, "КП"\nперезвонить' },
			{ name: ' Ann ', emails: [], value: null, createdAt: undefined, note: 'a;b' },
			{ name: 'Bob' }
		]);
		expect(csv).toBe(
			'\uFEFFИмя,Email,Сумма,Создана,Примечание\r\n' +
				'Пётр Семёнов,"petr@zvezda.ru, p@zvezda.ru",1200.5,2024-12-31T10:30:00.000Z,"Встреча, ""КП""\nперезвонить"\r\n' +
				'" Ann ",,,,a;b\r\n' +
				'Bob,,,,\r\n'
		);
	});

	it('uses the delimiter asked for', () => {
		expect(writeCsv(columns.slice(0, 2), [{ name: 'ООО «Альфа, Бета»', emails: 'a;b' }], { delimiter: ';' })).toBe(
			'\uFEFFИмя;Email\r\nООО «Альфа, Бета»;"a;b"\r\n'
		);
		expect(writeCsv(columns.slice(0, 2), [{ name: 'a\tb', emails: 'c' }], { delimiter: '\t' })).toBe('\uFEFFИмя\tEmail\r\n"a\tb"\tc\r\n');
	});

	it('puts an apostrophe before text a spreadsheet would run as a formula', () => {
		const cells = ['=SUM(A1:A9)', '+7 912 345-67-89', '-2+3+cmd|\' /C calc\'!A0', '@SUM(1)', '\t=1', '\r=1', '＝1', '=1\n=2', 'a=1', ''];
		expect(cells.map(formatCsvCell)).toEqual([
			"'=SUM(A1:A9)",
			"'+7 912 345-67-89",
			"'-2+3+cmd|' /C calc'!A0",
			"'@SUM(1)",
			"'\t=1",
			"'\r=1",
			"'＝1",
			"'=1\n=2",
			'a=1',
			''
		]);
		// A list is one cell: it is guarded as a whole.
		expect(formatCsvCell(['=1', 'b'])).toBe("'=1, b");
		expect(writeCsv([{ key: 'x', label: '=label' }], [{ x: '-1' }])).toBe("\uFEFF'=label\r\n'-1\r\n");
	});

	it('leaves numbers alone and writes dates, lists and empty values plainly', () => {
		expect(formatCsvCell(-5)).toBe('-5');
		expect(formatCsvCell(120_000n)).toBe('120000');
		expect(formatCsvCell(Number.NaN)).toBe('');
		expect(formatCsvCell(null)).toBe('');
		expect(formatCsvCell(undefined)).toBe('');
		expect(formatCsvCell(new Date('2024-02-29T00:00:00Z'))).toBe('2024-02-29T00:00:00.000Z');
		expect(formatCsvCell(new Date('not a date'))).toBe('');
		expect(formatCsvCell(['vip', null, '', 'opt'])).toBe('vip, opt');
		expect(formatCsvCell(true)).toBe('true');
		expect(formatCsvCell({ a: 1 })).toBe('{"a":1}');
	});

	it('reads only a row’s own properties', () => {
		expect(writeCsv([{ key: 'constructor', label: 'c' }, { key: 'toString', label: 't' }], [{}])).toBe('\uFEFFc,t\r\n,\r\n');
	});
});

describe('writing a large CSV file in pieces', () => {
	it('yields the BOM and header first, then one piece per batch, the same file as writeCsv', async () => {
		const rows = Array.from({ length: 5 }, (_, index) => ({ name: `Контакт ${index}`, emails: [`c${index}@example.ru`], value: index, note: index === 2 ? '=2' : '' }));
		const chunks = await collect(csvChunks(columns, batches(rows.slice(0, 2), [], rows.slice(2))));
		expect(chunks).toHaveLength(3);
		expect(chunks[0]).toBe('\uFEFFИмя,Email,Сумма,Создана,Примечание\r\n');
		expect(chunks[1]).toBe('Контакт 0,c0@example.ru,0,,\r\nКонтакт 1,c1@example.ru,1,,\r\n');
		expect(chunks.join('')).toBe(writeCsv(columns, rows));
	});

	it('writes only the header for an empty list, and takes plain arrays of batches', async () => {
		expect(await collect(csvChunks(columns, batches()))).toEqual(['\uFEFFИмя,Email,Сумма,Создана,Примечание\r\n']);
		expect((await collect(csvChunks(columns, [[{ name: 'a' }]], { delimiter: ';' }))).join('')).toBe('\uFEFFИмя;Email;Сумма;Создана;Примечание\r\na;;;;\r\n');
	});
});

describe('a round trip', () => {
	const tricky = [
		{ name: 'Пётр «Звезда» Семёнов', emails: 'petr@zvezda.ru, p@zvezda.ru', value: '1 200,50', createdAt: '31.12.2024', note: 'Строка 1\r\nСтрока 2; "в кавычках"' },
		{ name: ' пробелы по краям ', emails: '', value: '', createdAt: '', note: 'a,b;c\td' },
		{ name: 'Szőke Ágnes', emails: 'agnes@kekduna.hu', value: '$1,200', createdAt: '2024-12-31', note: '""' }
	];

	for (const delimiter of [',', ';', '\t'] as const) {
		it(`gives back every value through bytes, decoding and reading (${JSON.stringify(delimiter)})`, () => {
			const bytes = new TextEncoder().encode(writeCsv(columns, tricky, { delimiter }));
			const decoded = decodeCsv(bytes, 'auto');
			expect(decoded).toMatchObject({ encoding: 'utf-8', bom: true });
			expect(sniffDelimiter(decoded.text)).toBe(delimiter);
			const table = readCsv(decoded.text, { delimiter });
			expect(table.columns).toEqual(columns.map((column) => column.label));
			expect(table.problems).toEqual([]);
			expect(table.rows.map((row) => columns.map((column) => row.values[column.label]))).toEqual(tricky.map((row) => columns.map((column) => row[column.key as keyof typeof row])));
			expect(table.rows.map((row) => row.line)).toEqual([2, 4, 5]);
		});
	}

	it('brings guarded cells back as they were when they are imported', () => {
		const csv = writeCsv(
			[
				{ key: 'name', label: 'name' },
				{ key: 'phone', label: 'phone' },
				{ key: 'note', label: 'note' }
			],
			[{ name: '@ann', phone: '+7 912 345-67-89', note: '=HYPERLINK("http://example.com")' }]
		);
		const table = readCsv(decodeCsv(new TextEncoder().encode(csv), 'auto').text, { delimiter: ',' });
		expect(table.rows[0]!.values).toEqual({ name: "'@ann", phone: "'+7 912 345-67-89", note: '\'=HYPERLINK("http://example.com")' });
		const mapped = mapRow(table.rows[0]!, { name: 'name', phone: 'phone', note: 'note' }, 'contacts');
		expect(mapped).toEqual({ ok: true, record: { name: '@ann', phones: ['+7 912 345-67-89'], emails: [], tags: [], note: '=HYPERLINK("http://example.com")' } });
	});
});
