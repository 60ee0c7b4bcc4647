import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';
import { type Text, t } from '../i18n/text.js';
import { m } from '../../src/lib/paraglide/messages.js';

export const minPasswordLength = 10;
export const maxPasswordLength = 200;

// OWASP's argon2id minimum: 19 MiB, two passes, one lane.
const argon2Options = { memoryCost: 19456, timeCost: 2, outputLen: 32, parallelism: 1 };

// The most common passwords of public breach lists, as zxcvbn ranks them.
const commonPasswords = new Set(dictionary['passwords-common'].map((word) => word.toLowerCase()));

export function hashPassword(password: string): Promise<string> {
	return hash(password, argon2Options);
}

export async function verifyPasswordHash(passwordHash: string, password: string): Promise<boolean> {
	try {
		return await verify(passwordHash, password);
	} catch {
		return false;
	}
}

/** Says why a password is too weak (rendered in the caller's language), or null when it is fine. */
export function findPasswordWeakness(password: string, email?: string): Text | null {
	if (password.length < minPasswordLength) {
		return t(m.error_password_too_short, { count: minPasswordLength });
	}
	if (password.length > maxPasswordLength) {
		return t(m.error_at_most_characters, { count: maxPasswordLength });
	}
	const lowered = password.toLowerCase();
	if (commonPasswords.has(lowered) || /^(.)\1+$/.test(password)) {
		return t(m.error_password_common);
	}
	const localPart = email?.split('@')[0]?.toLowerCase();
	if (localPart && localPart.length >= 4 && lowered.includes(localPart)) {
		return t(m.error_password_has_email);
	}
	return null;
}

// Verifying against a real hash for unknown emails keeps the answer time the
// same as for a wrong password, so timing does not reveal who has an account.
let dummyHash: Promise<string> | null = null;
export async function spendPasswordCheckTime(password: string): Promise<void> {
	dummyHash ??= hashPassword('voronka-timing-equaliser');
	await verifyPasswordHash(await dummyHash, password);
}
