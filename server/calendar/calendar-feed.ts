import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { calendarFeeds, users } from '../db/schema.js';
import { generateSecret, hashSecret } from '../auth/tokens.js';
import { listOpenTasksOfUser } from '../deals/my-tasks.js';
import { listWorkspacesOfUser } from '../workspaces/workspace.js';
import type { Locale } from '../i18n/locale.js';
import { m } from '../../src/lib/paraglide/messages.js';
import { renderCalendar, type CalendarEvent } from './ical.js';

/** How long a task blocks in the calendar: tasks have a due time, not a length. */
const taskMinutes = 30;

/** Whether the user has a feed, and since when (its secret is never shown again). */
export async function getCalendarFeed(db: Database, userId: string): Promise<{ createdAt: Date } | null> {
	const [row] = await db.select({ createdAt: calendarFeeds.createdAt }).from(calendarFeeds).where(eq(calendarFeeds.userId, userId));
	return row ?? null;
}

/**
 * Makes the user's feed secret, replacing any earlier one: the old address
 * stops working with this statement. Only its SHA-256 is kept.
 */
export async function resetCalendarFeed(db: Database, userId: string, now: Date): Promise<string> {
	const secret = generateSecret();
	await db
		.insert(calendarFeeds)
		.values({ userId, secretHash: hashSecret(secret), createdAt: now })
		.onConflictDoUpdate({ target: calendarFeeds.userId, set: { secretHash: hashSecret(secret), createdAt: now } });
	return secret;
}

/**
 * The iCalendar text of the feed a secret opens, or null for an unknown
 * secret: the user's open tasks in every workspace they still belong to,
 * on the pipelines they may open, each linking to its deal.
 */
export async function renderCalendarFeed(db: Database, secret: string, options: { origin: string; now: Date }): Promise<string | null> {
	const [owner] = await db
		.select({ userId: calendarFeeds.userId, locale: users.locale })
		.from(calendarFeeds)
		.innerJoin(users, eq(users.id, calendarFeeds.userId))
		.where(eq(calendarFeeds.secretHash, hashSecret(secret)));
	if (!owner) return null;
	const locale: Locale = owner.locale ?? 'en';
	const events: CalendarEvent[] = [];
	for (const workspace of await listWorkspacesOfUser(db, owner.userId)) {
		const tasks = await listOpenTasksOfUser(db, { workspaceId: workspace.id, userId: owner.userId, role: workspace.role });
		for (const task of tasks) {
			const url = `${options.origin}/w/${encodeURIComponent(workspace.id)}/deals/${encodeURIComponent(task.dealId)}`;
			events.push({
				// Task ids are unique within their board only.
				uid: `${task.pipelineId}.${task.id}@voronka`,
				start: task.dueAt,
				minutes: taskMinutes,
				summary: task.title,
				description: `${m.calendar_event_deal({ deal: task.dealTitle }, { locale })}\n${url}`,
				url
			});
		}
	}
	return renderCalendar({ name: m.calendar_feed_name({}, { locale }), stamp: options.now, events });
}
