const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';

/**
 * A new entity id for the board document: 26 base32 characters (130 random
 * bits). crypto.randomUUID needs a secure context, which a LAN address over
 * plain HTTP is not; getRandomValues works everywhere.
 */
export function newId(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(26));
	let id = '';
	for (const byte of bytes) id += alphabet[byte & 31];
	return id;
}
