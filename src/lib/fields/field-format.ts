import { formatMoney } from '$lib/board/money';
import { formatDay } from '$lib/format';
import { getLocale, m } from '$lib/i18n';
import { isMoneyValue, type CustomFieldType } from '$lib/model';
import type { CustomField } from './fields-api';

const numberFormat = new Intl.NumberFormat(getLocale(), { maximumFractionDigits: 6 });

/**
 * A custom value as people read it, the same on the card, the lists and the
 * record's page: money and dates through the app's one formatter each,
 * choices by their labels, a person by name, a link by its host and path.
 * An empty string for no value (or one the field no longer knows).
 */
export function formatFieldValue(field: Pick<CustomField, 'type' | 'options'>, value: unknown, nameOf: (userId: string) => string | undefined = () => undefined): string {
	if (value === undefined || value === null) return '';
	switch (field.type) {
		case 'text':
			return typeof value === 'string' ? value : '';
		case 'number':
			return typeof value === 'number' ? numberFormat.format(value) : '';
		case 'money':
			return isMoneyValue(value) ? formatMoney(value.amountMinor, value.currency) : '';
		case 'date':
			return typeof value === 'string' ? formatDay(value) : '';
		case 'choice':
			return field.options.find((option) => option.id === value)?.label ?? '';
		case 'multi_choice':
			return Array.isArray(value)
				? value
						.map((id) => field.options.find((option) => option.id === id)?.label)
						.filter(Boolean)
						.join(', ')
				: '';
		case 'user':
			return typeof value === 'string' ? (nameOf(value) ?? '') : '';
		case 'link':
			return typeof value === 'string' ? shortLink(value) : '';
	}
}

function shortLink(url: string): string {
	try {
		const parsed = new URL(url);
		const path = parsed.pathname === '/' ? '' : parsed.pathname;
		return `${parsed.host}${path}`;
	} catch {
		return url;
	}
}

const typeLabels: Record<CustomFieldType, () => string> = {
	text: m.fields_type_text,
	number: m.fields_type_number,
	money: m.fields_type_money,
	date: m.fields_type_date,
	choice: m.fields_type_choice,
	multi_choice: m.fields_type_multi_choice,
	user: m.fields_type_user,
	link: m.fields_type_link
};

export function fieldTypeLabel(type: CustomFieldType): string {
	return typeLabels[type]();
}
