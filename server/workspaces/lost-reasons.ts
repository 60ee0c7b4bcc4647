import { asc, eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { lostReasons } from '../db/schema.js';
import { generateId } from '../auth/tokens.js';
import type { Locale } from '../i18n/locale.js';
import { m } from '../../src/lib/paraglide/messages.js';

/** The lost reasons a new workspace starts with, in its creator's language; then the workspace's own list. */
export function listDefaultLostReasons(locale: Locale): string[] {
	return [m.default_lost_reason_budget, m.default_lost_reason_competitor, m.default_lost_reason_no_response, m.default_lost_reason_impossible].map(
		(message) => message({}, { locale })
	);
}

export function listLostReasons(db: Database, workspaceId: string) {
	return db
		.select({ id: lostReasons.id, label: lostReasons.label })
		.from(lostReasons)
		.where(eq(lostReasons.workspaceId, workspaceId))
		.orderBy(asc(lostReasons.position));
}

/** Replaces the list; closed deals keep the reason text they were closed with. */
export async function replaceLostReasons(tx: Database, workspaceId: string, labels: string[]): Promise<void> {
	await tx.delete(lostReasons).where(eq(lostReasons.workspaceId, workspaceId));
	if (labels.length === 0) return;
	await tx.insert(lostReasons).values(labels.map((label, position) => ({ id: generateId(), workspaceId, label: label.trim(), position })));
}
