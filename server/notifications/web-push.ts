import { eq } from 'drizzle-orm';
import webpush from 'web-push';
import type { Database } from '../db/client.js';
import { users } from '../db/schema.js';
import { describeNotification, linkOfNotification, nameNotificationKind } from '../../src/lib/notifications/notification-text.js';
import type { Locale } from '../i18n/locale.js';
import type { StoredNotification } from './notifier.js';
import { dropPushSubscription, listPushSubscriptions } from './push-subscriptions.js';
import { ensureVapidKeys, type VapidKeys } from './vapid.js';

/** What the service worker shows (src/service-worker.ts reads the same shape). */
export interface PushPayload {
	title: string;
	body: string;
	/** The app's path to open when the notification is clicked. */
	url: string;
	/** Replaces an earlier notification with the same tag on the device. */
	tag: string;
}

// A day: news older than that is not worth waking a phone for.
const ttlSeconds = 24 * 60 * 60;

/**
 * Web Push: sends a user's notifications to every device they subscribed.
 * The request is built by the `web-push` package (RFC 8291 encryption and
 * a VAPID signature) and sent with fetch, so the tests' local push service
 * may be plain http; the subscribe route decides which endpoints are allowed.
 */
export class WebPush {
	private keys: Promise<VapidKeys> | null = null;

	constructor(
		private readonly db: Database,
		/** Who runs the server, for push services to contact: an https URL or a mailto: address. */
		private readonly subject: string,
		/** Plain-http loopback endpoints are accepted (tests). */
		readonly allowLoopback: boolean
	) {}

	/** The VAPID key pair, read (or made) once per process. */
	vapidKeys(): Promise<VapidKeys> {
		this.keys ??= ensureVapidKeys(this.db).catch((error: unknown) => {
			this.keys = null;
			throw error;
		});
		return this.keys;
	}

	/** A NotificationDelivery (Notifier.addDelivery): the Notifier calls it only when the user allows push for the kind. */
	readonly deliver = async (notification: StoredNotification): Promise<void> => {
		const subscriptions = await listPushSubscriptions(this.db, notification.userId);
		if (subscriptions.length === 0) return;
		const [user] = await this.db.select({ locale: users.locale }).from(users).where(eq(users.id, notification.userId));
		const payload = JSON.stringify(composePush(notification, user?.locale ?? 'en'));
		const keys = await this.vapidKeys();
		for (const subscription of subscriptions) {
			const request = webpush.generateRequestDetails(
				{ endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
				payload,
				{ vapidDetails: { subject: this.subject, publicKey: keys.publicKey, privateKey: keys.privateKey }, TTL: ttlSeconds, contentEncoding: 'aes128gcm' }
			);
			const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => name.toLowerCase() !== 'content-length').map(([name, value]) => [name, String(value)]));
			const response = await fetch(request.endpoint, { method: 'POST', headers, body: request.body ? new Uint8Array(request.body) : null, signal: AbortSignal.timeout(10_000) }).catch(
				(error: unknown) => {
					console.error('push service unreachable', subscription.endpoint, error);
					return null;
				}
			);
			if (!response) continue;
			await response.body?.cancel();
			// The browser unsubscribed or the subscription expired: it will never work again.
			if (response.status === 404 || response.status === 410) await dropPushSubscription(this.db, subscription.id);
			else if (!response.ok) console.error('push service refused', subscription.endpoint, response.status);
		}
	};
}

/** The notification as the device shows it, in the user's language. */
export function composePush(notification: StoredNotification, locale: Locale): PushPayload {
	return {
		title: nameNotificationKind(notification.kind, locale),
		body: describeNotification(notification.kind, notification.params ?? {}, locale),
		url: linkOfNotification(notification.workspaceId, notification),
		tag: notification.id
	};
}
