import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { sessions, users, type User } from '../db/schema.js';
import { generateSecret, hashSecret } from './tokens.js';
import { publicUserColumns, type PublicUser } from './user.js';

const day = 24 * 60 * 60 * 1000;
export const sessionLifetimeMs = 30 * day;
// A session used in its second half is extended: active users never get logged out.
const renewWithinMs = 15 * day;

export interface SessionValidation {
	session: { id: string; userId: string; expiresAt: Date };
	user: PublicUser;
	/** True when the expiry moved and the cookie must be sent again. */
	renewed: boolean;
}

export async function createSession(db: Database, userId: string, now: Date) {
	const token = generateSecret();
	const session = { id: hashSecret(token), userId, expiresAt: new Date(now.getTime() + sessionLifetimeMs) };
	await db.insert(sessions).values(session);
	return { token, session };
}

export async function validateSessionToken(
	db: Database,
	token: string,
	now: Date
): Promise<SessionValidation | null> {
	const sessionId = hashSecret(token);
	const [row] = await db
		.select({ session: sessions, user: publicUserColumns })
		.from(sessions)
		.innerJoin(users, eq(sessions.userId, users.id))
		.where(eq(sessions.id, sessionId));
	if (!row) return null;
	const { session, user } = row;
	if (now.getTime() >= session.expiresAt.getTime()) {
		await db.delete(sessions).where(eq(sessions.id, sessionId));
		return null;
	}
	if (session.expiresAt.getTime() - now.getTime() >= renewWithinMs) {
		return { session, user, renewed: false };
	}
	const expiresAt = new Date(now.getTime() + sessionLifetimeMs);
	await db.update(sessions).set({ expiresAt }).where(eq(sessions.id, sessionId));
	return { session: { ...session, expiresAt }, user, renewed: true };
}

export async function invalidateSession(db: Database, sessionId: string): Promise<void> {
	await db.delete(sessions).where(eq(sessions.id, sessionId));
}

export async function invalidateUserSessions(db: Database, userId: string): Promise<void> {
	await db.delete(sessions).where(eq(sessions.userId, userId));
}

/** True while the session exists and has not expired (live connections re-check with it). */
export async function findSessionById(db: Database, sessionId: string, now: Date): Promise<boolean> {
	const [row] = await db.select({ expiresAt: sessions.expiresAt }).from(sessions).where(eq(sessions.id, sessionId));
	return row !== undefined && row.expiresAt.getTime() > now.getTime();
}
