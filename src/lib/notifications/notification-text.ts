/**
 * How a notification reads, from its kind and params, in the reader's
 * language. The centre (browser) and Web Push (server) both word it here,
 * so a notification says the same on the phone's lock screen and in the app.
 *
 * Params the notifiers set: `title` (the deal's or task's title), `by` (who
 * acted; absent when the automation did), `excerpt` (a mention's text).
 */
import { m } from '../paraglide/messages.js';
import type { Locale } from '../paraglide/runtime.js';

export const notificationKinds = [
	'lead_assigned',
	'task_assigned',
	'task_due_soon',
	'task_overdue',
	'task_escalated',
	'deal_reassigned',
	'mention',
	'customer_at_risk'
] as const;
export type NotificationKind = (typeof notificationKinds)[number];

export type NotificationParams = Record<string, string | number | null | undefined>;

const text = (value: unknown) => (value === null || value === undefined ? '' : String(value));

/** The one-line message of a notification. */
export function describeNotification(kind: NotificationKind, params: NotificationParams, locale: Locale): string {
	const options = { locale };
	const title = text(params.title);
	// Who acted: a person's name, or the automation when nobody did.
	const by = params.by ? text(params.by) : m.notify_automation({}, options);
	switch (kind) {
		case 'lead_assigned':
			return m.notify_text_lead_assigned({ title }, options);
		case 'task_assigned':
			return m.notify_text_task_assigned({ by, title }, options);
		case 'task_due_soon':
			return m.notify_text_task_due_soon({ title }, options);
		case 'task_overdue':
			return m.notify_text_task_overdue({ title }, options);
		case 'task_escalated':
			return m.notify_text_task_escalated({ by: params.by ? by : m.notify_someone({}, options), title }, options);
		case 'deal_reassigned':
			return m.notify_text_deal_reassigned({ by, title }, options);
		case 'mention':
			return m.notify_text_mention({ by: params.by ? by : m.notify_someone({}, options), excerpt: text(params.excerpt) }, options);
		case 'customer_at_risk':
			return m.notify_text_customer_at_risk({ title }, options);
	}
}

/** The kind's name: a push notification's title and a preference's label. */
export function nameNotificationKind(kind: NotificationKind, locale: Locale): string {
	const options = { locale };
	switch (kind) {
		case 'lead_assigned':
			return m.notify_kind_lead_assigned({}, options);
		case 'task_assigned':
			return m.notify_kind_task_assigned({}, options);
		case 'task_due_soon':
			return m.notify_kind_task_due_soon({}, options);
		case 'task_overdue':
			return m.notify_kind_task_overdue({}, options);
		case 'task_escalated':
			return m.notify_kind_task_escalated({}, options);
		case 'deal_reassigned':
			return m.notify_kind_deal_reassigned({}, options);
		case 'mention':
			return m.notify_kind_mention({}, options);
		case 'customer_at_risk':
			return m.notify_kind_customer_at_risk({}, options);
	}
}

/** Where a notification leads: its deal, else its contact, else the workspace's tasks. */
export function linkOfNotification(workspaceId: string, target: { dealId?: string | null; contactId?: string | null; taskId?: string | null }): string {
	const base = `/w/${encodeURIComponent(workspaceId)}`;
	if (target.dealId) return `${base}/deals/${encodeURIComponent(target.dealId)}`;
	if (target.contactId) return `${base}/contacts/${encodeURIComponent(target.contactId)}`;
	return `${base}/tasks`;
}
