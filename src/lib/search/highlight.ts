/**
 * Which part of a result's text the typed query matched, so the search box
 * can mark it. The server also finds near misses (typos) and phones typed in
 * another format; the first have no exact part to mark, the second are
 * matched on digits, whatever punctuation sits between them.
 */
export interface TextPart {
	text: string;
	match: boolean;
}

/** The digits a typed phone query can appear as in a stored number: as typed, and without a national trunk prefix. */
function digitForms(query: string): string[] {
	if (!/^[\d\s()+.-]+$/.test(query.trim())) return [];
	const digits = query.replace(/\D/g, '');
	if (digits.length < 3) return [];
	const forms = [digits];
	if (/^[78]\d{3}/.test(digits)) forms.push(digits.slice(1));
	if (/^06\d{3}/.test(digits)) forms.push(digits.slice(2));
	return forms;
}

/** The [start, end) of the query's digits in the text, skipping spaces, dashes and brackets between them. */
function findDigits(text: string, digits: string): [number, number] | null {
	const positions: number[] = [];
	let only = '';
	for (let i = 0; i < text.length; i++) {
		if (/\d/.test(text[i]!)) {
			positions.push(i);
			only += text[i];
		}
	}
	const at = only.indexOf(digits);
	if (at < 0) return null;
	return [positions[at]!, positions[at + digits.length - 1]! + 1];
}

/** The [start, end) of the query, or of its longest word, in the text, ignoring case. */
function findWords(text: string, query: string): [number, number] | null {
	const lower = text.toLowerCase();
	const needle = query.trim().toLowerCase().replace(/\s+/g, ' ');
	const candidates = [needle, ...needle.split(' ').sort((a, b) => b.length - a.length)].filter((word) => word.length >= 2);
	for (const word of candidates) {
		const at = lower.indexOf(word);
		if (at >= 0) return [at, at + word.length];
	}
	return null;
}

/** Where the query matched in the text; null when it did not (a typo the server forgave). */
export function findMatch(text: string, query: string): [number, number] | null {
	for (const digits of digitForms(query)) {
		const found = findDigits(text, digits);
		if (found) return found;
	}
	return findWords(text, query);
}

/** The text cut into the matched part and the rest. */
export function highlightParts(text: string, query: string): TextPart[] {
	const found = findMatch(text, query);
	if (!found) return [{ text, match: false }];
	const [start, end] = found;
	return [
		{ text: text.slice(0, start), match: false },
		{ text: text.slice(start, end), match: true },
		{ text: text.slice(end), match: false }
	].filter((part) => part.text.length > 0);
}
