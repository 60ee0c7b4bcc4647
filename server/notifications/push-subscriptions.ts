import { and, eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { pushSubscriptions } from '../db/schema.js';
import { generateId } from '../auth/tokens.js';

export interface PushSubscriptionInput {
	endpoint: string;
	p256dh: string;
	auth: string;
}

/**
 * Keeps a device's subscription for the user. A device belongs to whoever
 * subscribed it last: a shared browser that changes hands stops telling
 * the previous user's news.
 */
export async function savePushSubscription(db: Database, userId: string, input: PushSubscriptionInput): Promise<void> {
	await db
		.insert(pushSubscriptions)
		.values({ id: generateId(), userId, ...input })
		.onConflictDoUpdate({ target: pushSubscriptions.endpoint, set: { userId, p256dh: input.p256dh, auth: input.auth } });
}

/** Forgets one of the user's devices; false when they had none at that endpoint. */
export async function removePushSubscription(db: Database, userId: string, endpoint: string): Promise<boolean> {
	const rows = await db
		.delete(pushSubscriptions)
		.where(and(eq(pushSubscriptions.userId, userId), eq(pushSubscriptions.endpoint, endpoint)))
		.returning({ id: pushSubscriptions.id });
	return rows.length > 0;
}

export function listPushSubscriptions(db: Database, userId: string) {
	return db.select().from(pushSubscriptions).where(eq(pushSubscriptions.userId, userId));
}

/** The push service said the subscription is gone (404/410): it never comes back. */
export async function dropPushSubscription(db: Database, id: string): Promise<void> {
	await db.delete(pushSubscriptions).where(eq(pushSubscriptions.id, id));
}

/**
 * Push endpoints are the browsers' push services, always https. Plain http
 * is allowed only to this machine's loopback, and only when the app is
 * started so (the tests' local push service): otherwise a user could make
 * the server post to any address inside its network.
 */
export function isAllowedPushEndpoint(endpoint: string, allowLoopback: boolean): boolean {
	let url: URL;
	try {
		url = new URL(endpoint);
	} catch {
		return false;
	}
	if (url.protocol === 'https:') return true;
	return allowLoopback && url.protocol === 'http:' && ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname);
}
