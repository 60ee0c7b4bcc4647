import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Deal } from '../../src/lib/model/schema.js';
import type { Database } from '../db/client.js';
import { auditEvents, dealsProjection, interactions, stageEvents, stagesProjection, tasksProjection, users, type DealRow } from '../db/schema.js';
import { generateId } from '../auth/tokens.js';

/**
 * Where a deal lives. Ids come from board documents, which clients write, so
 * an id is only unique within its pipeline: every read after the first lookup
 * names the workspace and the pipeline the caller was authorised for, never
 * the id alone, and rows of another board that reuse the id stay out.
 */
export interface DealScope {
	workspaceId: string;
	pipelineId: string;
}

/** Which pipeline a deal lives in, from the projection; the caller's access to it is checked next. */
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

/** The deal's stage history, newest first: from, to, who and when; stage names from its own pipeline. */
export async function listStageHistory(db: Database, scope: DealScope, dealId: string) {
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
		.leftJoin(fromStage, and(eq(fromStage.pipelineId, stageEvents.pipelineId), eq(fromStage.id, stageEvents.fromStageId)))
		.leftJoin(toStage, and(eq(toStage.pipelineId, stageEvents.pipelineId), eq(toStage.id, stageEvents.toStageId)))
		.leftJoin(users, eq(users.id, stageEvents.userId))
		.where(and(eq(stageEvents.pipelineId, scope.pipelineId), eq(stageEvents.dealId, dealId)))
		.orderBy(desc(stageEvents.at), desc(stageEvents.id));
}

export type InteractionKind = (typeof interactions.$inferInsert)['kind'];

/**
 * Logs a timeline entry. With a `clientId` (an idempotency key the client
 * chose, e.g. for a note queued offline) the entry takes it as its id, so a
 * retry of a request whose answer was lost finds the entry already there and
 * gets it back instead of a second copy. `replayed` is null when the key is
 * someone else's (another user, deal or workspace): the caller refuses.
 */
export async function addInteraction(
	db: Database,
	input: { workspaceId: string; dealId: string; kind: InteractionKind; text: string; at: Date; userId: string; clientId?: string }
) {
	const { clientId, ...fields } = input;
	const [row] = await db
		.insert(interactions)
		.values({ id: clientId ?? generateId(), ...fields })
		.onConflictDoNothing({ target: interactions.id })
		.returning();
	if (row) return { row, replayed: false as const };
	const [existing] = await db.select().from(interactions).where(eq(interactions.id, clientId!));
	const same = existing && existing.workspaceId === input.workspaceId && existing.dealId === input.dealId && existing.userId === input.userId;
	return same ? { row: existing, replayed: true as const } : null;
}

/** A deal's timeline, newest first, with the author's name. */
export function listInteractions(db: Database, scope: DealScope, dealId: string) {
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
		// Interactions carry no pipeline: a deal never leaves its pipeline, so its workspace scopes them.
		.where(and(eq(interactions.workspaceId, scope.workspaceId), eq(interactions.dealId, dealId)))
		.orderBy(desc(interactions.at), asc(interactions.id));
}

export async function getDealRow(db: Database, scope: DealScope, dealId: string) {
	const [row] = await db
		.select()
		.from(dealsProjection)
		.where(and(eq(dealsProjection.id, dealId), eq(dealsProjection.pipelineId, scope.pipelineId), eq(dealsProjection.workspaceId, scope.workspaceId)));
	return row ?? null;
}

/** Every task of a deal, open ones first, each group by due time. */
export function listDealTasks(db: Database, scope: DealScope, dealId: string) {
	return db
		.select()
		.from(tasksProjection)
		.where(and(eq(tasksProjection.pipelineId, scope.pipelineId), eq(tasksProjection.dealId, dealId)))
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
		source: row.source,
		status: row.status,
		lostReason: row.lostReason ?? undefined,
		lostNote: row.lostNote ?? undefined,
		expectedCloseDate: row.expectedCloseDate ?? undefined,
		fields: Object.keys(row.custom ?? {}).length > 0 ? row.custom : undefined,
		createdAt: row.createdAt.toISOString(),
		updatedAt: row.updatedAt.toISOString(),
		closedAt: row.closedAt?.toISOString()
	};
}

export async function markDealOnBoard(db: Database, scope: DealScope, dealId: string): Promise<void> {
	await db
		.update(dealsProjection)
		.set({ archivedAt: null })
		.where(and(eq(dealsProjection.id, dealId), eq(dealsProjection.pipelineId, scope.pipelineId)));
}

/** The moments of a deal's life besides its moves, from the audit log: kept as they happened, names as they were. */
export const dealHistoryActions = ['deal.owner_changed', 'deal.value_changed', 'deal.close_date_changed', 'deal.closed', 'deal.reopened', 'deal.deleted', 'deal.restored'] as const;

/**
 * A deal's history, newest first: owner handed over, value changed, closed
 * won or lost (with the reason), reopened, put in the trash and back. Rows
 * are the workspace's audit events about this deal on this board (deal ids
 * are unique only within a board, so the board is matched too).
 */
export function listDealHistory(db: Database, scope: DealScope, dealId: string) {
	return db
		.select({ action: auditEvents.action, at: auditEvents.at, userId: auditEvents.actorId, userName: users.name, detail: auditEvents.detail })
		.from(auditEvents)
		.leftJoin(users, eq(users.id, auditEvents.actorId))
		.where(
			and(
				eq(auditEvents.workspaceId, scope.workspaceId),
				eq(auditEvents.targetType, 'deal'),
				eq(auditEvents.targetId, dealId),
				inArray(auditEvents.action, [...dealHistoryActions]),
				sql`${auditEvents.detail}->>'pipelineId' = ${scope.pipelineId}`
			)
		)
		.orderBy(desc(auditEvents.at), desc(auditEvents.id))
		.limit(200);
}
