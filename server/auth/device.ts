import { and, eq, gt } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { loginDevices } from '../db/schema.js';
import { generateSecret, hashSecret } from './tokens.js';

const day = 24 * 60 * 60 * 1000;
/** A browser stays known this long after its last correct password. */
export const deviceLifetimeMs = 180 * day;

/**
 * The id of the browser's device token when it belongs to the user and is
 * still valid, else null. The id is also the key its login attempts count under.
 */
export async function findLoginDevice(db: Database, token: string | undefined, userId: string | undefined, now: Date): Promise<string | null> {
	if (!token || !userId) return null;
	const id = hashSecret(token);
	const [row] = await db
		.select({ id: loginDevices.id })
		.from(loginDevices)
		.where(and(eq(loginDevices.id, id), eq(loginDevices.userId, userId), gt(loginDevices.expiresAt, now)));
	return row?.id ?? null;
}

/** Remembers the browser for the user; returns the token for its cookie. */
export async function createLoginDevice(db: Database, userId: string, now: Date): Promise<{ token: string; expiresAt: Date }> {
	const token = generateSecret();
	const expiresAt = new Date(now.getTime() + deviceLifetimeMs);
	await db.insert(loginDevices).values({ id: hashSecret(token), userId, expiresAt });
	return { token, expiresAt };
}

export async function extendLoginDevice(db: Database, id: string, now: Date): Promise<Date> {
	const expiresAt = new Date(now.getTime() + deviceLifetimeMs);
	await db.update(loginDevices).set({ expiresAt }).where(eq(loginDevices.id, id));
	return expiresAt;
}

/** A new password: browsers that knew the old one are strangers again. */
export async function forgetLoginDevices(db: Database, userId: string): Promise<void> {
	await db.delete(loginDevices).where(eq(loginDevices.userId, userId));
}
