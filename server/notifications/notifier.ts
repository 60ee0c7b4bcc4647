import { randomUUID } from 'node:crypto';
import type { Database } from '../db/client.js';
import { notifications, type NotificationKind } from '../db/schema.js';
import type { WorkspaceEvents } from '../live/workspace-events.js';
import { readNotificationPreference } from './preferences.js';

export interface NewNotification {
	workspaceId: string;
	userId: string;
	kind: NotificationKind;
	/** What the message names (deal title, who, when): worded in the reader's language when shown. */
	params?: Record<string, string | number | null>;
	dealId?: string | null;
	taskId?: string | null;
	contactId?: string | null;
	/** Sends it at most once per user: a job that runs twice, or on two nodes, notifies once. */
	key?: string;
	at?: Date;
}

export interface StoredNotification extends NewNotification {
	id: string;
}

/**
 * A way out besides the notification centre (Web Push), called only when the
 * user allows push for the kind; it may fail without losing the stored notification.
 */
export type NotificationDelivery = (notification: StoredNotification) => Promise<void>;

/**
 * Tells a user something: stores it in their notification centre, tells
 * their open clients on every node (the workspace's live channel), and hands
 * it to the other deliveries. Every automation notifies through here.
 */
export class Notifier {
	private readonly deliveries: NotificationDelivery[] = [];

	constructor(
		private readonly db: Database,
		private readonly events: WorkspaceEvents | undefined,
		private readonly now: () => Date
	) {}

	addDelivery(delivery: NotificationDelivery): void {
		this.deliveries.push(delivery);
	}

	/** Stores and sends the notification; null when its key was sent already. */
	async notify(notification: NewNotification): Promise<string | null> {
		const id = randomUUID();
		const [row] = await this.db
			.insert(notifications)
			.values({
				id,
				workspaceId: notification.workspaceId,
				userId: notification.userId,
				kind: notification.kind,
				params: notification.params ?? {},
				dealId: notification.dealId ?? null,
				taskId: notification.taskId ?? null,
				contactId: notification.contactId ?? null,
				key: notification.key ?? null,
				createdAt: notification.at ?? this.now()
			})
			.onConflictDoNothing()
			.returning({ id: notifications.id });
		if (!row) return null;
		// Stored whatever the user chose, so its key still sends it once; the
		// centre hides kinds turned off there, and their clients are not woken.
		const preference = await readNotificationPreference(this.db, notification.userId, notification.kind);
		if (preference.inApp) this.events?.publish(notification.workspaceId, { type: 'notification', userId: notification.userId });
		if (!preference.push) return id;
		for (const deliver of this.deliveries) {
			await deliver({ ...notification, id }).catch((error: unknown) => console.error('notification delivery failed', error));
		}
		return id;
	}
}
