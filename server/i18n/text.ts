/**
 * Text the server sends a person, rendered in their language when it is sent.
 * An ApiError or a refusal carries a `Text`; the error handler renders it for
 * the request's locale. A plain string is for text that is not ours to
 * translate (a user's own stage name) or not yet in the catalogue.
 */
import type { Locale } from './locale.js';

export type Text = string | ((locale: Locale) => string);

type Message<Inputs> = (inputs: Inputs, options: { locale?: Locale }) => string;

/** `t(m.error_invite_not_found)` or `t(m.error_not_member, { name })`: a message, rendered later. */
export function t<Inputs extends object>(message: Message<Inputs>, ...inputs: {} extends Inputs ? [Inputs?] : [Inputs]): Text {
	return (locale) => message((inputs[0] ?? {}) as Inputs, { locale });
}

export function renderText(text: Text, locale: Locale): string {
	return typeof text === 'string' ? text : text(locale);
}
