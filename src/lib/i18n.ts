/**
 * The app's language. Every string a user reads comes from the message
 * catalogue (messages/en.json and messages/ru.json, compiled by paraglide-js
 * into $lib/paraglide): `m.some_key({ count })` in a component. Plurals are
 * variants in the catalogue, chosen by Intl.PluralRules for the locale, so
 * Russian gets its one/few/many forms.
 *
 * The locale is fixed for a page's lifetime: changing it stores the choice
 * and reloads, so module-level Intl formatters may read it once.
 */
import { baseLocale, getLocale, isLocale, locales, localStorageKey, setLocale, type Locale } from '$lib/paraglide/runtime.js';

export { m } from '$lib/paraglide/messages.js';
export { getLocale, locales, type Locale };

/** Each language's own name, shown in the language picker in that language. */
export const localeNames: Record<Locale, string> = { en: 'English', ru: 'Русский' };

/**
 * Adopts the language saved in the user's account (null: follow the browser).
 * Reloads the page only when that changes the language on screen.
 */
export function adoptAccountLocale(saved: string | null | undefined): void {
	if (typeof localStorage === 'undefined') return;
	if (saved && isLocale(saved)) {
		if (saved !== getLocale()) setLocale(saved);
		return;
	}
	// The account follows the browser: forget a choice this device remembered.
	if (localStorage.getItem(localStorageKey) === null) return;
	localStorage.removeItem(localStorageKey);
	if (browserLocale() !== getLocale()) location.reload();
}

/** The first of the browser's languages the app speaks, else English. */
export function browserLocale(): Locale {
	for (const tag of navigator.languages ?? [navigator.language]) {
		const language = tag.toLowerCase().split('-')[0];
		if (language && isLocale(language)) return language;
	}
	return baseLocale;
}
