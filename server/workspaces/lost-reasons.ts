import { asc, eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { lostReasons } from '../db/schema.js';
import { generateId } from '../auth/tokens.js';

export const defaultLostReasons = ['No budget', 'Chose a competitor', 'No response', 'Deal impossible'];

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
