/**
 * Zod's messages in the reader's language. A schema's own message is written
 * `schemaMessage(m.error_name_empty)`: zod keeps the English text (what it
 * reported before, and what logs show), and the message is found again by
 * that text when the issue is answered. Zod's built-in messages are rendered
 * again with the locale's error map (zod ships English and Russian).
 */
import { z } from 'zod';
import type { Locale } from './paraglide/runtime.js';
import { renderText, type Text } from './text.js';

type Message<Inputs> = (inputs: Inputs, options: { locale?: Locale }) => string;

const known = new Map<string, Text>();
const zodLocales: Record<Locale, () => { localeError: z.core.$ZodErrorMap }> = { en: z.locales.en, ru: z.locales.ru };
const errorMaps = new Map<Locale, z.core.$ZodErrorMap>();

/** A schema's own message: its English text, remembered so it can be told in another language. */
export function schemaMessage<Inputs extends object>(message: Message<Inputs>, ...inputs: {} extends Inputs ? [Inputs?] : [Inputs]): string {
	const text: Text = (locale) => message((inputs[0] ?? {}) as Inputs, { locale });
	const english = renderText(text, 'en');
	known.set(english, text);
	return english;
}

/**
 * One issue's message in a locale. `input` is the value the issue is about
 * (zod drops it from finished issues; its Russian "received …" names its type).
 */
export function renderIssue(issue: z.core.$ZodIssue, locale: Locale, input?: unknown): string {
	if (locale === 'en') return issue.message;
	const ours = known.get(issue.message);
	if (ours) return renderText(ours, locale);
	let errorMap = errorMaps.get(locale);
	if (!errorMap) errorMaps.set(locale, (errorMap = zodLocales[locale]().localeError));
	const rendered = errorMap({ ...issue, input } as unknown as z.core.$ZodRawIssue);
	const message = typeof rendered === 'string' ? rendered : rendered?.message;
	return message ?? issue.message;
}

/** The value at an issue's path in what was parsed. */
export function valueAtPath(value: unknown, path: readonly PropertyKey[]): unknown {
	let current = value;
	for (const key of path) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<PropertyKey, unknown>)[key];
	}
	return current;
}
