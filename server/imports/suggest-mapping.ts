/**
 * The mapping the import screen starts from: each column whose header is a
 * name people (and amoCRM, Bitrix24, 1C, HubSpot, Excel templates) give the
 * field, in Russian or English, goes to that field. The person corrects the
 * rest; nothing is imported without their confirming it.
 */
import { importFields, type ImportEntity, type ImportMapping } from './import-mapping.js';

const headerNames: Record<ImportEntity, Record<string, string[]>> = {
	contacts: {
		name: ['имя', 'фио', 'name', 'full name', 'контакт', 'contact', 'полное имя', 'ф и о', 'contact name', 'имя контакта'],
		firstName: ['first name', 'firstname', 'given name', 'имя (только)', 'собственное имя'],
		lastName: ['last name', 'lastname', 'surname', 'family name', 'фамилия'],
		phone: ['телефон', 'phone', 'рабочий телефон', 'мобильный телефон', 'мобильный', 'mobile', 'mobile phone', 'work phone', 'тел', 'тел.', 'номер телефона', 'домашний телефон', 'другой телефон', 'phone number', 'сотовый'],
		email: ['email', 'e-mail', 'почта', 'эл. почта', 'электронная почта', 'рабочий email', 'рабочий e-mail', 'личный email', 'mail', 'email address', 'e-mail address', 'адрес почты'],
		company: ['компания', 'company', 'организация', 'organization', 'organisation', 'название компании', 'company name'],
		position: ['должность', 'position', 'job title', 'title', 'role'],
		address: ['адрес', 'address'],
		website: ['сайт', 'website', 'web', 'url', 'веб-сайт'],
		birthday: ['день рождения', 'дата рождения', 'birthday', 'date of birth', 'birth date'],
		segment: ['сегмент', 'segment', 'категория', 'category'],
		status: ['статус', 'status', 'тип контакта'],
		tags: ['теги', 'тэги', 'tags', 'метки', 'labels'],
		owner: ['ответственный', 'owner', 'менеджер', 'manager', 'responsible', 'ответственный (email)', 'owner email'],
		note: ['примечание', 'комментарий', 'note', 'notes', 'comment', 'комментарии', 'заметка', 'описание', 'description']
	},
	companies: {
		name: ['название', 'компания', 'company', 'name', 'наименование', 'организация', 'organization', 'organisation', 'название компании', 'company name'],
		taxId: ['инн', 'tax id', 'taxid', 'inn', 'vat', 'vat number', 'адószám', 'adószám', 'tax number'],
		phone: ['телефон', 'phone', 'рабочий телефон', 'тел', 'тел.', 'phone number', 'mobile'],
		email: ['email', 'e-mail', 'почта', 'эл. почта', 'электронная почта', 'mail'],
		address: ['адрес', 'address', 'юридический адрес', 'фактический адрес'],
		website: ['сайт', 'website', 'web', 'url', 'веб-сайт'],
		segment: ['сегмент', 'segment', 'отрасль', 'industry', 'категория', 'category'],
		status: ['статус', 'status'],
		tags: ['теги', 'тэги', 'tags', 'метки', 'labels'],
		owner: ['ответственный', 'owner', 'менеджер', 'manager', 'responsible']
	},
	deals: {
		title: ['название', 'сделка', 'название сделки', 'title', 'deal', 'deal name', 'deal title', 'name'],
		value: ['бюджет', 'сумма', 'value', 'amount', 'стоимость', 'budget', 'deal value', 'сумма сделки'],
		currency: ['валюта', 'currency'],
		stage: ['этап', 'стадия', 'stage', 'статус сделки', 'deal stage', 'этап сделки'],
		owner: ['ответственный', 'owner', 'менеджер', 'manager', 'responsible'],
		contact: ['контакт', 'contact', 'основной контакт', 'имя контакта', 'contact name', 'клиент', 'фио'],
		contactPhone: ['телефон', 'phone', 'телефон контакта', 'contact phone', 'рабочий телефон', 'мобильный телефон'],
		contactEmail: ['email', 'e-mail', 'почта', 'email контакта', 'contact email'],
		company: ['компания', 'company', 'организация', 'organization', 'компания контакта'],
		companyTaxId: ['инн', 'tax id', 'inn', 'инн компании'],
		source: ['источник', 'source', 'канал', 'channel'],
		createdAt: ['дата создания', 'создана', 'created', 'created at', 'date created', 'создано'],
		expectedCloseDate: ['дата закрытия', 'expected close date', 'close date', 'плановая дата закрытия']
	}
};

function headerKey(header: string): string {
	return header
		.toLowerCase()
		.replaceAll('ё', 'е')
		.replace(/[_*:]+/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
}

/** A field for each column with a known header name; other columns are left out (null). */
export function suggestMapping(entity: ImportEntity, columns: readonly string[]): ImportMapping {
	const names = headerNames[entity];
	const fields = importFields[entity];
	const used = new Set<string>();
	const mapping: ImportMapping = {};
	for (const column of columns) {
		const key = headerKey(column);
		// "Рабочий телефон (контакт)" and "Телефон 2" are still phones: try the text before a bracket or a number.
		const bare = key.replace(/\(.*\)|\d+$/g, '').trim();
		const field = fields.find((candidate) => {
			const known = names[candidate.key] ?? [];
			return (known.includes(key) || known.includes(bare)) && (candidate.multiple || !used.has(candidate.key));
		});
		mapping[column] = field?.key ?? null;
		if (field) used.add(field.key);
	}
	// "Имя" next to "Фамилия" is the first name, as amoCRM and Bitrix24 export them.
	if (entity === 'contacts' && used.has('lastName')) {
		for (const [column, key] of Object.entries(mapping)) if (key === 'name' && ['имя', 'name'].includes(headerKey(column))) mapping[column] = 'firstName';
	}
	return mapping;
}
