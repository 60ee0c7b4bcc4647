/** A piece of a translated sentence: plain text, or one of its inputs set off (a name in bold, a header as code). */
export interface Words {
	text: string;
	strong?: boolean;
	/** The input this piece shows, for an emphasised piece. */
	input?: string;
}

const marker = '\u0001';

/**
 * Renders a message whose string inputs stand out from the sentence around
 * them. Each language puts the inputs where its grammar wants them, so the
 * message is rendered with markers in place of the inputs and cut at them;
 * the inputs named in `plain` (and numbers) are left in the text as they are.
 */
export function emphasise<Inputs extends Record<string, unknown>>(
	message: (inputs: Inputs) => string,
	inputs: Inputs,
	plain: readonly (keyof Inputs & string)[] = []
): Words[] {
	const marked = Object.fromEntries(
		Object.entries(inputs).map(([key, value]) => [key, typeof value === 'string' && !plain.includes(key) ? `${marker}${key}${marker}` : value])
	) as Inputs;
	return message(marked)
		.split(marker)
		.map((text, index): Words => (index % 2 === 1 ? { text: String(inputs[text]), strong: true, input: text } : { text }))
		.filter((words) => words.text !== '');
}
