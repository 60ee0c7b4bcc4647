import { and, desc, eq, isNotNull, isNull, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { readDeal, updateDeal } from '../../src/lib/model/index.js';
import type { Database } from '../db/client.js';
import { dealsProjection, pipelines, stagesProjection, users, type PartyKind } from '../db/schema.js';
import type { RoomManager } from '../sync/rooms.js';
import type { Writer } from '../board/writer.js';

/** The deals column that points at a party of this kind. */
export function dealColumnOf(kind: PartyKind) {
	return kind === 'contact' ? dealsProjection.contactId : dealsProjection.companyId;
}

/**
 * A contact's or company's deals in the pipelines the caller may see
 * (`visible`, the pipelines condition of canSeePipeline), newest first.
 */
export function listPartyDeals(db: Database, workspaceId: string, kind: PartyKind, id: string, visible: SQL | undefined) {
	const stage = alias(stagesProjection, 'stage');
	return db
		.select({
			id: dealsProjection.id,
			pipelineId: dealsProjection.pipelineId,
			pipelineName: pipelines.name,
			title: dealsProjection.title,
			valueMinor: dealsProjection.valueMinor,
			currency: dealsProjection.currency,
			stageId: dealsProjection.stageId,
			stageName: stage.name,
			status: dealsProjection.status,
			ownerId: dealsProjection.ownerId,
			ownerName: users.name,
			createdAt: dealsProjection.createdAt,
			closedAt: dealsProjection.closedAt
		})
		.from(dealsProjection)
		.innerJoin(pipelines, and(eq(pipelines.id, dealsProjection.pipelineId), eq(pipelines.workspaceId, workspaceId)))
		.leftJoin(stage, and(eq(stage.pipelineId, dealsProjection.pipelineId), eq(stage.id, dealsProjection.stageId)))
		.leftJoin(users, eq(users.id, dealsProjection.ownerId))
		.where(and(eq(dealsProjection.workspaceId, workspaceId), eq(dealColumnOf(kind), id), isNull(dealsProjection.deletedAt), visible))
		.orderBy(desc(dealsProjection.createdAt))
		.limit(200);
}

/**
 * Points every deal of `fromId` at `toId` (a merge). Deals on a live board
 * change through the board, as every writer does, so open boards show it
 * and the projection follows; deals archived off the boards live only in
 * the projection and change there.
 */
export async function repointPartyDeals(
	db: Database,
	rooms: RoomManager,
	scope: { workspaceId: string; kind: PartyKind },
	fromId: string,
	toId: string,
	writer: Writer,
	at: Date
): Promise<number> {
	await rooms.projectPending(new Set([scope.workspaceId]));
	const column = dealColumnOf(scope.kind);
	const where = and(eq(dealsProjection.workspaceId, scope.workspaceId), eq(column, fromId));
	const live = await db
		.select({ id: dealsProjection.id, pipelineId: dealsProjection.pipelineId })
		.from(dealsProjection)
		.where(and(where, isNull(dealsProjection.archivedAt)));
	const byPipeline = new Map<string, typeof live>();
	for (const deal of live) byPipeline.set(deal.pipelineId, [...(byPipeline.get(deal.pipelineId) ?? []), deal]);
	const field = scope.kind === 'contact' ? 'contactId' : 'companyId';
	const clock = { now: () => at.toISOString() };
	for (const [pipelineId, deals] of byPipeline) {
		await rooms.withRoom(pipelineId, (room) =>
			room.change(writer, (doc) => {
				for (const deal of deals) if (readDeal(doc, deal.id)?.[field] === fromId) updateDeal(doc, deal.id, { [field]: toId }, clock);
			})
		);
	}
	const archived = await db
		.update(dealsProjection)
		.set(scope.kind === 'contact' ? { contactId: toId } : { companyId: toId })
		.where(and(where, isNotNull(dealsProjection.archivedAt)))
		.returning({ id: dealsProjection.id });
	return live.length + archived.length;
}
