import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../server/http/errors.js';
import { renderText } from '../../server/i18n/text.js';
import { decodeCsv, describeProblem, previewCsv, readCsv, sniffDelimiter, type CsvProblem } from '../../server/imports/csv-read.js';

const amoBytes = new Uint8Array(readFileSync('tests/fixtures/import/amo-contacts-1251.csv'));
const bomBytes = new Uint8Array(readFileSync('tests/fixtures/import/contacts-utf8-bom.csv'));

const amoColumns = ['Имя', 'Фамилия', 'Компания', 'Рабочий телефон', 'Мобильный телефон', 'Email', 'Должность', 'Примечание'];
const amoRow = (line: number, cells: string[]) => ({ line, values: Object.fromEntries(amoColumns.map((column, index) => [column, cells[index]])) });

/** Every row of the amoCRM-like fixture that can be read, by the line it starts on. */
const amoRows = [
	amoRow(2, ['Иван', 'Петров', 'ООО "Ромашка"', '+7 (495) 123-45-67', '+7 912 345-67-89', 'ivan.petrov@romashka.ru', 'Директор', '']),
	amoRow(3, ['Мария', 'Сидорова', 'ИП Сидорова М. А.', '', '8 (916) 555-12-34', 'maria@sidorova.ru, m.sidorova@mail.ru', 'Владелец', 'Постоянный клиент']),
	amoRow(4, [
		'Алексей',
		'Кузнецов',
		'Торговый дом "Север"; филиал Москва',
		'+7 495 765 43 21',
		'',
		'a.kuznetsov@sever.ru',
		'Менеджер по закупкам',
		'Звонить после 14:00; по пятницам не беспокоить'
	]),
	amoRow(5, [
		'Пётр',
		'Семёнов',
		'АО «Звезда»',
		'+7 (812) 300-20-10',
		'',
		'petr@zvezda.ru',
		'Инженер',
		'Встреча 12.03.2024.\r\nОбсудили поставку; ждём КП.\r\nПерезвонить в апреле.'
	]),
	// The note of line 5 spans lines 5 to 7; line 9 is empty.
	amoRow(8, ['Ольга', 'Васильева', '', '', '+7 903 111-22-33', 'olga.v@example.ru', '', '']),
	// Line 10 lacks a column, line 11 has only empty cells, line 12 has one too many.
	amoRow(13, ['Сергей', 'Ёлкин', 'ООО "Ёлки-палки"', '+7 (383) 200-00-00', '', 's.yolkin@elki.ru', 'Директор', 'Фамилия через Ё']),
	amoRow(14, [
		'Наталья',
		'Фёдорова',
		'ООО «Альфа, Бета и партнёры»',
		'',
		'+7 (999) 123-45-67',
		'natalia@alfa-beta.ru',
		'Юрист',
		'Контакты: тел. +7 999 123-45-67, e-mail natalia@alfa-beta.ru'
	]),
	amoRow(15, ['Игорь', 'Николаев', '', '+7 (495) 987-65-43 доб. 123', '', 'igor@nikolaev.ru', '', 'Контакт с выставки "Продэкспо"']),
	amoRow(16, ['Кирилл', 'Волков', 'ООО Волков и сыновья', '', '+7 900 000-00-00', 'kirill.volkov(at)mail.ru', 'Снабженец', '']),
	amoRow(17, ['', '', 'ООО Без имени', '+7 (495) 000-00-00', '', 'info@bezimeni.ru', '', 'Общий номер офиса']),
	amoRow(18, ['Евгения', 'Морозова', 'ООО Морозко', '', '+7 (911) 765-43-21', 'e.morozova@morozko.ru', 'Менеджер', '№ договора 15/2024'])
];

const bomColumns = ['Full name', 'Company', 'Phone', 'Email', 'Status', 'Birthday', 'Tags', 'Note'];
const bomRow = (line: number, cells: string[]) => ({ line, values: Object.fromEntries(bomColumns.map((column, index) => [column, cells[index]])) });

const bomRows = [
	bomRow(2, ['Szőke Ágnes', 'Kék Duna Kft., Budapest', '+36 1 234 5678', 'agnes.szoke@kekduna.hu', 'customer', '1985-03-14', 'vip, budapest', '']),
	bomRow(3, ['Erdős Pál', 'Erdős és Társa Bt.', '+36 30 123 4567; +36 1 765 4321', 'pal@erdos.hu', 'потенциальный', '14.07.1979', 'partner', 'Prefers email']),
	bomRow(4, ['Bálint Gergő', '', '', 'gergo@balint.hu, g.balint@gmail.com', 'lapsed', '12/31/1990', '', 'Met at "Budapest Expo"\r\nasked for a demo']),
	bomRow(6, ['Иван Петров', 'ООО «Ромашка»', '+7 495 123-45-67', 'ivan@romashka.ru', 'Клиент', '03/04/1988', '', '']),
	bomRow(7, ['Zoë Müller', 'Straße GmbH', "'+49 30 1234567", 'zoe@strasse.de', 'unknown', '', '', '']),
	bomRow(9, ['Őrsi Ödön', 'Öt Kft.', '+36 20 999 8877', 'odon@otkft.hu', 'Бывший', '', 'vip, VIP', ''])
];

const render = (problems: CsvProblem[], locale: 'en' | 'ru') => problems.map((problem) => renderText(describeProblem(problem), locale));

function refusal(read: () => unknown): ApiError {
	try {
		read();
	} catch (error) {
		if (error instanceof ApiError) return error;
		throw error;
	}
	throw new Error('expected the CSV to be refused');
}

describe('decoding a CSV file', () => {
	it('takes Windows-1251 when the bytes are not UTF-8', () => {
		const decoded = decodeCsv(amoBytes, 'auto');
		expect(decoded.encoding).toBe('windows-1251');
		expect(decoded.bom).toBe(false);
		expect(decoded.text.split('\r\n')[0]).toBe(amoColumns.join(';'));
		expect(decoded.text).toContain('Пётр;Семёнов;АО «Звезда»');
		expect(decoded.text).toContain('№ договора 15/2024');
	});

	it('takes UTF-8 and drops its BOM', () => {
		const decoded = decodeCsv(bomBytes, 'auto');
		expect(decoded).toMatchObject({ encoding: 'utf-8', bom: true });
		expect(decoded.text.startsWith('Full name,Company,')).toBe(true);
		expect(decoded.text).toContain('Szőke Ágnes');
		const withoutBom = decodeCsv(new TextEncoder().encode('Имя,Телефон\r\nЁлкин,1\r\n'), 'auto');
		expect(withoutBom).toEqual({ text: 'Имя,Телефон\r\nЁлкин,1\r\n', encoding: 'utf-8', bom: false });
	});

	it('follows the encoding the person chose, even a wrong one', () => {
		expect(decodeCsv(amoBytes, 'windows-1251').text).toBe(decodeCsv(amoBytes, 'auto').text);
		const asUtf8 = decodeCsv(amoBytes, 'utf-8');
		expect(asUtf8).toMatchObject({ encoding: 'utf-8', bom: false });
		expect(asUtf8.text).toContain('\uFFFD');
		expect(decodeCsv(bomBytes, 'utf-8')).toEqual(decodeCsv(bomBytes, 'auto'));
		// Read as Windows-1251, a BOM is three letters of the first column's name.
		expect(decodeCsv(bomBytes, 'windows-1251').text.startsWith('п»їFull name')).toBe(true);
	});
});

describe('guessing the delimiter', () => {
	it('finds the semicolon of a file whose cells hold commas', () => {
		expect(sniffDelimiter(decodeCsv(amoBytes, 'auto').text)).toBe(';');
		expect(sniffDelimiter('Имя;"Телефон, рабочий";"Телефон, мобильный"\r\nИван;1;2\r\nПётр;3;4\r\n')).toBe(';');
		expect(sniffDelimiter('name;company\nAnn;"Alpha, Beta, Gamma"\nBob;"Delta, Epsilon"\n')).toBe(';');
	});

	it('finds commas and tabs', () => {
		expect(sniffDelimiter(decodeCsv(bomBytes, 'auto').text)).toBe(',');
		expect(sniffDelimiter('name,note\nAnn,"call; then write"\nBob,"a; b; c"\n')).toBe(',');
		expect(sniffDelimiter('name\tphone\tnote\nAnn\t1\ta, b; c\n')).toBe('\t');
	});

	it('gives a comma for a file of one column', () => {
		expect(sniffDelimiter('email\nann@example.com\n')).toBe(',');
		expect(sniffDelimiter('')).toBe(',');
	});
});

describe('reading rows', () => {
	it('reads every row of the amoCRM export with the line it starts on, and reports the rest', () => {
		const table = readCsv(decodeCsv(amoBytes, 'auto').text, { delimiter: ';', header: true });
		expect(table.columns).toEqual(amoColumns);
		expect(table.rows).toEqual(amoRows);
		expect(table.problems.map((problem) => problem.line)).toEqual([10, 12]);
		expect(render(table.problems, 'en')).toEqual(['Line 10: 7 values, the header has 8 columns.', 'Line 12: 9 values, the header has 8 columns.']);
		expect(render(table.problems, 'ru')).toEqual(['Строка 10: 7 значений, а в заголовке 8 столбцов.', 'Строка 12: 9 значений, а в заголовке 8 столбцов.']);
	});

	it('reads the UTF-8 file with commas, accents and a two-line note', () => {
		const table = readCsv(decodeCsv(bomBytes, 'auto').text, { delimiter: ',' });
		expect(table.columns).toEqual(bomColumns);
		expect(table.rows).toEqual(bomRows);
		expect(table.problems).toEqual([]);
	});

	it('counts lines in files with LF and with old Mac CR line ends', () => {
		const rows = (text: string) => readCsv(text, { delimiter: ',' }).rows.map((row) => [row.line, row.values.b]);
		expect(rows('a,b\n1,"x\ny\nz"\n\n2,w\n3,v')).toEqual([
			[2, 'x\ny\nz'],
			[6, 'w'],
			[7, 'v']
		]);
		expect(rows('a,b\r1,"x\ry"\r2,w\r')).toEqual([
			[2, 'x\ry'],
			[4, 'w']
		]);
	});

	it('names the line and the reason of rows with too few or too many values', () => {
		const table = readCsv('a;b;c;d\n1;2;3;4\n1;2;3;4;5\n1\n;;;\n5;6;7;8\n', { delimiter: ';' });
		expect(table.rows.map((row) => row.line)).toEqual([2, 6]);
		expect(render(table.problems, 'en')).toEqual(['Line 3: 5 values, the header has 4 columns.', 'Line 4: 1 value, the header has 4 columns.']);
		expect(render(table.problems, 'ru')).toEqual(['Строка 3: 5 значений, а в заголовке 4 столбца.', 'Строка 4: 1 значение, а в заголовке 4 столбца.']);
	});

	it('reports an unclosed quote, which takes the rest of the file with it', () => {
		const table = readCsv('name;note\nAnn;ok\nBob;"never closed\nCid;lost\n', { delimiter: ';' });
		expect(table.rows).toEqual([{ line: 2, values: { name: 'Ann', note: 'ok' } }]);
		expect(render(table.problems, 'en')).toEqual(['Line 3: A quote opened in this row is never closed, so the rest of the file could not be read.']);
	});

	it('reports a quoted value with text after its closing quote, and the lines it took with it', () => {
		const table = readCsv('name,note\nAnn,"a"b"\nBob,c\n', { delimiter: ',' });
		expect(table.rows).toEqual([{ line: 3, values: { name: 'Bob', note: 'c' } }]);
		expect(render(table.problems, 'en')).toEqual(['Line 2: A quoted value has more text after its closing quote.']);
		const swallowing = readCsv('name,note\nAnn,"a"b,\nBob,"c"\nCid,d\n', { delimiter: ',' });
		expect(swallowing.rows).toEqual([{ line: 4, values: { name: 'Cid', note: 'd' } }]);
		expect(render(swallowing.problems, 'en')).toEqual(['Line 2: A quoted value has more text after its closing quote, so lines 2–3 were read as this one row.']);
		expect(render(swallowing.problems, 'ru')).toEqual(['Строка 2: После закрывающей кавычки значения идёт ещё текст, поэтому строки 2–3 прочитаны как одна.']);
	});

	it('keeps a column called __proto__ as a column', () => {
		const table = readCsv('__proto__,constructor\nx,y\n', { delimiter: ',' });
		expect(Object.keys(table.rows[0]!.values)).toEqual(['__proto__', 'constructor']);
		expect(table.rows[0]!.values['__proto__']).toBe('x');
		expect(Object.getPrototypeOf(table.rows[0]!.values)).toBe(Object.prototype);
	});

	it('trims the header’s names and ignores a BOM left in the text', () => {
		expect(readCsv('\uFEFF Name , Email\nAnn,a@example.com\n', { delimiter: ',' }).columns).toEqual(['Name', 'Email']);
	});
});

describe('refusing a header that cannot be mapped', () => {
	it('refuses two columns with the same name', () => {
		const error = refusal(() => readCsv('Телефон;Имя;Телефон\n1;2;3\n', { delimiter: ';' }));
		expect([error.status, error.code]).toEqual([422, 'csv_header_duplicate']);
		expect(renderText(error.text, 'en')).toBe('The header has two columns named “Телефон”; give each column its own name.');
		expect(renderText(error.text, 'ru')).toBe('В заголовке два столбца с названием «Телефон»; дайте каждому столбцу своё название.');
	});

	it('refuses a column without a name', () => {
		const error = refusal(() => readCsv('name,,email\n1,2,3\n', { delimiter: ',' }));
		expect([error.status, error.code]).toEqual([422, 'csv_header_unnamed']);
		expect(renderText(error.text, 'en')).toBe('Column 2 of the header has no name; name it or remove the column.');
	});

	it('refuses an empty file and a header with an unclosed quote', () => {
		for (const text of ['', '\r\n\r\n', ';;;\n']) {
			const error = refusal(() => readCsv(text, { delimiter: ';' }));
			expect([error.status, error.code, renderText(error.text, 'en')]).toEqual([422, 'csv_empty', 'The file has no header row: it is empty.']);
		}
		const error = refusal(() => readCsv('name,"note\nAnn,1\n', { delimiter: ',' }));
		expect(error.code).toBe('csv_header_unreadable');
		expect(renderText(error.text, 'en')).toBe(
			'The header row cannot be read: A quote opened in this row is never closed, so the rest of the file could not be read.'
		);
	});
});

describe('previewing a file for the mapping screen', () => {
	it('finds the encoding and the delimiter, shows the first rows and counts the rest', () => {
		const preview = previewCsv(amoBytes, { limit: 3 });
		expect(preview).toMatchObject({ columns: amoColumns, encoding: 'windows-1251', bom: false, delimiter: ';', total: 11 });
		expect(preview.rows).toEqual(amoRows.slice(0, 3));
		expect(preview.problems.map((problem) => problem.line)).toEqual([10, 12]);
	});

	it('follows the encoding and delimiter the person chose', () => {
		const preview = previewCsv(bomBytes, { encoding: 'utf-8', delimiter: ';' });
		expect(preview).toMatchObject({ encoding: 'utf-8', bom: true, delimiter: ';', columns: ['Full name,Company,Phone,Email,Status,Birthday,Tags,Note'] });
		expect(preview.rows.length).toBeLessThanOrEqual(10);
	});
});

describe('a large file', () => {
	it('reads 100,000 rows of about 20 MB with every line number right', () => {
		const header = 'Имя;Фамилия;Компания;Телефон;Email;Должность;Адрес;Примечание\r\n';
		const parts = [header];
		for (let index = 0; index < 100_000; index++) {
			const note = index % 1000 === 999 ? '"Звонок\r\nпосле обеда; важно"' : `Клиент с ${index} года, звонить утром и не позже 18:00`;
			parts.push(
				`Иван${index};Петров-Водкин${index};"ООО ""Ромашка и партнёры"" ${index}";+7 (495) ${String(index).padStart(7, '0')};ivan${index}@romashka-partners.example.ru;Заместитель директора по развитию;г. Москва, ул. Тверская, д. ${index};${note}\r\n`
			);
		}
		const bytes = new TextEncoder().encode(parts.join(''));
		expect(bytes.length).toBeGreaterThan(20_000_000);
		const decoded = decodeCsv(bytes, 'auto');
		const table = readCsv(decoded.text, { delimiter: sniffDelimiter(decoded.text) });
		expect(table.problems).toEqual([]);
		expect(table.rows.length).toBe(100_000);
		// 100 notes span two lines each, so the last row starts 100 lines later than its index says.
		expect(table.rows[998]!.line).toBe(1000);
		expect(table.rows[999]!.line).toBe(1001);
		expect(table.rows[1000]!.line).toBe(1003);
		expect(table.rows.at(-1)!.line).toBe(100_000 + 1 + 99);
		expect(table.rows.at(-1)!.values['Примечание']).toBe('Звонок\r\nпосле обеда; важно');
		expect(table.rows.at(-1)!.values['Компания']).toBe('ООО "Ромашка и партнёры" 99999');
	}, 60_000);
});
