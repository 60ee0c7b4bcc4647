import { and, asc, eq, ilike, inArray, or, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { dealsProjection, tasksProjection, type DealRow } from '../db/schema.js';

export interface DealFilters {
	stageId?: string;
	ownerId?: string;
	status?: 'open' | 'won' | 'lost';
	search?: string;
	limit: number;
	offset: number;
}

export interface DealWithNextTask extends DealRow {
	nextTask: { id: string; title: string; type: string; dueAt: Date } | null;
}

function escapeLike(text: string): string {
	return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** Deals of a pipeline from the projection, board order within each stage. */
export async function listPipelineDeals(db: Database, pipelineId: string, filters: DealFilters): Promise<DealWithNextTask[]> {
	const conditions: SQL[] = [eq(dealsProjection.pipelineId, pipelineId)];
	if (filters.stageId) conditions.push(eq(dealsProjection.stageId, filters.stageId));
	if (filters.ownerId) conditions.push(eq(dealsProjection.ownerId, filters.ownerId));
	if (filters.status) conditions.push(eq(dealsProjection.status, filters.status));
	if (filters.search) {
		const pattern = `%${escapeLike(filters.search)}%`;
		conditions.push(or(ilike(dealsProjection.title, pattern))!);
	}
	const deals = await db
		.select()
		.from(dealsProjection)
		.where(and(...conditions))
		.orderBy(asc(dealsProjection.stageId), asc(dealsProjection.rank), asc(dealsProjection.id))
		.limit(filters.limit)
		.offset(filters.offset);
	if (deals.length === 0) return [];
	const tasks = await db
		.select({ id: tasksProjection.id, dealId: tasksProjection.dealId, title: tasksProjection.title, type: tasksProjection.type, dueAt: tasksProjection.dueAt })
		.from(tasksProjection)
		.where(and(inArray(tasksProjection.dealId, deals.map((deal) => deal.id)), eq(tasksProjection.done, false)))
		.orderBy(asc(tasksProjection.dueAt));
	const next = new Map<string, DealWithNextTask['nextTask']>();
	for (const { dealId, ...task } of tasks) if (!next.has(dealId)) next.set(dealId, task);
	return deals.map((deal) => ({ ...deal, nextTask: next.get(deal.id) ?? null }));
}
