import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeIssues } from '../../server/http/errors.js';
import { renderText } from '../../server/i18n/text.js';
import { decodeCsv, readCsv, type CsvRow } from '../../server/imports/csv-read.js';
import {
	importFields,
	importMappingSchema,
	mapRow,
	type ImportEntity,
	type ImportMapping,
	type MapRowOptions,
	type MappedRow
} from '../../server/imports/import-mapping.js';

function readFixture(name: string) {
	const decoded = decodeCsv(new Uint8Array(readFileSync(`tests/fixtures/import/${name}`)), 'auto');
	return readCsv(decoded.text, { delimiter: name.includes('1251') ? ';' : ',' });
}

/** Each row's record, or its reason in English (and Russian, after a slash, when asked). */
function mapAll(rows: CsvRow[], mapping: ImportMapping, entity: ImportEntity, options: MapRowOptions, russian = false) {
	return rows.map((row) => {
		const mapped = mapRow(row, mapping, entity, options);
		if (mapped.ok) return [row.line, mapped.record];
		return [mapped.line, renderText(mapped.reason, 'en') + (russian ? ` / ${renderText(mapped.reason, 'ru')}` : '')];
	});
}

function reasonOf(mapped: MappedRow<ImportEntity>, locale: 'en' | 'ru' = 'en'): string {
	if (mapped.ok) throw new Error(`expected a reason, got ${JSON.stringify(mapped.record)}`);
	return renderText(mapped.reason, locale);
}

const row = (values: Record<string, string>, line = 2): CsvRow => ({ line, values });

/** One deal cell mapped to `field`, the rest of the deal filled in. */
function mapDeal(field: string, value: string, options: MapRowOptions = {}, more: Record<string, [string, string]> = {}) {
	const values: Record<string, string> = { Название: 'Поставка', Ячейка: value };
	const mapping: ImportMapping = { Название: 'title', Ячейка: field };
	for (const [column, [key, cell]] of Object.entries(more)) {
		values[column] = cell;
		mapping[column] = key;
	}
	return mapRow(row(values), mapping, 'deals', options);
}

const dealValue = (value: string, options: MapRowOptions = {}, more: Record<string, [string, string]> = {}) => {
	const mapped = mapDeal('value', value, options, more);
	return mapped.ok ? [mapped.record.valueMinor, mapped.record.currency] : reasonOf(mapped);
};

describe('the fields a column can be mapped to', () => {
	it('lists each entity’s fields with what is required and what takes several columns', () => {
		const summary = (entity: ImportEntity) =>
			importFields[entity].map((field) => `${field.key}${field.required ? '!' : ''}${field.multiple ? '*' : ''}${field.anyOf ? `(or ${field.anyOf.join(', ')})` : ''}`);
		expect(summary('contacts')).toEqual([
			'name!(or firstName, lastName)',
			'firstName',
			'lastName',
			'phone*',
			'email*',
			'company',
			'position',
			'address',
			'website',
			'birthday',
			'segment',
			'status',
			'tags*',
			'owner',
			'note'
		]);
		expect(summary('companies')).toEqual(['name!', 'taxId', 'phone*', 'email*', 'address', 'website', 'segment', 'status', 'tags*', 'owner']);
		expect(summary('deals')).toEqual([
			'title!',
			'value',
			'currency',
			'stage',
			'owner',
			'contact',
			'contactPhone',
			'contactEmail',
			'company',
			'companyTaxId',
			'source',
			'createdAt',
			'expectedCloseDate'
		]);
	});

	it('labels each field in the reader’s language', () => {
		const labels = (entity: ImportEntity, locale: 'en' | 'ru') => importFields[entity].slice(0, 4).map((field) => renderText(field.label, locale));
		expect(labels('contacts', 'en')).toEqual(['Full name', 'First name', 'Last name', 'Phone']);
		expect(labels('contacts', 'ru')).toEqual(['ФИО', 'Имя', 'Фамилия', 'Телефон']);
		expect(labels('companies', 'ru')).toEqual(['Название компании', 'ИНН', 'Телефон', 'Эл. почта']);
		expect(labels('deals', 'en')).toEqual(['Deal title', 'Value', 'Currency', 'Stage']);
	});
});

describe('the mapping', () => {
	const amoColumns = ['Имя', 'Фамилия', 'Компания', 'Рабочий телефон', 'Мобильный телефон', 'Email', 'Должность', 'Примечание'];

	function issues(entity: ImportEntity, mapping: unknown, columns?: string[], locale: 'en' | 'ru' = 'en') {
		const parsed = importMappingSchema(entity, columns).safeParse(mapping);
		return parsed.success ? [] : describeIssues(parsed.error.issues, locale, mapping).issues.map((issue) => `${issue.path}: ${issue.message}`);
	}

	it('takes several phone columns, a skipped column and the parts of a name', () => {
		const mapping = {
			Имя: 'firstName',
			Фамилия: 'lastName',
			Компания: 'company',
			'Рабочий телефон': 'phone',
			'Мобильный телефон': 'phone',
			Email: 'email',
			Должность: null
		};
		expect(importMappingSchema('contacts', amoColumns).parse(mapping)).toEqual(mapping);
		expect(issues('contacts', { ФИО: 'name' })).toEqual([]);
		expect(issues('companies', { Название: 'name', Тел1: 'phone', Тел2: 'phone' })).toEqual([]);
	});

	it('refuses a column the file does not have', () => {
		expect(issues('contacts', { Имя: 'name', Телефон: 'phone' }, amoColumns)).toEqual(['Телефон: The file has no column “Телефон”.']);
		expect(issues('contacts', { Имя: 'name', Телефон: 'phone' }, amoColumns, 'ru')).toEqual(['Телефон: В файле нет столбца «Телефон».']);
	});

	it('refuses two columns for a field that takes one', () => {
		expect(issues('contacts', { Имя: 'name', Компания: 'company', Организация: 'company' })).toEqual(['Организация: Only one column can go to “Company”.']);
		expect(issues('deals', { Название: 'title', Сумма: 'value', Бюджет: 'value' }, undefined, 'ru')).toEqual(['Бюджет: В поле «Сумма» можно загрузить только один столбец.']);
	});

	it('asks for the column with the name or title', () => {
		expect(issues('contacts', { Email: 'email' })).toEqual([
			'(body): Choose the column with the contact’s full name, or the columns with the first and last name.'
		]);
		expect(issues('contacts', { Фамилия: 'lastName' })).toEqual([]);
		expect(issues('companies', { ИНН: 'taxId', Название: null }, undefined, 'ru')).toEqual(['(body): Выберите столбец с названием компании.']);
		expect(issues('deals', {})).toEqual(['(body): Choose the column with the deal’s title.']);
	});

	it('refuses a field the entity does not have', () => {
		expect(issues('companies', { Название: 'name', Должность: 'position' })).toHaveLength(1);
		expect(issues('companies', { Название: 'name', Должность: 'position' })[0]).toMatch(/^Должность: /);
		expect(issues('deals', { Название: 'title', '': 'stage' })).toHaveLength(1);
		expect(issues('deals', ['title'])).toHaveLength(1);
	});
});

describe('mapping the amoCRM export to contacts', () => {
	const mapping: ImportMapping = {
		Имя: 'firstName',
		Фамилия: 'lastName',
		Компания: 'company',
		'Рабочий телефон': 'phone',
		'Мобильный телефон': 'phone',
		Email: 'email',
		Должность: 'position',
		Примечание: 'note'
	};

	it('gives every row its record or its reason', () => {
		const contact = (name: string, more: object) => {
			const [firstName, lastName] = name.split(' ');
			return { name, firstName, lastName, phones: [], emails: [], tags: [], ...more };
		};
		expect(mapAll(readFixture('amo-contacts-1251.csv').rows, mapping, 'contacts', { delimiter: ';' }, true)).toEqual([
			[
				2,
				contact('Иван Петров', {
					company: 'ООО "Ромашка"',
					phones: ['+7 (495) 123-45-67', '+7 912 345-67-89'],
					emails: ['ivan.petrov@romashka.ru'],
					position: 'Директор'
				})
			],
			[
				3,
				contact('Мария Сидорова', {
					company: 'ИП Сидорова М. А.',
					phones: ['8 (916) 555-12-34'],
					emails: ['maria@sidorova.ru', 'm.sidorova@mail.ru'],
					position: 'Владелец',
					note: 'Постоянный клиент'
				})
			],
			[
				4,
				contact('Алексей Кузнецов', {
					company: 'Торговый дом "Север"; филиал Москва',
					phones: ['+7 495 765 43 21'],
					emails: ['a.kuznetsov@sever.ru'],
					position: 'Менеджер по закупкам',
					note: 'Звонить после 14:00; по пятницам не беспокоить'
				})
			],
			[
				5,
				contact('Пётр Семёнов', {
					company: 'АО «Звезда»',
					phones: ['+7 (812) 300-20-10'],
					emails: ['petr@zvezda.ru'],
					position: 'Инженер',
					note: 'Встреча 12.03.2024.\nОбсудили поставку; ждём КП.\nПерезвонить в апреле.'
				})
			],
			[8, contact('Ольга Васильева', { phones: ['+7 903 111-22-33'], emails: ['olga.v@example.ru'] })],
			[
				13,
				contact('Сергей Ёлкин', {
					company: 'ООО "Ёлки-палки"',
					phones: ['+7 (383) 200-00-00'],
					emails: ['s.yolkin@elki.ru'],
					position: 'Директор',
					note: 'Фамилия через Ё'
				})
			],
			[
				14,
				contact('Наталья Фёдорова', {
					company: 'ООО «Альфа, Бета и партнёры»',
					phones: ['+7 (999) 123-45-67'],
					emails: ['natalia@alfa-beta.ru'],
					position: 'Юрист',
					note: 'Контакты: тел. +7 999 123-45-67, e-mail natalia@alfa-beta.ru'
				})
			],
			[
				15,
				contact('Игорь Николаев', { phones: ['+7 (495) 987-65-43 доб. 123'], emails: ['igor@nikolaev.ru'], note: 'Контакт с выставки "Продэкспо"' })
			],
			[16, '“Email”: “kirill.volkov(at)mail.ru” is not an email address. / «Email»: «kirill.volkov(at)mail.ru» — не адрес электронной почты.'],
			[17, 'The contact has no name (“Имя”, “Фамилия” empty). / У контакта нет имени (пусто: «Имя», «Фамилия»).'],
			[
				18,
				contact('Евгения Морозова', {
					company: 'ООО Морозко',
					phones: ['+7 (911) 765-43-21'],
					emails: ['e.morozova@morozko.ru'],
					position: 'Менеджер',
					note: '№ договора 15/2024'
				})
			]
		]);
	});
});

describe('mapping the UTF-8 file with commas', () => {
	const mapping: ImportMapping = {
		'Full name': 'name',
		Company: 'company',
		Phone: 'phone',
		Email: 'email',
		Status: 'status',
		Birthday: 'birthday',
		Tags: 'tags',
		Note: 'note'
	};

	it('splits phones on ";", reads Russian statuses and every date format, and names what is wrong', () => {
		expect(mapAll(readFixture('contacts-utf8-bom.csv').rows, mapping, 'contacts', { delimiter: ',' }, true)).toEqual([
			[
				2,
				{
					name: 'Szőke Ágnes',
					company: 'Kék Duna Kft., Budapest',
					phones: ['+36 1 234 5678'],
					emails: ['agnes.szoke@kekduna.hu'],
					status: 'customer',
					birthday: '1985-03-14',
					tags: ['vip', 'budapest']
				}
			],
			[
				3,
				{
					name: 'Erdős Pál',
					company: 'Erdős és Társa Bt.',
					phones: ['+36 30 123 4567', '+36 1 765 4321'],
					emails: ['pal@erdos.hu'],
					status: 'potential',
					birthday: '1979-07-14',
					tags: ['partner'],
					note: 'Prefers email'
				}
			],
			[
				4,
				{
					name: 'Bálint Gergő',
					phones: [],
					emails: ['gergo@balint.hu', 'g.balint@gmail.com'],
					status: 'lapsed',
					birthday: '1990-12-31',
					tags: [],
					note: 'Met at "Budapest Expo"\nasked for a demo'
				}
			],
			[
				6,
				'“Birthday”: “03/04/1988” could be March 4, 1988 or April 3, 1988; write it as 31.12.2024 or 2024-12-31. / ' +
					'«Birthday»: «03/04/1988» может означать 4 марта 1988 г. или 3 апреля 1988 г.; запишите дату как 31.12.2024 или 2024-12-31.'
			],
			[
				7,
				'“Status”: “unknown” is not a status; use potential, customer or lapsed. / ' +
					'«Status»: «unknown» — не статус; используйте «потенциальный», «клиент» или «бывший».'
			],
			[9, { name: 'Őrsi Ödön', company: 'Öt Kft.', phones: ['+36 20 999 8877'], emails: ['odon@otkft.hu'], status: 'lapsed', tags: ['vip'] }]
		]);
	});

	it('takes the apostrophe of a guarded cell off again', () => {
		const zoe = readFixture('contacts-utf8-bom.csv').rows.find((candidate) => candidate.line === 7)!;
		const mapped = mapRow(zoe, { ...mapping, Status: null }, 'contacts', { delimiter: ',' });
		expect(mapped).toEqual({ ok: true, record: { name: 'Zoë Müller', company: 'Straße GmbH', phones: ['+49 30 1234567'], emails: ['zoe@strasse.de'], tags: [] } });
	});
});

describe('reading cells', () => {
	it('splits several values on commas, new lines, and semicolons unless they separate the file', () => {
		const emails = (cell: string, delimiter: ',' | ';') => {
			const mapped = mapRow(row({ Имя: 'Ann', Почта: cell }), { Имя: 'name', Почта: 'email' }, 'contacts', { delimiter });
			return mapped.ok ? mapped.record.emails : reasonOf(mapped);
		};
		expect(emails('a@x.ru, b@y.ru', ';')).toEqual(['a@x.ru', 'b@y.ru']);
		expect(emails('a@x.ru\nb@y.ru', ';')).toEqual(['a@x.ru', 'b@y.ru']);
		expect(emails('a@x.ru; b@y.ru', ',')).toEqual(['a@x.ru', 'b@y.ru']);
		expect(emails('a@x.ru; b@y.ru', ';')).toBe('“Почта”: “a@x.ru; b@y.ru” is not an email address.');
		expect(emails('a@x.ru, A@X.ru,, ', ',')).toEqual(['a@x.ru']);
	});

	it('collects phones of several columns without repeating a number', () => {
		const mapped = mapRow(
			row({ Имя: 'Ann', Рабочий: '+7 (495) 123-45-67', Мобильный: '+7 495 123 45 67, 8 912 000-00-00' }),
			{ Имя: 'name', Рабочий: 'phone', Мобильный: 'phone' },
			'contacts'
		);
		expect(mapped.ok && mapped.record.phones).toEqual(['+7 (495) 123-45-67', '8 912 000-00-00']);
		expect(reasonOf(mapRow(row({ Имя: 'Ann', Тел: 'звонить секретарю' }), { Имя: 'name', Тел: 'phone' }, 'contacts'))).toBe(
			'“Тел”: “звонить секретарю” is not a phone number.'
		);
		expect(reasonOf(mapRow(row({ Имя: 'Ann', Тел: '12-34' }), { Имя: 'name', Тел: 'phone' }, 'contacts'), 'ru')).toBe('«Тел»: «12-34» — не номер телефона.');
	});

	it('trims cells and folds the spaces of one-line fields, but keeps a note’s lines', () => {
		const mapped = mapRow(
			row({ Имя: '  Иван \t Петров ', Должность: ' Главный\r\nинженер ', Примечание: '  первая\r\n  вторая  ' }),
			{ Имя: 'name', Должность: 'position', Примечание: 'note' },
			'contacts'
		);
		expect(mapped).toEqual({ ok: true, record: { name: 'Иван Петров', position: 'Главный инженер', note: 'первая\n  вторая', phones: [], emails: [], tags: [] } });
	});

	it('reads statuses in English and Russian', () => {
		const status = (cell: string) => {
			const mapped = mapRow(row({ Название: 'ООО Альфа', Статус: cell }), { Название: 'name', Статус: 'status' }, 'companies');
			return mapped.ok ? mapped.record.status : reasonOf(mapped, 'ru');
		};
		expect(['potential', 'Потенциальный', 'потенциальный клиент', 'Customer', 'КЛИЕНТ', 'Постоянный клиент', 'lapsed', 'бывший', 'Бывший  клиент'].map(status)).toEqual([
			'potential',
			'potential',
			'potential',
			'customer',
			'customer',
			'customer',
			'lapsed',
			'lapsed',
			'lapsed'
		]);
		expect(status('VIP')).toBe('«Статус»: «VIP» — не статус; используйте «потенциальный», «клиент» или «бывший».');
	});

	it('reads an owner as a member’s email, lower-cased', () => {
		const owner = (cell: string) => {
			const mapped = mapRow(row({ Название: 'ООО Альфа', Ответственный: cell }), { Название: 'name', Ответственный: 'owner' }, 'companies');
			return mapped.ok ? mapped.record.owner : reasonOf(mapped);
		};
		expect(owner(' Anna.Manager@Example.RU ')).toBe('anna.manager@example.ru');
		expect(owner('Анна Менеджер')).toBe('“Ответственный”: “Анна Менеджер” is not an email address.');
	});

	it('refuses text PostgreSQL cannot store', () => {
		expect(reasonOf(mapRow(row({ Название: 'ООО \u0000Альфа' }), { Название: 'name' }, 'companies'))).toBe(
			'“Название”: Use plain text: no NUL characters or broken Unicode.'
		);
	});

	it('names every unreadable cell of a row in one reason', () => {
		const mapped = mapRow(
			row({ Имя: '', Почта: 'nobody', День: '31.02.2024' }, 9),
			{ Имя: 'name', Почта: 'email', День: 'birthday' },
			'contacts'
		);
		expect(mapped.ok).toBe(false);
		expect(!mapped.ok && mapped.line).toBe(9);
		expect(reasonOf(mapped)).toBe(
			'“Почта”: “nobody” is not an email address. “День”: “31.02.2024” is not a day of the calendar. The contact has no name (“Имя” empty).'
		);
	});

	it('does not ask for a name a cell already failed to give', () => {
		expect(reasonOf(mapRow(row({ Название: 'x'.repeat(201) }), { Название: 'title' }, 'deals'))).toBe('“Название”: The value is longer than 200 characters.');
		expect(reasonOf(mapRow(row({ Название: '' }), { Название: 'title' }, 'deals'), 'ru')).toBe('У сделки нет названия (пусто: «Название»).');
	});
});

describe('reading money', () => {
	it('reads Russian and English formats into minor units', () => {
		expect(dealValue('1 234 567,89')).toEqual([123456789, undefined]);
		expect(dealValue('1\u00A0234\u00A0567,89')).toEqual([123456789, undefined]);
		expect(dealValue('1,234,567.89')).toEqual([123456789, undefined]);
		expect(dealValue('1.234.567,89')).toEqual([123456789, undefined]);
		expect(dealValue('12 000 ₽')).toEqual([1200000, 'RUB']);
		expect(dealValue('12 000 руб.')).toEqual([1200000, 'RUB']);
		expect(dealValue('$1,200')).toEqual([120000, 'USD']);
		expect(dealValue('1200 USD')).toEqual([120000, 'USD']);
		expect(dealValue('€ 99,90')).toEqual([9990, 'EUR']);
		expect(dealValue('1,5')).toEqual([150, undefined]);
		expect(dealValue('1.5')).toEqual([150, undefined]);
		expect(dealValue('1,200')).toEqual([120000, undefined]);
		expect(dealValue('0')).toEqual([0, undefined]);
		expect(dealValue('100.000')).toEqual([10000, undefined]);
	});

	it('takes the currency of the currency column, then of the value, then of the import', () => {
		expect(dealValue('1 200', {}, { Валюта: ['currency', 'usd'] })).toEqual([120000, 'USD']);
		expect(dealValue('1 200 $', {}, { Валюта: ['currency', 'USD'] })).toEqual([120000, 'USD']);
		expect(dealValue('1 200', { currency: 'RUB' })).toEqual([120000, 'RUB']);
		expect(dealValue('1 200 €', { currency: 'RUB' })).toEqual([120000, 'EUR']);
		// Yen have no minor unit.
		expect(dealValue('1,200', {}, { Валюта: ['currency', 'JPY'] })).toEqual([1200, 'JPY']);
		expect(dealValue('1 200 ₽', {}, { Валюта: ['currency', 'EUR'] })).toBe('“Ячейка”: The amount is in RUB but the currency column says EUR.');
		const currency = mapDeal('currency', 'рубли');
		expect(reasonOf(currency)).toBe('“Ячейка”: “рубли” is not a currency code such as RUB, USD or EUR.');
		const rub = mapDeal('currency', 'руб.');
		expect(rub.ok && rub.record).toEqual({ title: 'Поставка', currency: 'RUB' });
	});

	it('says what is wrong with a value it cannot take', () => {
		expect(dealValue('-500')).toBe('“Ячейка”: “-500” is negative; a deal’s value cannot be.');
		expect(dealValue('-1 200 ₽')).toBe('“Ячейка”: “-1 200 ₽” is negative; a deal’s value cannot be.');
		expect(dealValue('$-1,200')).toBe('“Ячейка”: “$-1,200” is negative; a deal’s value cannot be.');
		expect(dealValue('0,125')).toBe('“Ячейка”: “0,125” has more than two decimal places.');
		expect(dealValue('0,125', { currency: 'RUB' })).toBe('“Ячейка”: “0,125” has more decimal places than RUB has.');
		expect(dealValue('договорная')).toBe('“Ячейка”: “договорная” is not an amount of money.');
		expect(dealValue('1,23,45')).toBe('“Ячейка”: “1,23,45” is not an amount of money.');
		expect(dealValue('1,200.50.1')).toBe('“Ячейка”: “1,200.50.1” is not an amount of money.');
		expect(dealValue('$100 €')).toBe('“Ячейка”: “$100 €” is not an amount of money.');
		expect(dealValue('100 тыс.')).toBe('“Ячейка”: “100 тыс.” is not an amount of money.');
		expect(dealValue('99999999999999999999')).toBe('“Ячейка”: “99999999999999999999” is too large an amount.');
		expect(reasonOf(mapDeal('value', '1,5 млн'), 'ru')).toBe('«Ячейка»: «1,5 млн» — не денежная сумма.');
	});
});

describe('reading dates', () => {
	const date = (cell: string, field = 'expectedCloseDate', options: MapRowOptions = {}) => {
		const mapped = mapDeal(field, cell, options);
		return mapped.ok ? (mapped.record as unknown as Record<string, unknown>)[field] : reasonOf(mapped);
	};

	it('reads day-first dots, ISO and unambiguous slashes', () => {
		expect(['31.12.2024', '1.2.2024', '2024-12-31', '2024-2-1', '12/31/2024', '31/12/2024', '05/05/2024', '29.02.2024', '31.12.2024 23:59:59'].map((cell) => date(cell))).toEqual([
			'2024-12-31',
			'2024-02-01',
			'2024-12-31',
			'2024-02-01',
			'2024-12-31',
			'2024-12-31',
			'2024-05-05',
			'2024-02-29',
			'2024-12-31'
		]);
	});

	it('names both readings of an ambiguous date rather than guessing', () => {
		const mapped = mapDeal('expectedCloseDate', '03/04/2024');
		expect(reasonOf(mapped)).toBe('“Ячейка”: “03/04/2024” could be March 4, 2024 or April 3, 2024; write it as 31.12.2024 or 2024-12-31.');
		expect(reasonOf(mapped, 'ru')).toBe('«Ячейка»: «03/04/2024» может означать 4 марта 2024 г. или 3 апреля 2024 г.; запишите дату как 31.12.2024 или 2024-12-31.');
	});

	it('refuses what is not a date or not a day of the calendar', () => {
		expect(date('31.02.2024')).toBe('“Ячейка”: “31.02.2024” is not a day of the calendar.');
		expect(date('29.02.2023')).toBe('“Ячейка”: “29.02.2023” is not a day of the calendar.');
		expect(date('2024-13-01')).toBe('“Ячейка”: “2024-13-01” is not a day of the calendar.');
		expect(date('31.12.2024 24:00')).toBe('“Ячейка”: “31.12.2024 24:00” is not a day of the calendar.');
		expect(date('13/13/2024')).toBe('“Ячейка”: “13/13/2024” is not a date; write it as 31.12.2024 or 2024-12-31.');
		expect(date('31.12.24')).toBe('“Ячейка”: “31.12.24” is not a date; write it as 31.12.2024 or 2024-12-31.');
		expect(date('завтра')).toBe('“Ячейка”: “завтра” is not a date; write it as 31.12.2024 or 2024-12-31.');
	});

	it('reads a creation time in the import’s time zone unless it names its own offset', () => {
		expect(date('31.12.2024 10:30', 'createdAt')).toBe('2024-12-31T10:30:00.000Z');
		expect(date('31.12.2024 10:30', 'createdAt', { timeZone: 'Europe/Moscow' })).toBe('2024-12-31T07:30:00.000Z');
		expect(date('31.12.2024', 'createdAt', { timeZone: 'Europe/Moscow' })).toBe('2024-12-30T21:00:00.000Z');
		expect(date('2024-07-01 12:00', 'createdAt', { timeZone: 'America/New_York' })).toBe('2024-07-01T16:00:00.000Z');
		expect(date('2024-01-15 12:00', 'createdAt', { timeZone: 'America/New_York' })).toBe('2024-01-15T17:00:00.000Z');
		expect(date('2024-06-01T10:00:00+03:00', 'createdAt', { timeZone: 'America/New_York' })).toBe('2024-06-01T07:00:00.000Z');
		expect(date('2024-06-01T10:00:00.250Z', 'createdAt')).toBe('2024-06-01T10:00:00.000Z');
	});
});

describe('mapping deals', () => {
	it('reads a whole deal row', () => {
		const mapped = mapRow(
			row({
				Сделка: 'Поставка оборудования',
				Бюджет: '1 250 000,50 ₽',
				Этап: 'Переговоры',
				Ответственный: 'Sales@Example.ru',
				Контакт: 'Иван Петров',
				Телефон: '+7 (495) 123-45-67',
				Почта: 'ivan@romashka.ru',
				Компания: 'ООО "Ромашка"',
				ИНН: '7701234567',
				Источник: 'Звонок',
				Создана: '15.03.2024 09:15',
				Закрытие: '2024-04-30',
				Лишнее: 'не импортируется'
			}),
			{
				Сделка: 'title',
				Бюджет: 'value',
				Этап: 'stage',
				Ответственный: 'owner',
				Контакт: 'contact',
				Телефон: 'contactPhone',
				Почта: 'contactEmail',
				Компания: 'company',
				ИНН: 'companyTaxId',
				Источник: 'source',
				Создана: 'createdAt',
				Закрытие: 'expectedCloseDate',
				Лишнее: null
			},
			'deals',
			{ delimiter: ';', timeZone: 'Europe/Moscow', currency: 'USD' }
		);
		expect(mapped).toEqual({
			ok: true,
			record: {
				title: 'Поставка оборудования',
				valueMinor: 125000050,
				currency: 'RUB',
				stage: 'Переговоры',
				owner: 'sales@example.ru',
				contact: 'Иван Петров',
				contactPhone: '+7 (495) 123-45-67',
				contactEmail: 'ivan@romashka.ru',
				company: 'ООО "Ромашка"',
				companyTaxId: '7701234567',
				source: 'phone',
				createdAt: '2024-03-15T06:15:00.000Z',
				expectedCloseDate: '2024-04-30'
			}
		});
	});

	it('reads sources in English and Russian', () => {
		const source = (cell: string) => {
			const mapped = mapDeal('source', cell);
			return mapped.ok ? mapped.record.source : reasonOf(mapped);
		};
		expect(['Форма на сайте', 'web form', 'Телефон', 'E-mail', 'почта', 'Импорт', 'вручную', 'Manual'].map(source)).toEqual([
			'form',
			'form',
			'phone',
			'email',
			'email',
			'import',
			'manual',
			'manual'
		]);
		expect(source('Яндекс.Директ')).toBe('“Ячейка”: “Яндекс.Директ” is not a deal source; use form, phone, email, import or manual.');
	});
});
