import type { Context } from 'hono';
import { createRouter } from '../../http/router.js';
import { requireAuth } from '../../http/auth.js';
import { notFound } from '../../http/errors.js';
import type { AppEnv } from '../../http/context.js';
import { getCalendarFeed, renderCalendarFeed, resetCalendarFeed } from '../../calendar/calendar-feed.js';
import * as routes from './calendar.routes.js';
import { t } from '../../i18n/text.js';
import { m } from '../../../src/lib/paraglide/messages.js';

/** Links in the feed and the feed's own address: the configured public origin, else the one asked. */
function originOf(c: Context<AppEnv>): string {
	return c.var.deps.config.ORIGIN ?? new URL(c.req.url).origin;
}

const router = createRouter()
	.openapi(routes.getCalendarFeedRoute, async (c) => {
		const { user } = requireAuth(c);
		const feed = await getCalendarFeed(c.var.deps.db, user.id);
		return c.json({ active: feed !== null, createdAt: feed?.createdAt.toISOString() ?? null }, 200);
	})
	.openapi(routes.resetCalendarFeedRoute, async (c) => {
		const { user } = requireAuth(c);
		const now = c.var.deps.now();
		const secret = await resetCalendarFeed(c.var.deps.db, user.id, now);
		return c.json({ url: `${originOf(c)}/api/calendar/${secret}.ics`, createdAt: now.toISOString() }, 200);
	})
	.openapi(routes.calendarFeedRoute, async (c) => {
		const secret = c.req.valid('param').feed.replace(/\.ics$/, '');
		const text = await renderCalendarFeed(c.var.deps.db, secret, { origin: originOf(c), now: c.var.deps.now() });
		if (text === null) throw notFound(t(m.calendar_error_not_found));
		// Private to its owner: no shared cache may keep it, and it never names a referrer.
		return c.body(text, 200, { 'Content-Type': 'text/calendar; charset=utf-8', 'Cache-Control': 'private, no-store' });
	});

export default router;
