import { getLocale } from '$lib/i18n';

/** Money is stored in minor units; how many depends on the currency (JPY has none). */
const digitsCache = new Map<string, number>();

export function fractionDigits(currency: string): number {
	let digits = digitsCache.get(currency);
	if (digits === undefined) {
		try {
			digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
		} catch {
			digits = 2;
		}
		digitsCache.set(currency, digits);
	}
	return digits;
}

const formats = new Map<string, Intl.NumberFormat>();

function formatFor(currency: string, compact: boolean): Intl.NumberFormat {
	const key = `${currency}:${compact}`;
	let format = formats.get(key);
	if (!format) {
		format = new Intl.NumberFormat(getLocale(), {
			style: 'currency',
			currency,
			notation: compact ? 'compact' : 'standard',
			maximumFractionDigits: compact ? 1 : 0
		});
		formats.set(key, format);
	}
	return format;
}

/** "€12,400" on a card; "€1.2M" in a column header (compact). */
export function formatMoney(valueMinor: number, currency: string, compact = false): string {
	const major = valueMinor / 10 ** fractionDigits(currency);
	try {
		return formatFor(currency, compact).format(major);
	} catch {
		return `${major.toLocaleString()} ${currency}`;
	}
}

/** A value as the history records it ("250000 RUB": minor units and currency), formatted; a dash for none. */
export function formatRecordedValue(value: unknown): string {
	const [minor, currency] = typeof value === 'string' ? value.split(' ') : [];
	const amount = Number(minor);
	return currency && Number.isFinite(amount) ? formatMoney(amount, currency) : '—';
}

/** Parses what a person types ("12 400,50", "1200.5") into minor units; null when it is not a number. */
export function parseMoney(text: string, currency: string): number | null {
	const cleaned = text.replace(/[\s\u00a0']/g, '').replace(/,(\d{1,2})$/, '.$1').replace(/,/g, '');
	if (cleaned === '') return 0;
	if (!/^\d+(\.\d+)?$/.test(cleaned)) return null;
	const minor = Math.round(Number(cleaned) * 10 ** fractionDigits(currency));
	return Number.isSafeInteger(minor) ? minor : null;
}

export interface CurrencyTotal {
	currency: string;
	count: number;
	valueMinor: number;
	weightedMinor: number;
}

/** Sums per currency, the currency with most deals first: amounts in different currencies are never added up. */
export function totalsByCurrency(deals: Iterable<{ valueMinor: number; currency: string }>, probability: number): CurrencyTotal[] {
	const totals = new Map<string, CurrencyTotal>();
	for (const deal of deals) {
		let total = totals.get(deal.currency);
		if (!total) {
			total = { currency: deal.currency, count: 0, valueMinor: 0, weightedMinor: 0 };
			totals.set(deal.currency, total);
		}
		total.count++;
		total.valueMinor += deal.valueMinor;
	}
	for (const total of totals.values()) total.weightedMinor = Math.round((total.valueMinor * probability) / 100);
	return [...totals.values()].sort((a, b) => b.count - a.count || a.currency.localeCompare(b.currency));
}
