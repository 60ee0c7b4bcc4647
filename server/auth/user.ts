import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { users, type User } from '../db/schema.js';
import { generateId } from './tokens.js';
import type { Locale } from '../i18n/locale.js';

export type PublicUser = Pick<User, 'id' | 'email' | 'name' | 'locale'>;

/** The columns of a user that the user and the API see: never the password hash. */
export const publicUserColumns = { id: users.id, email: users.email, name: users.name, locale: users.locale };

export function normaliseEmail(email: string): string {
	return email.trim().toLowerCase();
}

export async function getUserByEmail(db: Database, email: string): Promise<User | null> {
	const [user] = await db.select().from(users).where(eq(users.email, normaliseEmail(email)));
	return user ?? null;
}

export async function getUserById(db: Database, id: string): Promise<User | null> {
	const [user] = await db.select().from(users).where(eq(users.id, id));
	return user ?? null;
}

export async function insertUser(
	db: Database,
	input: { email: string; name: string; passwordHash: string }
): Promise<PublicUser> {
	const [user] = await db
		.insert(users)
		.values({ id: generateId(), email: normaliseEmail(input.email), name: input.name.trim(), passwordHash: input.passwordHash })
		.returning(publicUserColumns);
	return user!;
}

export async function updateUserProfile(
	db: Database,
	id: string,
	changes: { name?: string; locale?: Locale | null }
): Promise<PublicUser | null> {
	const [user] = await db
		.update(users)
		.set({ ...(changes.name !== undefined && { name: changes.name.trim() }), ...(changes.locale !== undefined && { locale: changes.locale }) })
		.where(eq(users.id, id))
		.returning(publicUserColumns);
	return user ?? null;
}

export async function updateUserPasswordHash(db: Database, id: string, passwordHash: string): Promise<void> {
	await db.update(users).set({ passwordHash }).where(eq(users.id, id));
}

export function toPublicUser(user: User | PublicUser): PublicUser {
	return { id: user.id, email: user.email, name: user.name, locale: user.locale };
}
