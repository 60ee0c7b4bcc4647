import { createRouter } from '../../http/router.js';
import { requireAuth, requireWorkspace } from '../../http/auth.js';
import { notFound, unprocessable } from '../../http/errors.js';
import { listNotifications, markAllNotificationsRead, markNotificationRead, type NotificationRow } from '../../notifications/notification-store.js';
import { listNotificationPreferences, saveNotificationPreferences } from '../../notifications/preferences.js';
import { isAllowedPushEndpoint, removePushSubscription, savePushSubscription } from '../../notifications/push-subscriptions.js';
import * as routes from './notifications.routes.js';
import { atPath, t } from '../../i18n/text.js';
import { m } from '../../../src/lib/paraglide/messages.js';

function toNotificationJson(row: NotificationRow) {
	return {
		id: row.id,
		kind: row.kind,
		params: row.params,
		dealId: row.dealId,
		taskId: row.taskId,
		contactId: row.contactId,
		createdAt: row.createdAt.toISOString(),
		readAt: row.readAt?.toISOString() ?? null
	};
}

const router = createRouter()
	.openapi(routes.listNotificationsRoute, async (c) => {
		const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId);
		const { user } = requireAuth(c);
		const query = c.req.valid('query');
		const page = await listNotifications(c.var.deps.db, { workspaceId: workspace.id, userId: user.id }, { unread: query.unread === 'true', before: query.before, limit: query.limit });
		return c.json({ notifications: page.notifications.map(toNotificationJson), unreadCount: page.unreadCount, next: page.next }, 200);
	})
	.openapi(routes.markNotificationReadRoute, async (c) => {
		const { user } = requireAuth(c);
		// Someone else's notification, or one of a workspace the caller left, answers like a missing one.
		if (!(await markNotificationRead(c.var.deps.db, user.id, c.req.valid('param').notificationId, c.var.deps.now()))) throw notFound(t(m.notify_error_not_found));
		return c.body(null, 204);
	})
	.openapi(routes.markAllNotificationsReadRoute, async (c) => {
		const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId);
		const { user } = requireAuth(c);
		const marked = await markAllNotificationsRead(c.var.deps.db, { workspaceId: workspace.id, userId: user.id }, c.var.deps.now());
		return c.json({ marked }, 200);
	})
	.openapi(routes.getPreferencesRoute, async (c) => {
		const { user } = requireAuth(c);
		return c.json({ preferences: await listNotificationPreferences(c.var.deps.db, user.id) }, 200);
	})
	.openapi(routes.putPreferencesRoute, async (c) => {
		const { user } = requireAuth(c);
		await saveNotificationPreferences(c.var.deps.db, user.id, c.req.valid('json').preferences);
		return c.json({ preferences: await listNotificationPreferences(c.var.deps.db, user.id) }, 200);
	})
	.openapi(routes.pushKeyRoute, async (c) => {
		requireAuth(c);
		const keys = await c.var.deps.push.vapidKeys();
		return c.json({ publicKey: keys.publicKey }, 200);
	})
	.openapi(routes.subscribePushRoute, async (c) => {
		const { user } = requireAuth(c);
		const body = c.req.valid('json');
		if (!isAllowedPushEndpoint(body.endpoint, c.var.deps.push.allowLoopback)) {
			const message = t(m.notify_error_endpoint);
			throw unprocessable('validation_failed', atPath('endpoint', message), [{ path: 'endpoint', message }]);
		}
		await savePushSubscription(c.var.deps.db, user.id, { endpoint: body.endpoint, p256dh: body.keys.p256dh, auth: body.keys.auth });
		return c.body(null, 204);
	})
	.openapi(routes.unsubscribePushRoute, async (c) => {
		const { user } = requireAuth(c);
		await removePushSubscription(c.var.deps.db, user.id, c.req.valid('query').endpoint);
		return c.body(null, 204);
	});

export default router;
