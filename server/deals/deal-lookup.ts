import { asc, desc, eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Deal } from '../../src/lib/model/schema.js';
import type { Database } from '../db/client.js';
import { dealsProjection, interactions, stageEvents, stagesProjection, tasksProjection, users, type DealRow } from '../db/schema.js';
import { generateId } from '../auth/tokens.js';

/** Which pipeline a deal lives in, from the projection. */
export async function findDealPipeline(db: Database, dealId: string): Promise<string | null> {
	const [row] = await db.select({ pipelineId: dealsProjection.pipelineId }).from(dealsProjection).where(eq(dealsProjection.id, dealId));
	return row?.pipelineId ?? null;
}

export async function findTaskPipeline(db: Database, taskId: string): Promise<{ pipelineId: string; dealId: string } | null> {
	const [row] = await db
		.select({ pipelineId: tasksProjection.pipelineId, dealId: tasksProjection.dealId })
		.from(tasksProjection)
		.where(eq(tasksProjection.id, taskId));
	return row ?? null;
}

/** The deal's stage history, newest first: from, to, who and when. */
export async function listStageHistory(db: Database, dealId: string) {
	const fromStage = alias(stagesProjection, 'from_stage');
	const toStage = alias(stagesProjection, 'to_stage');
	return db
		.select({
			fromStageId: stageEvents.fromStageId,
			fromStage: fromStage.name,
			toStageId: stageEvents.toStageId,
			toStage: toStage.name,
			userId: stageEvents.userId,
			userName: users.name,
			at: stageEvents.at
		})
		.from(stageEvents)
		.leftJoin(fromStage, eq(fromStage.id, stageEvents.fromStageId))
		.leftJoin(toStage, eq(toStage.id, stageEvents.toStageId))
		.leftJoin(users, eq(users.id, stageEvents.userId))
		.where(eq(stageEvents.dealId, dealId))
		.orderBy(desc(stageEvents.at), desc(stageEvents.id));
}

export type InteractionKind = (typeof interactions.$inferInsert)['kind'];

export async function addInteraction(
	db: Database,
	input: { workspaceId: string; dealId: string; kind: InteractionKind; text: string; at: Date; userId: string }
) {
	const [row] = await db
		.insert(interactions)
		.values({ id: generateId(), ...input })
		.returning();
	return row!;
}

/** A deal's timeline, newest first, with the author's name. */
export function listInteractions(db: Database, dealId: string) {
	return db
		.select({
			id: interactions.id,
			kind: interactions.kind,
			text: interactions.text,
			at: interactions.at,
			userId: interactions.userId,
			userName: users.name
		})
		.from(interactions)
		.leftJoin(users, eq(users.id, interactions.userId))
		.where(eq(interactions.dealId, dealId))
		.orderBy(desc(interactions.at), asc(interactions.id));
}

export async function getDealRow(db: Database, dealId: string) {
	const [row] = await db.select().from(dealsProjection).where(eq(dealsProjection.id, dealId));
	return row ?? null;
}

/** Every task of a deal, open ones first, each group by due time. */
export function listDealTasks(db: Database, dealId: string) {
	return db
		.select()
		.from(tasksProjection)
		.where(eq(tasksProjection.dealId, dealId))
		.orderBy(asc(tasksProjection.done), asc(tasksProjection.dueAt));
}

/** The board fields of a deal from its projection row, to put it back on the board. */
export function toBoardDeal(row: DealRow): Deal {
	return {
		id: row.id,
		title: row.title,
		valueMinor: row.valueMinor,
		currency: row.currency,
		stageId: row.stageId,
		rank: row.rank,
		ownerId: row.ownerId,
		contactId: row.contactId ?? undefined,
		companyId: row.companyId ?? undefined,
		source: row.source as Deal['source'],
		status: row.status as Deal['status'],
		lostReason: row.lostReason ?? undefined,
		lostNote: row.lostNote ?? undefined,
		createdAt: row.createdAt.toISOString(),
		updatedAt: row.updatedAt.toISOString(),
		closedAt: row.closedAt?.toISOString()
	};
}

export async function markDealOnBoard(db: Database, dealId: string): Promise<void> {
	await db.update(dealsProjection).set({ archivedAt: null }).where(eq(dealsProjection.id, dealId));
}
