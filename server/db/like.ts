/** Escapes LIKE's wildcards, so typed text is matched as written ("50%" is not "50 and anything"). */
export function escapeLike(text: string): string {
	return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
