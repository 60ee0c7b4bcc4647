import { and, desc, eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { singleFlight } from '../db/single-flight.js';
import { apiTokens, users } from '../db/schema.js';
import { generateId, generateSecret, hashSecret } from './tokens.js';
import { publicUserColumns } from './user.js';

// A prefix makes a leaked token recognisable to secret scanners and people.
const tokenPrefix = 'vrk_';

export async function createApiToken(db: Database, userId: string, name: string) {
	const token = tokenPrefix + generateSecret();
	const [row] = await db
		.insert(apiTokens)
		.values({ id: generateId(), userId, name: name.trim(), tokenHash: hashSecret(token) })
		.returning({ id: apiTokens.id, name: apiTokens.name, createdAt: apiTokens.createdAt });
	return { ...row!, token };
}

export function listApiTokens(db: Database, userId: string) {
	return db
		.select({ id: apiTokens.id, name: apiTokens.name, createdAt: apiTokens.createdAt, lastUsedAt: apiTokens.lastUsedAt })
		.from(apiTokens)
		.where(eq(apiTokens.userId, userId))
		.orderBy(desc(apiTokens.createdAt));
}

/**
 * Revoking deletes the row: the token stops working on the next request.
 * Answers the revoked token, or null when the user has none by that id.
 */
export async function revokeApiToken(db: Database, userId: string, tokenId: string): Promise<{ id: string; name: string } | null> {
	const [deleted] = await db
		.delete(apiTokens)
		.where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId)))
		.returning({ id: apiTokens.id, name: apiTokens.name });
	return deleted ?? null;
}

/** Who a token belongs to; concurrent checks of one token share a query (single-flight.ts). */
export const validateApiToken = singleFlight(readApiToken, (token) => token);

async function readApiToken(db: Database, token: string, now: Date) {
	if (!token.startsWith(tokenPrefix)) return null;
	const [row] = await db
		.select({ tokenId: apiTokens.id, lastUsedAt: apiTokens.lastUsedAt, user: publicUserColumns })
		.from(apiTokens)
		.innerJoin(users, eq(apiTokens.userId, users.id))
		.where(eq(apiTokens.tokenHash, hashSecret(token)));
	if (!row) return null;
	// Recording every use would write on every request; a minute's precision is enough.
	if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
		await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.tokenId));
	}
	return { tokenId: row.tokenId, user: row.user };
}

/** True while the token exists (it is deleted when revoked). */
export async function validateApiTokenById(db: Database, tokenId: string): Promise<boolean> {
	const [row] = await db.select({ id: apiTokens.id }).from(apiTokens).where(eq(apiTokens.id, tokenId));
	return row !== undefined;
}
