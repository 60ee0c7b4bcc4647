/** A piece of a rendered message: plain text, or the value of one of its parameters. */
export interface MessagePart {
	text: string;
	/** Set on a parameter's value, which the caller shows apart (in bold). */
	param?: string;
}

// A character no message and no user's text contains, around each parameter to find it again.
const mark = '\u0000';

/**
 * A message split around some of its parameters, so a sentence with bold words
 * ("Moved from **Lead** to **Won** by Ann") stays one message in the catalogue,
 * in the word order of each language. A plural's count is never set apart (its
 * variant is chosen by the value): give the message a second input to show it.
 */
export function messageParts<Inputs extends Record<string, unknown>>(
	message: (inputs: Inputs) => string,
	inputs: Inputs,
	apart: (keyof Inputs & string)[]
): MessagePart[] {
	const marked: Record<string, unknown> = { ...inputs };
	for (const name of apart) marked[name] = `${mark}${name}${mark}`;
	return message(marked as Inputs)
		.split(mark)
		.flatMap((piece, index): MessagePart[] => {
			if (index % 2 === 1) return [{ text: String(inputs[piece]), param: piece }];
			return piece ? [{ text: piece }] : [];
		});
}
