import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { negotiateLocale } from '../../server/i18n/locale.js';
import { t, renderText } from '../../server/i18n/text.js';
import { m } from '../../src/lib/paraglide/messages.js';

type Catalogue = Record<string, unknown>;
const catalogue = (locale: string): Catalogue => JSON.parse(readFileSync(`messages/${locale}.json`, 'utf8'));

describe('choosing the language of a request', () => {
	it('takes the best-ranked language it speaks from Accept-Language', () => {
		expect(negotiateLocale(undefined)).toBe('en');
		expect(negotiateLocale('')).toBe('en');
		expect(negotiateLocale('ru-RU,ru;q=0.9,en-US;q=0.8')).toBe('ru');
		expect(negotiateLocale('hu-HU, en;q=0.7, ru;q=0.3')).toBe('en');
		expect(negotiateLocale('en;q=0.2, ru;q=0.9')).toBe('ru');
		expect(negotiateLocale('ru;q=0, de')).toBe('en');
		expect(negotiateLocale('*')).toBe('en');
		expect(negotiateLocale(';;;,,q=oops')).toBe('en');
	});
});

describe('the message catalogue', () => {
	const en = catalogue('en');
	const ru = catalogue('ru');

	it('has every message in both languages', () => {
		expect(Object.keys(ru).sort()).toEqual(Object.keys(en).sort());
		for (const [key, value] of Object.entries(ru)) expect(value, key).not.toBe('');
	});

	it('gives Russian plurals their one, few and many forms', () => {
		for (const [key, value] of Object.entries(ru)) {
			if (!Array.isArray(value)) continue;
			const cases = Object.keys((value[0] as { match: Record<string, string> }).match).join(' ');
			if (cases.includes('=one')) expect(cases, key).toMatch(/=few.*=many|=many.*=few/);
		}
	});

	it('renders server text later, in the locale asked for', () => {
		const text = t(m.error_no_route, { method: 'GET', path: '/x' });
		expect(renderText(text, 'en')).toBe('No route for GET /x.');
		expect(renderText(text, 'ru')).toBe('Нет маршрута GET /x.');
		expect(renderText('A user’s own words', 'ru')).toBe('A user’s own words');
	});
});
