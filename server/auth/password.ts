import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';

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

/** Says why a password is too weak, or null when it is fine. */
export function findPasswordWeakness(password: string, email?: string): string | null {
	if (password.length < minPasswordLength) {
		return `Use at least ${minPasswordLength} characters.`;
	}
	if (password.length > maxPasswordLength) {
		return `Use at most ${maxPasswordLength} characters.`;
	}
	const lowered = password.toLowerCase();
	if (commonPasswords.has(lowered) || /^(.)\1+$/.test(password)) {
		return 'This password is one of the most common ones; choose another.';
	}
	const localPart = email?.split('@')[0]?.toLowerCase();
	if (localPart && localPart.length >= 4 && lowered.includes(localPart)) {
		return 'Do not use your email address in the password.';
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
