/**
 * Text for a person, rendered in their language when it is shown or sent.
 * The server's errors and the board's refusal reasons (model/validate.ts) are
 * `Text`: a plain string for what is not ours to translate (a user's own
 * stage name), or `t(m.key, inputs)`, a message rendered later for the
 * locale asked for. Nothing here reads the runtime's global locale.
 */
import type { Locale } from './paraglide/runtime.js';

export type Text = string | ((locale: Locale) => string);

type Message<Inputs> = (inputs: Inputs, options: { locale?: Locale }) => string;
/** A message's inputs, each of which may itself be a Text (a role's name), rendered in the same locale. */
type TextInputs<Inputs> = { [Key in keyof Inputs]: Inputs[Key] | Exclude<Text, string> };

/** `t(m.error_invite_not_found)` or `t(m.error_not_member, { name })`: a message, rendered later. */
export function t<Inputs extends object>(
	message: Message<Inputs>,
	...inputs: {} extends Inputs ? [TextInputs<Inputs>?] : [TextInputs<Inputs>]
): Text {
	const given = (inputs[0] ?? {}) as Record<string, unknown>;
	return (locale) => {
		const rendered: Record<string, unknown> = {};
		for (const [key, value] of Object.entries(given)) rendered[key] = typeof value === 'function' ? (value as (locale: Locale) => string)(locale) : value;
		return message(rendered as Inputs, { locale });
	};
}

export function renderText(text: Text, locale: Locale): string {
	return typeof text === 'string' ? text : text(locale);
}

/** "path: message", the API's way of naming the field a message is about. */
export function atPath(path: string, text: Text): Text {
	return (locale) => `${path}: ${renderText(text, locale)}`;
}
