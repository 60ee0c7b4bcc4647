// Contacts and companies as a Russian, Hungarian and English customer base
// has them: names in each language's own order and forms, phones written the
// way people write them, e-mails from the names, tax ids that pass their checks.
import type { Random } from './random.js';

export type Origin = 'ru' | 'hu' | 'en';

export interface BenchContact {
	origin: Origin;
	name: string;
	/** The family name as written in the name, for typed queries. */
	surname: string;
	phones: string[];
	emails: string[];
	/** The phone as someone would type it in another format ("8 912 345-67-89" for "+7 (912) 345-67-89"). */
	phoneRetyped: string;
	/** A run of the national number's digits, as typed from memory ("345-67-89"). */
	phonePart: string;
}

export interface BenchCompany {
	origin: Origin;
	name: string;
	taxId: string;
	phones: string[];
	emails: string[];
	/** The company as a deal title names it. */
	shortName: string;
}

const ruMale = ['Иван', 'Алексей', 'Дмитрий', 'Сергей', 'Андрей', 'Михаил', 'Николай', 'Павел', 'Владимир', 'Олег', 'Артём', 'Егор', 'Максим', 'Кирилл', 'Юрий', 'Григорий', 'Роман', 'Виктор', 'Степан', 'Фёдор'];
const ruFemale = ['Анна', 'Ольга', 'Мария', 'Елена', 'Татьяна', 'Наталья', 'Ирина', 'Светлана', 'Екатерина', 'Юлия', 'Дарья', 'Ксения', 'Алина', 'Вера', 'Людмила', 'Полина', 'Софья', 'Марина', 'Галина', 'Валентина'];
const ruPatronymic = ['Сергеев', 'Александров', 'Иванов', 'Петров', 'Николаев', 'Андреев', 'Дмитриев', 'Михайлов', 'Олегов', 'Владимиров', 'Викторов', 'Юрьев'];
const ruSurnames = `Петров Иванов Смирнов Кузнецов Попов Васильев Соколов Михайлов Новиков Фёдоров Морозов Волков Алексеев Лебедев Семёнов Егоров
Павлов Козлов Степанов Николаев Орлов Андреев Макаров Никитин Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев
Кузьмин Фролов Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков Сорокин Виноградов Ковалёв Белов Медведев Антонов Тарасов
Жуков Баранов Филиппов Комаров Давыдов Беляев Герасимов Богданов Осипов Сидоров Матвеев Титов Марков Миронов Крылов Куликов Карпов Власов
Мельников Денисов Гаврилов Тихонов Казаков Афанасьев Данилов Савельев Тимофеев Фомин Чернов Абрамов Мартынов Ефимов Федотов Щербаков Назаров
Калинин Исаев Быков Маслов Родионов Коновалов Лазарев Воронин Климов Филатов Пономарёв Голубев Кудрявцев Прохоров Наумов Потапов Журавлёв
Овчинников Трофимов Леонов Соболев Ермаков Колесников Гончаров Емельянов Никифоров Грачёв Котов Гришин Ефремов Архипов Громов Кириллов Малышев
Панов Моисеев Румянцев Акимов Кондратьев Бирюков Горбунов Анисимов Тихомиров Галкин Лукьянов Михеев Скворцов Юдин Белоусов Нестеров Симонов
Прокофьев Харитонов Князев Цветков Левин Митрофанов Воронов Аксёнов Мальцев Логинов Горшков Савин Краснов Майоров Демидов Елисеев Рыбаков
Сафонов Плотников Хохлов Фадеев Молчанов Игнатов Литвинов Ершов Ушаков Дементьев Рябов Мухин Калашников Леонтьев Лобанов Кузин Корнилов
Бородин Платонов Некрасов Балашов Бобров Жданов Блинов Игнатьев Коротков Муравьёв Крюков Богомолов Дроздов Лавров Зуев Петухов Ларин
Никулин Серов Терентьев Зотов Устинов Фокин Самойлов Константинов Сахаров Шишкин Самсонов Черкасов Чистяков Носов Спиридонов Карасёв
Авдеев Воронцов Зверев Нечаев Кудряшов Седов Фирсов Андрианов Панин Головин Терехов Ульянов Шестаков Агеев Никонов Селиванов Баженов
Гордеев Кожевников Пахомов Зимин Костин Широков Филимонов Ларионов Овсянников Сазонов Суворов Нефёдов Корнеев Трифонов Булгаков Сысоев
Высоцкий Островский Покровский Вишневский Троицкий Успенский Чайковский Жуковский Рождественский`.split(/\s+/);
const huFemale = ['Anna', 'Zsófia', 'Eszter', 'Katalin', 'Erzsébet', 'Éva', 'Mária', 'Judit', 'Ágnes', 'Andrea', 'Krisztina', 'Zsuzsanna', 'Ildikó', 'Réka', 'Dóra', 'Noémi'];
const huMale = ['László', 'István', 'József', 'János', 'Zoltán', 'Sándor', 'Gábor', 'Ferenc', 'Péter', 'Attila', 'Tamás', 'Zsolt', 'Balázs', 'Csaba', 'Bence', 'Máté', 'Dániel'];
const huSurnames = `Nagy Kovács Tóth Szabó Horváth Varga Kiss Molnár Németh Farkas Balogh Papp Takács Juhász Lakatos Mészáros Oláh Simon Rácz Fekete
Szilágyi Török Fehér Balázs Gál Kis Szűcs Kocsis Pintér Fodor Szalai Sipos Magyar Lukács Gulyás Biró Király László Katona Jakab Bogdán Sándor
Boros Fazekas Kelemen Antal Somogyi Orosz Fülöp Veres Budai Vincze Hegedűs Deák Bálint Illés Pál Vass Szőke Fábián Vörös Lengyel Bognár Bodnár
Jónás Hajdu Halász Máté Székely Gáspár Kozma Pásztor Bakos Dudás Major Orbán Virág Hegyi Barna Novák Soós Tamás Nemes Pataki Balla Vida
Borbély Csonka Mezei Szekeres Erdős Benkő Szalay`.split(/\s+/);
const enFirst = `James John Robert Michael William David Richard Joseph Thomas Charles Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica
Sarah Karen Emily Olivia Sophie Oliver Harry George Jack Emma Charlotte Amelia Daniel Matthew Laura Rachel Hannah Grace Samuel Henry`.split(/\s+/);
const enSurnames = `Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin Jackson Thompson White Harris Clark Lewis
Robinson Walker Young Allen King Wright Scott Hill Green Adams Baker Nelson Carter Mitchell Roberts Turner Phillips Campbell Parker Evans Edwards
Collins Stewart Morris Murphy Cook Rogers Morgan Cooper Peterson Reed Bailey Bell Kelly Howard Ward Cox Richardson Wood Watson Brooks Bennett
Gray Hughes Price Sanders Myers Long Ross Foster Fletcher Hayes Palmer Holmes Lloyd Harrison Gibson Marshall Ellis Webb Porter Hunt`.split(/\s+/);

const ruLegal = ['ООО', 'АО', 'ПАО', 'ЗАО'];
const ruStems = ['Техно', 'Строй', 'Агро', 'Энерго', 'Мед', 'Транс', 'Инфо', 'Нефте', 'Газ', 'Пром', 'Торг', 'Софт', 'Рос', 'Сиб', 'Урал', 'Волга', 'Нева', 'Альфа', 'Гео', 'Эко'];
const ruEnds = ['сервис', 'инвест', 'проект', 'снаб', 'лайн', 'систем', 'торг', 'маш', 'комплект', 'ресурс', 'групп', 'холдинг', 'трейд', 'лаб', 'монтаж', 'логистик', 'консалт', 'медиа'];
const ruCities = ['', '', '', 'Казань', 'Пермь', 'Самара', 'Тверь', 'Омск', 'Томск', 'Уфа', 'Сочи', 'Тула', 'Курск', 'Иркутск', 'Вологда'];
const huStems = ['Duna', 'Tisza', 'Buda', 'Pannon', 'Hun', 'Alföld', 'Balaton', 'Mátra', 'Bakony', 'Hungaro', 'Pest', 'Zemplén'];
const huEnds = ['tech', 'soft', 'ker', 'trans', 'bau', 'agro', 'med', 'log', 'invest', 'energia', 'print', 'food'];
const huLegal = ['Kft.', 'Zrt.', 'Bt.', 'Nyrt.'];
const enWords = ['Northwind', 'Blue', 'Silver', 'Red Oak', 'Pine', 'River', 'Summit', 'Harbor', 'Granite', 'Atlas', 'Beacon', 'Cedar', 'Crescent', 'Falcon', 'Maple', 'Orion', 'Pioneer', 'Quantum', 'Sterling', 'Evergreen'];
const enKinds = ['Systems', 'Logistics', 'Partners', 'Labs', 'Foods', 'Energy', 'Analytics', 'Software', 'Consulting', 'Industries', 'Media', 'Health', 'Capital', 'Robotics', 'Supply'];
const enLegal = ['Ltd', 'Inc.', 'LLC', 'plc'];

const cyrillicToLatin: Record<string, string> = {
	а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r',
	с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya'
};

/** The name as an e-mail's local part: Latin letters, no accents. */
function latin(text: string): string {
	return [...text.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '')]
		.map((char) => cyrillicToLatin[char] ?? char)
		.join('')
		.replace(/[^a-z]/g, '');
}

function digits(random: Random, count: number): string {
	let out = '';
	for (let i = 0; i < count; i++) out += String(random.below(10));
	return out;
}

function feminine(surname: string): string {
	if (/(ов|ев|ёв|ин)$/.test(surname)) return `${surname}а`;
	if (surname.endsWith('ский')) return `${surname.slice(0, -4)}ская`;
	return surname;
}

/** A phone as stored, the same number as someone would retype it, and a run of its digits. */
function phoneOf(random: Random, origin: Origin): { stored: string; retyped: string; part: string } {
	if (origin === 'ru') {
		const code = `9${digits(random, 2)}`;
		const [a, b, c] = [digits(random, 3), digits(random, 2), digits(random, 2)];
		const stored = random.next() < 0.5 ? `+7 (${code}) ${a}-${b}-${c}` : `+7 ${code} ${a} ${b} ${c}`;
		const retyped = random.next() < 0.5 ? `8 ${code} ${a}-${b}-${c}` : `8${code}${a}${b}${c}`;
		return { stored, retyped, part: `${a}-${b}-${c}` };
	}
	if (origin === 'hu') {
		const code = random.pick(['20', '30', '70']);
		const [a, b] = [digits(random, 3), digits(random, 4)];
		return { stored: `+36 ${code} ${a} ${b}`, retyped: `06 ${code} ${a} ${b}`, part: `${a} ${b}` };
	}
	const area = `${2 + random.below(8)}${digits(random, 2)}`;
	const [a, b] = [`${2 + random.below(8)}${digits(random, 2)}`, digits(random, 4)];
	return { stored: `+1 ${area} ${a} ${b}`, retyped: `(${area}) ${a}-${b}`, part: `${a}-${b}` };
}

const mailDomains: Record<Origin, string[]> = {
	ru: ['yandex.ru', 'mail.ru', 'gmail.com', 'bk.ru', 'rambler.ru'],
	hu: ['gmail.com', 'freemail.hu', 'citromail.hu', 't-online.hu'],
	en: ['gmail.com', 'outlook.com', 'yahoo.com', 'icloud.com']
};

/** Contact number `index`: half Russian, a quarter Hungarian, a quarter English. */
export function makeContact(random: Random, index: number): BenchContact {
	const origin: Origin = index % 4 < 2 ? 'ru' : index % 4 === 2 ? 'hu' : 'en';
	const female = random.next() < 0.5;
	let name: string;
	let surname: string;
	let first: string;
	if (origin === 'ru') {
		first = random.pick(female ? ruFemale : ruMale);
		surname = random.pick(ruSurnames);
		if (female) surname = feminine(surname);
		// Some are written as in documents, surname first with the patronymic.
		if (random.next() < 0.3) {
			name = `${surname} ${first} ${random.pick(ruPatronymic)}${female ? 'на' : 'ич'}`;
		} else name = `${first} ${surname}`;
	} else if (origin === 'hu') {
		first = random.pick(female ? huFemale : huMale);
		surname = random.pick(huSurnames);
		name = `${surname} ${first}`;
	} else {
		first = random.pick(enFirst);
		surname = random.pick(enSurnames);
		name = `${first} ${surname}`;
	}
	const phone = phoneOf(random, origin);
	const phones = [phone.stored];
	if (random.next() < 0.15) phones.push(phoneOf(random, origin).stored);
	// Unique by the index, as real addresses are.
	const local = random.next() < 0.5 ? `${latin(first)}.${latin(surname)}` : `${latin(surname)}.${latin(first).charAt(0)}`;
	const emails = random.next() < 0.9 ? [`${local}${index}@${random.pick(mailDomains[origin])}`] : [];
	return { origin, name, surname, phones, emails, phoneRetyped: phone.retyped, phonePart: phone.part };
}

/** A Russian INN of a legal entity (10 digits, the last a check digit). */
function innOf(random: Random): string {
	const body = digits(random, 9);
	const weights = [2, 4, 10, 3, 5, 9, 4, 6, 8];
	const sum = weights.reduce((total, weight, i) => total + weight * Number(body[i]), 0);
	return `${body}${(sum % 11) % 10}`;
}

/** A Hungarian adószám: 8 digits (the 8th checks the first 7), VAT code, county. */
function adoszamOf(random: Random): string {
	const base = digits(random, 7);
	const weights = [9, 7, 3, 1, 9, 7, 3];
	const sum = weights.reduce((total, weight, i) => total + weight * Number(base[i]), 0);
	const check = (10 - (sum % 10)) % 10;
	return `${base}${check}-${1 + random.below(3)}-${String(2 + random.below(42)).padStart(2, '0')}`;
}

export function makeCompany(random: Random, index: number): BenchCompany {
	const origin: Origin = index % 4 < 2 ? 'ru' : index % 4 === 2 ? 'hu' : 'en';
	let shortName: string;
	let name: string;
	let taxId: string;
	if (origin === 'ru') {
		const city = random.pick(ruCities);
		shortName = `${random.pick(ruStems)}${random.pick(ruEnds)}${city ? `-${city}` : ''}`;
		name = `${random.pick(ruLegal)} «${shortName}»`;
		taxId = innOf(random);
	} else if (origin === 'hu') {
		shortName = random.next() < 0.3 ? `${random.pick(huSurnames)} és Társa` : `${random.pick(huStems)}${random.pick(huEnds)}`;
		name = `${shortName} ${random.pick(huLegal)}`;
		taxId = adoszamOf(random);
	} else {
		shortName = `${random.pick(enWords)} ${random.pick(enKinds)}`;
		name = `${shortName} ${random.pick(enLegal)}`;
		taxId = `${digits(random, 2)}-${digits(random, 7)}`;
	}
	const domain = `${latin(shortName).slice(0, 16)}${index}.${origin === 'en' ? 'com' : origin}`;
	return { origin, name, shortName, taxId, phones: [phoneOf(random, origin).stored], emails: [`info@${domain}`] };
}

const dealWords: Record<Origin, string[]> = {
	ru: ['годовая лицензия', 'пилотный проект', 'продление', '40 мест', 'внедрение CRM', 'поставка оборудования', 'обучение отдела продаж'],
	hu: ['éves licenc', 'pilot projekt', 'megújítás', '40 felhasználó', 'bevezetés'],
	en: ['annual licence', 'pilot project', 'renewal', '40 seats', 'warehouse rollout', 'training days']
};

export function dealTitleOf(random: Random, company: BenchCompany): string {
	return `${company.shortName}: ${random.pick(dealWords[company.origin])}`;
}

/** The word with one letter dropped or two swapped, as fast typing does it. */
export function withTypo(random: Random, word: string): string {
	if (word.length < 5) return word;
	const at = 1 + random.below(word.length - 3);
	return random.next() < 0.5 ? word.slice(0, at) + word.slice(at + 1) : word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2);
}
