import { eq } from 'drizzle-orm';
import webpush from 'web-push';
import type { Database } from '../db/client.js';
import { serverSettings } from '../db/schema.js';

export interface VapidKeys {
	publicKey: string;
	privateKey: string;
}

const settingKey = 'vapid';

/**
 * The installation's VAPID key pair, made the first time it is needed and
 * kept in the database: browsers' subscriptions are bound to the public key,
 * so it must survive restarts and be the same on every node. Two nodes
 * starting at once each offer a pair; the first insert wins and both read it.
 */
export async function ensureVapidKeys(db: Database): Promise<VapidKeys> {
	const existing = await readVapidKeys(db);
	if (existing) return existing;
	const offered = webpush.generateVAPIDKeys();
	await db.insert(serverSettings).values({ key: settingKey, value: { ...offered } }).onConflictDoNothing();
	const kept = await readVapidKeys(db);
	if (!kept) throw new Error('the VAPID keys were not stored');
	return kept;
}

async function readVapidKeys(db: Database): Promise<VapidKeys | null> {
	const [row] = await db.select({ value: serverSettings.value }).from(serverSettings).where(eq(serverSettings.key, settingKey));
	const value = row?.value;
	return typeof value?.publicKey === 'string' && typeof value.privateKey === 'string' ? { publicKey: value.publicKey, privateKey: value.privateKey } : null;
}
