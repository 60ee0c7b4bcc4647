import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { notificationKinds, notificationPreferences, type NotificationKind } from '../db/schema.js';

export interface NotificationPreference {
	kind: NotificationKind;
	inApp: boolean;
	push: boolean;
}

/** Every kind with the user's choice; a kind never chosen is on both ways. */
export async function listNotificationPreferences(db: Database, userId: string): Promise<NotificationPreference[]> {
	const rows = await db.select().from(notificationPreferences).where(eq(notificationPreferences.userId, userId));
	const chosen = new Map(rows.map((row) => [row.kind, row]));
	return notificationKinds.map((kind) => ({ kind, inApp: chosen.get(kind)?.inApp ?? true, push: chosen.get(kind)?.push ?? true }));
}

export async function readNotificationPreference(db: Database, userId: string, kind: NotificationKind): Promise<NotificationPreference> {
	const all = await listNotificationPreferences(db, userId);
	return all.find((preference) => preference.kind === kind)!;
}

/** Saves the choices given; kinds left out keep theirs. */
export async function saveNotificationPreferences(db: Database, userId: string, preferences: NotificationPreference[]): Promise<void> {
	if (preferences.length === 0) return;
	await db
		.insert(notificationPreferences)
		.values(preferences.map((preference) => ({ userId, ...preference })))
		.onConflictDoUpdate({
			target: [notificationPreferences.userId, notificationPreferences.kind],
			set: { inApp: sql`excluded.in_app`, push: sql`excluded.push` }
		});
}

/** The kinds a user turned off in the centre: hidden from their list and count. */
export async function listHiddenKinds(db: Database, userId: string): Promise<NotificationKind[]> {
	return (await listNotificationPreferences(db, userId)).filter((preference) => !preference.inApp).map((preference) => preference.kind);
}
