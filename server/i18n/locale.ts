/**
 * The language of a request. The server speaks the same catalogue as the app
 * (messages/*.json, compiled into src/lib/paraglide) and never relies on the
 * runtime's global locale: every message it renders gets the locale passed in.
 */
import type { Context } from 'hono';
import { baseLocale, isLocale, locales, type Locale } from '../../src/lib/paraglide/runtime.js';

export { baseLocale, isLocale, locales, type Locale };

/**
 * The caller's language: the one saved in their account, else the first of
 * the request's Accept-Language tags the app speaks (the web app sends the
 * language it shows), else English.
 */
export function findLocale(c: Context, accountLocale?: string | null): Locale {
	if (accountLocale && isLocale(accountLocale)) return accountLocale;
	return negotiateLocale(c.req.header('accept-language'));
}

/** The best of our locales for an Accept-Language header, by its q-values. */
export function negotiateLocale(header: string | undefined): Locale {
	if (!header) return baseLocale;
	const ranked = header
		.split(',')
		.slice(0, 20)
		.map((part, index) => {
			const [tag = '', ...params] = part.trim().split(';');
			const q = Number(params.find((param) => param.trim().startsWith('q='))?.trim().slice(2) ?? '1');
			return { language: tag.trim().toLowerCase().split('-')[0] ?? '', q: Number.isFinite(q) ? q : 0, index };
		})
		.filter((entry) => entry.q > 0)
		.sort((a, b) => b.q - a.q || a.index - b.index);
	for (const { language } of ranked) if (isLocale(language)) return language;
	return baseLocale;
}
