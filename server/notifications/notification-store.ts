import { and, count, desc, eq, isNull, lt, notInArray, or, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { memberships, notifications } from '../db/schema.js';
import { listHiddenKinds } from './preferences.js';

export type NotificationRow = typeof notifications.$inferSelect;

export interface NotificationPage {
	notifications: NotificationRow[];
	unreadCount: number;
	/** The cursor of the next (older) page, or null at the end. */
	next: string | null;
}

// A cursor names the last row shown: its time and id, since several rows may share a time.
function encodeCursor(row: NotificationRow): string {
	return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { at: Date; id: string } | null {
	const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
	const date = new Date(at ?? '');
	return id && !Number.isNaN(date.getTime()) ? { at: date, id } : null;
}

/**
 * The user's own notifications in one workspace, newest first. Kinds the user
 * turned off in the centre are stored (so a key still sends once) but not shown.
 */
export async function listNotifications(
	db: Database,
	scope: { workspaceId: string; userId: string },
	options: { unread?: boolean; before?: string | null; limit: number }
): Promise<NotificationPage> {
	const mine = await visibleTo(db, scope);
	const filters: SQL[] = [mine];
	if (options.unread) filters.push(isNull(notifications.readAt));
	const cursor = options.before ? decodeCursor(options.before) : null;
	if (cursor) {
		filters.push(or(lt(notifications.createdAt, cursor.at), and(eq(notifications.createdAt, cursor.at), lt(notifications.id, cursor.id)))!);
	}
	const rows = await db
		.select()
		.from(notifications)
		.where(and(...filters))
		.orderBy(desc(notifications.createdAt), desc(notifications.id))
		.limit(options.limit + 1);
	const page = rows.slice(0, options.limit);
	const [unread] = await db.select({ n: count() }).from(notifications).where(and(mine, isNull(notifications.readAt)));
	return { notifications: page, unreadCount: unread?.n ?? 0, next: rows.length > options.limit ? encodeCursor(page[page.length - 1]!) : null };
}

/** Marks one of the user's notifications read; false when they have none by that id. */
export async function markNotificationRead(db: Database, userId: string, notificationId: string, at: Date): Promise<boolean> {
	const [row] = await db
		.select({ id: notifications.id, readAt: notifications.readAt, workspaceId: notifications.workspaceId })
		.from(notifications)
		.innerJoin(memberships, and(eq(memberships.workspaceId, notifications.workspaceId), eq(memberships.userId, notifications.userId)))
		.where(and(eq(notifications.id, notificationId), eq(notifications.userId, userId)));
	if (!row) return false;
	if (!row.readAt) await db.update(notifications).set({ readAt: at }).where(eq(notifications.id, notificationId));
	return true;
}

/** Marks every unread notification of the user in the workspace read; answers how many. */
export async function markAllNotificationsRead(db: Database, scope: { workspaceId: string; userId: string }, at: Date): Promise<number> {
	const rows = await db
		.update(notifications)
		.set({ readAt: at })
		.where(and(eq(notifications.workspaceId, scope.workspaceId), eq(notifications.userId, scope.userId), isNull(notifications.readAt)))
		.returning({ id: notifications.id });
	return rows.length;
}

async function visibleTo(db: Database, scope: { workspaceId: string; userId: string }): Promise<SQL> {
	const hidden = await listHiddenKinds(db, scope.userId);
	const mine = and(eq(notifications.workspaceId, scope.workspaceId), eq(notifications.userId, scope.userId))!;
	return hidden.length > 0 ? and(mine, notInArray(notifications.kind, hidden))! : mine;
}
