import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	isValidInn,
	matchKeys,
	normaliseCompanyName,
	normaliseEmail,
	normaliseName,
	normalisePhone,
	normaliseTaxId,
	phoneSearchDigits
} from '../../server/contacts/normalise.js';

describe('phones', () => {
	it('folds every way a rep writes a Russian mobile to one E.164 number', () => {
		const written = [
			'8 (912) 345-67-89',
			'+7 912 345 67 89',
			'+7 912 345-67-89',
			'89123456789',
			'7 912 3456789',
			'8-912-345-67-89',
			'8.912.345.67.89',
			'(912) 345-67-89',
			'+7(912)3456789',
			'тел. 8 912 345 67 89',
			'8 10 7 912 345 67 89'
		];
		expect(new Set(written.map((phone) => normalisePhone(phone, 'RU')))).toEqual(new Set(['+79123456789']));
	});

	it('folds Russian landlines with the trunk 8 and a city code of three or four digits', () => {
		expect(normalisePhone('8 (495) 123-45-67', 'RU')).toBe('+74951234567');
		expect(normalisePhone('(495) 123 45 67', 'RU')).toBe('+74951234567');
		expect(normalisePhone('8 (3412) 12-34-56', 'RU')).toBe('+73412123456');
		expect(normalisePhone('+7 800 555-35-35')).toBe('+78005553535');
	});

	it('folds Hungarian numbers written with 06, 0036 and +36', () => {
		const mobile = ['06 30 123 4567', '06-30-123-4567', '06/30/123-4567', '(06-30) 123-4567'];
		mobile.push('+36 30 123 4567', '+36-30/123-4567', '0036 30 123 4567');
		expect(new Set(mobile.map((phone) => normalisePhone(phone, 'HU')))).toEqual(new Set(['+36301234567']));
		expect(normalisePhone('06-1-234-5678', 'HU')).toBe('+3612345678');
		expect(normalisePhone('06 1 234 5678', 'HU')).toBe('+3612345678');
		expect(normalisePhone('+36 1 234 5678')).toBe('+3612345678');
	});

	it('reads the 00 international prefix even where the country dials another one', () => {
		expect(normalisePhone('00 36 30 123 4567', 'RU')).toBe('+36301234567');
		expect(normalisePhone('0044 20 7946 0958', 'RU')).toBe('+442079460958');
		expect(normalisePhone('00 1 212 555 0123')).toBe('+12125550123');
	});

	it('takes a number with its country code but no plus as international when the workspace country does not fit', () => {
		expect(normalisePhone('36 30 123 4567', 'RU')).toBe('+36301234567');
		expect(normalisePhone('7 912 345 67 89', 'HU')).toBe('+79123456789');
	});

	it('without a default country keeps only what parses as international', () => {
		expect(normalisePhone('7 912 3456789')).toBe('+79123456789');
		expect(normalisePhone('+44 (0)20 7946 0958')).toBe('+442079460958');
		expect(normalisePhone('89123456789')).toBeNull();
		expect(normalisePhone('06 30 123 4567')).toBeNull();
	});

	it('leaves extensions out of the key', () => {
		expect(normalisePhone('+7 (495) 123-45-67 доб. 123')).toBe('+74951234567');
		expect(normalisePhone('+7 (495) 123-45-67, доб 12')).toBe('+74951234567');
		expect(normalisePhone('+7 (495) 123-45-67 (доб. 4)')).toBe('+74951234567');
		expect(normalisePhone('8 495 123 45 67 вн. 305', 'RU')).toBe('+74951234567');
		expect(normalisePhone('+1 212 555 0123 ext 12')).toBe('+12125550123');
		expect(normalisePhone('+1 212 555 0123 x12')).toBe('+12125550123');
		expect(normalisePhone('+36 1 234 5678 #21')).toBe('+3612345678');
	});

	it('gives null for what is not a phone', () => {
		const junk = ['нет', 'n/a', '', '   ', '-', '123', '12-34', '+7 (000) 000-00-00', '0000000000', '8 (912) 345-67'];
		junk.push('+7 912 345 67 89 12 34 56', 'звонить после 18');
		for (const text of junk) expect(normalisePhone(text, 'RU'), text).toBeNull();
		// A Russian national number is no number in a Hungarian workspace.
		expect(normalisePhone('8 (912) 345-67-89', 'HU')).toBeNull();
	});

	it('searches by digits, folding the Russian trunk 8 and the 00 prefix of full numbers only', () => {
		expect(phoneSearchDigits('912 345')).toBe('912345');
		expect(phoneSearchDigits('8 (912) 345-67-89')).toBe('79123456789');
		expect(phoneSearchDigits('+7 912 345-67-89')).toBe('79123456789');
		expect(phoneSearchDigits('00 36 30 123 4567')).toBe('36301234567');
		expect(phoneSearchDigits('+7 495 123-45-67 доб. 12')).toBe('74951234567');
		// Partial numbers are left as typed: "8 912" may be the end of a number as well.
		expect(phoneSearchDigits('8 912 345')).toBe('8912345');
		expect(phoneSearchDigits('06 30 123')).toBe('0630123');
		expect(phoneSearchDigits('нет')).toBe('');
	});
});

describe('emails', () => {
	it('lower-cases and trims any address', () => {
		expect(normaliseEmail('  Anna.Kovacs@Example.HU ')).toBe('anna.kovacs@example.hu');
		expect(normaliseEmail('<Sales@Stroymontazh.ru>')).toBe('sales@stroymontazh.ru');
		expect(normaliseEmail('mailto:info@acme.com')).toBe('info@acme.com');
		expect(normaliseEmail('info@acme.com.')).toBe('info@acme.com');
		expect(normaliseEmail('директор@почта.рф')).toBe('директор@почта.рф');
	});

	it('drops dots and plus-tags at Gmail, and folds googlemail.com', () => {
		const written = ['john.smith@gmail.com', 'John.Smith+crm@gmail.com', 'johnsmith@gmail.com'];
		written.push('j.o.h.n.smith@googlemail.com', 'JOHN.SMITH+newsletter+2024@GMAIL.COM');
		expect(new Set(written.map(normaliseEmail))).toEqual(new Set(['johnsmith@gmail.com']));
	});

	it('folds Yandex domains to one mailbox, dots to hyphens, and drops plus-tags', () => {
		const written = ['ivan.petrov@yandex.ru', 'Ivan-Petrov@ya.ru', 'ivan.petrov+crm@yandex.com'];
		written.push('ivan-petrov@yandex.by', 'ivan.petrov@yandex.kz', 'ivan-petrov@yandex.ua');
		expect(new Set(written.map(normaliseEmail))).toEqual(new Set(['ivan-petrov@yandex.ru']));
		expect(normaliseEmail('ivanpetrov@yandex.ru')).toBe('ivanpetrov@yandex.ru');
	});

	it('drops only plus-tags where dots are part of the name', () => {
		expect(normaliseEmail('John.Smith+leads@outlook.com')).toBe('john.smith@outlook.com');
		expect(normaliseEmail('john.smith+x@hotmail.com')).toBe('john.smith@hotmail.com');
		expect(normaliseEmail('anna+work@live.com')).toBe('anna@live.com');
		expect(normaliseEmail('anna.k+shop@icloud.com')).toBe('anna.k@icloud.com');
		expect(normaliseEmail('anna.k+shop@fastmail.com')).toBe('anna.k@fastmail.com');
		expect(normaliseEmail('john.smith@outlook.com')).not.toBe(normaliseEmail('johnsmith@outlook.com'));
	});

	it('reads Proton names without their separators and tags, as Proton does', () => {
		expect(normaliseEmail('Peter.Nagy+crm@proton.me')).toBe('peternagy@proton.me');
		expect(normaliseEmail('peter_nagy@protonmail.com')).toBe('peternagy@protonmail.com');
		expect(normaliseEmail('peter-nagy@pm.me')).toBe('peternagy@pm.me');
	});

	it('keeps plus signs at mail.ru and at unknown domains, where they may name another mailbox', () => {
		expect(normaliseEmail('Olga+shop@mail.ru')).toBe('olga+shop@mail.ru');
		expect(normaliseEmail('olga.s@mail.ru')).toBe('olga.s@mail.ru');
		expect(normaliseEmail('sales+eu@stroymontazh.ru')).toBe('sales+eu@stroymontazh.ru');
		expect(normaliseEmail('sales+eu@stroymontazh.ru')).not.toBe(normaliseEmail('sales@stroymontazh.ru'));
	});

	it('keeps a name a provider rule would break', () => {
		expect(normaliseEmail('+crm@gmail.com')).toBe('+crm@gmail.com');
		expect(normaliseEmail('anna.+x@outlook.com')).toBe('anna.+x@outlook.com');
		expect(normaliseEmail('_@proton.me')).toBe('_@proton.me');
	});

	it('gives null for what is not an address', () => {
		const junk = ['', 'нет', 'ivan', 'ivan@', '@gmail.com', 'ivan@gmail', 'ivan@@gmail.com', 'a@b@c.com', 'ivan petrov@mail.ru'];
		junk.push('.ivan@mail.ru', 'ivan.@mail.ru', 'iv..an@mail.ru', 'ivan@mail..ru', 'ivan@-mail.ru', 'ivan@mail.r', 'Ivan <ivan@mail.ru>');
		for (const text of junk) expect(normaliseEmail(text), text).toBeNull();
	});
});

/** Appends the check digits of a Russian INN: one to 9 digits, two to 10. */
function withInnCheck(digits: string): string {
	const check = (value: string, weights: number[]) => String((weights.reduce((sum, weight, i) => sum + weight * Number(value[i]), 0) % 11) % 10);
	if (digits.length === 9) return digits + check(digits, [2, 4, 10, 3, 5, 9, 4, 6, 8]);
	const eleven = digits + check(digits, [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]);
	return eleven + check(eleven, [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]);
}

describe('tax ids', () => {
	it('validates the check digits of real INNs and of computed ones', () => {
		// Sberbank, Yandex LLC, a person's 12-digit INN.
		for (const inn of ['7707083893', '7736207543', '500100732259']) expect(isValidInn(inn), inn).toBe(true);
		expect(withInnCheck('770708389')).toBe('7707083893');
		expect(withInnCheck('5001007322')).toBe('500100732259');
		fc.assert(
			fc.property(fc.stringMatching(/^\d{9}$|^\d{10}$/), (prefix) => {
				const inn = withInnCheck(prefix);
				const wrong = inn.slice(0, -1) + String((Number(inn.at(-1)) + 1) % 10);
				return isValidInn(inn) && !isValidInn(wrong);
			}),
			{ seed: 10 }
		);
	});

	it('normalises an invalid INN all the same, while isValidInn says no', () => {
		expect(normaliseTaxId('7707083894')).toBe('7707083894');
		expect(isValidInn('7707083894')).toBe(false);
		expect(isValidInn('500100732258')).toBe(false);
		expect(isValidInn('770708389')).toBe(false);
		expect(isValidInn('нет')).toBe(false);
	});

	it('strips labels, spaces and the KPP of a Russian INN', () => {
		const written = ['7707083893', ' 7707 083 893 ', 'ИНН 7707083893', 'инн: 7707083893'];
		written.push('7707083893/773601001', 'ИНН/КПП 7707083893 / 773601001', '7707083893, КПП 773601001');
		for (const text of written) expect(normaliseTaxId(text), text).toBe('7707083893');
		expect(isValidInn('ИНН/КПП 7707083893/773601001')).toBe(true);
	});

	it('keeps the taxpayer part of a Hungarian adószám and its EU VAT form', () => {
		// MOL Nyrt.: 10625790-4-44, a valid check digit, VAT code 4, county 44.
		const written = ['10625790-4-44', '10625790 - 4 - 44', '10625790444', 'adószám: 10625790-4-44'];
		written.push('HU10625790', 'HU 1062 5790', 'hu10625790', '10625790');
		for (const text of written) expect(normaliseTaxId(text), text).toBe('10625790');
		// The dashed form is Hungarian by its shape, whatever its digits.
		expect(normaliseTaxId('12345678-1-42')).toBe('12345678');
		// Bare 11 digits that do not check out as Hungarian stay whole (an Italian partita IVA, say).
		expect(normaliseTaxId('12345678901')).toBe('12345678901');
		expect(normaliseTaxId('10625791444')).toBe('10625791444');
	});

	it('upper-cases other EU VAT numbers and refuses what is no tax id', () => {
		expect(normaliseTaxId('de 123 456 789')).toBe('DE123456789');
		expect(normaliseTaxId('GB-123.4567.89')).toBe('GB123456789');
		for (const junk of ['', 'нет', 'n/a', '123', 'ABCDEFGHIJ', '7707083893 ООО']) expect(normaliseTaxId(junk), junk).toBeNull();
	});
});

describe('names', () => {
	it('lower-cases, folds ё and Latin accents, and drops punctuation for the trigram match', () => {
		expect(normaliseName('  Семёнов   Пётр  Алексеевич ')).toBe('семенов петр алексеевич');
		expect(normaliseName('СЕМЕНОВ Петр')).toBe(normaliseName('Семёнов Пётр'));
		expect(normaliseName('Kovács Ödön')).toBe('kovacs odon');
		expect(normaliseName('Szőke Ágnes')).toBe(normaliseName('Szoke Agnes'));
		expect(normaliseName("Seán O'Brien-Smith")).toBe('sean obrien smith');
		expect(normaliseName('Иванов И.И.')).toBe('иванов и и');
		// Cyrillic letters with marks of their own stay: й is not и.
		expect(normaliseName('Йошкин Андрей')).toBe('йошкин андрей');
	});

	it('compares companies on the core name, without legal forms and quotes', () => {
		const stroymontazh = ['«ООО "Строймонтаж"»', 'ООО «Строймонтаж»', 'Строймонтаж, ООО', '"СТРОЙМОНТАЖ"'];
		stroymontazh.push('Общество с ограниченной ответственностью "Строймонтаж"');
		expect(new Set(stroymontazh.map(normaliseCompanyName))).toEqual(new Set(['строймонтаж']));
		expect(normaliseCompanyName('Stroymontazh LLC')).toBe('stroymontazh');
		expect(normaliseCompanyName('ПАО Сбербанк')).toBe('сбербанк');
		expect(normaliseCompanyName('АО "Тинькофф Банк"')).toBe('тинькофф банк');
		expect(normaliseCompanyName('ИП Иванов Иван Иванович')).toBe('иванов иван иванович');
		expect(normaliseCompanyName('Kovács és Társa Kft.')).toBe('kovacs es tarsa');
		expect(normaliseCompanyName('MOL Nyrt.')).toBe('mol');
		expect(normaliseCompanyName('OTP Bank Nyrt.')).toBe('otp bank');
		expect(normaliseCompanyName('Magyar Telekom Zrt.')).toBe('magyar telekom');
		expect(normaliseCompanyName('Acme, Inc.')).toBe('acme');
		expect(normaliseCompanyName('Smith & Sons L.L.C.')).toBe('smith sons');
		expect(normaliseCompanyName('Siemens GmbH')).toBe('siemens');
	});

	it('drops legal forms only as whole words, and keeps a name that is nothing else', () => {
		expect(normaliseCompanyName('Аорта Мед')).toBe('аорта мед');
		expect(normaliseCompanyName('Bt Solutions Bt.')).toBe('solutions');
		expect(normaliseCompanyName('Incognito Ltd')).toBe('incognito');
		expect(normaliseCompanyName('АО')).toBe('ао');
	});
});

describe('match keys', () => {
	it('normalises, deduplicates and drops what is not a key', () => {
		expect(
			matchKeys(
				{
					phones: ['8 (912) 345-67-89', '+7 912 345 67 89', 'нет', '+36 30 123 4567', ''],
					emails: ['Ivan.Petrov@ya.ru', 'ivan-petrov+crm@yandex.ru', 'ivan@', 'IVAN@stroymontazh.ru'],
					taxId: 'ИНН 7707083893'
				},
				'RU'
			)
		).toEqual({
			phones: ['+79123456789', '+36301234567'],
			emails: ['ivan-petrov@yandex.ru', 'ivan@stroymontazh.ru'],
			taxId: '7707083893'
		});
	});

	it('gives empty keys for empty input', () => {
		expect(matchKeys({})).toEqual({ phones: [], emails: [], taxId: null });
		expect(matchKeys({ taxId: 'нет', phones: ['06 30 123 4567'] })).toEqual({ phones: [], emails: [], taxId: null });
		expect(matchKeys({ phones: ['06 30 123 4567'] }, 'HU').phones).toEqual(['+36301234567']);
	});
});

describe('normalising twice is normalising once (fast-check)', () => {
	const country = fc.constantFrom('RU' as const, 'HU' as const, 'GB' as const, undefined);
	const separator = fc.constantFrom('', ' ', '-', '.', '(', ')', '/');
	const phoneLike = fc
		.tuple(
			fc.constantFrom('', '+', '+7', '8', '7', '+36', '06', '00', '0036', '810'),
			fc.array(fc.tuple(separator, fc.stringMatching(/^\d{1,4}$/)), { maxLength: 6 }),
			fc.constantFrom('', ' доб. 12', ' ext 5', ' x7', ' вн. 305')
		)
		.map(([prefix, groups, extension]) => prefix + groups.map(([sep, digits]) => sep + digits).join('') + extension);

	it('for phones: a key reads as itself in any workspace country', () => {
		fc.assert(
			fc.property(fc.oneof(phoneLike, fc.string()), country, country, (raw, first, second) => {
				const key = normalisePhone(raw, first);
				if (key === null) return;
				expect(key).toMatch(/^\+[1-9]\d{4,14}$/);
				expect(normalisePhone(key, second)).toBe(key);
			}),
			{ numRuns: 2000, seed: 10 }
		);
	});

	const provider = fc.constantFrom(
		'gmail.com',
		'googlemail.com',
		'ya.ru',
		'yandex.com',
		'outlook.com',
		'icloud.com',
		'proton.me',
		'mail.ru',
		'stroymontazh.ru',
		'example.hu'
	);
	const name = fc.stringMatching(/^[a-zA-Z0-9._+-]{1,16}$/);
	const emailLike = fc.tuple(name, provider, fc.boolean()).map(([local, domain, shout]) => {
		const address = `${local}@${domain}`;
		return shout ? address.toUpperCase() : address;
	});

	it('for emails', () => {
		fc.assert(
			fc.property(fc.oneof(emailLike, fc.emailAddress(), fc.string()), (raw) => {
				const key = normaliseEmail(raw);
				if (key === null) return;
				expect(key).toBe(key.toLowerCase());
				expect(normaliseEmail(key)).toBe(key);
			}),
			{ numRuns: 2000, seed: 10 }
		);
	});
});
