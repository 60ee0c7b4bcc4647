import { and, desc, eq, inArray, isNull, lt, or, type Column, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Database } from '../db/client.js';
import { dealsProjection, interactions, pipelines, recordEvents, stageEvents, stagesProjection, tasksProjection, users, type PartyKind } from '../db/schema.js';
import { dealColumnOf } from './deal-links.js';

/**
 * One line of a contact's or company's history. Everything the team did
 * with them lands here: interactions logged on them or on their deals, the
 * deals opened and moved, tasks completed, and what happened to the record
 * itself (created, merged, deleted, restored).
 */
export type TimelineEntry =
	| { type: 'interaction'; id: string; at: Date; userId: string | null; userName: string | null; kind: string; text: string; deal: DealRef | null }
	| { type: 'deal'; id: string; at: Date; userId: null; userName: null; deal: DealRef }
	| { type: 'stage'; id: string; at: Date; userId: string | null; userName: string | null; deal: DealRef; fromStage: string | null; toStage: string | null }
	| { type: 'task'; id: string; at: Date; userId: string | null; userName: string | null; deal: DealRef; taskType: string; title: string }
	| { type: 'record'; id: string; at: Date; userId: string | null; userName: string | null; action: string; detail: Record<string, unknown> | null };

export interface DealRef {
	id: string;
	title: string;
	pipelineId: string;
}

/** Which entries a source reads: older than the cursor, or exactly at one time (to finish a page). */
type TimeWindow = { before: Date | null } | { at: Date };

function inWindow(column: Column, window: TimeWindow): SQL | undefined {
	if ('at' in window) return eq(column, window.at);
	return window.before ? lt(column, window.before) : undefined;
}

export interface PartyRef {
	workspaceId: string;
	kind: PartyKind;
	id: string;
	/** The pipelines the caller may see: deals elsewhere stay out of the history. */
	visible: SQL | undefined;
}

async function readSources(db: Database, party: PartyRef, window: TimeWindow, limit: number): Promise<TimelineEntry[]> {
	const { workspaceId, kind, id } = party;
	const dealRows = await db
		.select({ id: dealsProjection.id, title: dealsProjection.title, pipelineId: dealsProjection.pipelineId, createdAt: dealsProjection.createdAt })
		.from(dealsProjection)
		.where(and(eq(dealsProjection.workspaceId, workspaceId), eq(dealColumnOf(kind), id), isNull(dealsProjection.deletedAt), party.visible ? inArray(dealsProjection.pipelineId, visiblePipelineIds(db, party)) : undefined));
	const deals = new Map(dealRows.map((deal) => [deal.id, { id: deal.id, title: deal.title, pipelineId: deal.pipelineId }]));
	const dealIds = [...deals.keys()];
	const partyColumn = kind === 'contact' ? interactions.contactId : interactions.companyId;

	const interactionRows = await db
		.select({ id: interactions.id, at: interactions.at, kind: interactions.kind, text: interactions.text, dealId: interactions.dealId, userId: interactions.userId, userName: users.name })
		.from(interactions)
		.leftJoin(users, eq(users.id, interactions.userId))
		.where(
			and(
				eq(interactions.workspaceId, workspaceId),
				dealIds.length > 0 ? or(eq(partyColumn, id), inArray(interactions.dealId, dealIds)) : eq(partyColumn, id),
				inWindow(interactions.at, window)
			)
		)
		.orderBy(desc(interactions.at))
		.limit(limit);
	const entries: TimelineEntry[] = interactionRows.map((row) => ({
		type: 'interaction',
		id: `interaction:${row.id}`,
		at: row.at,
		userId: row.userId,
		userName: row.userName,
		kind: row.kind,
		text: row.text,
		deal: row.dealId ? (deals.get(row.dealId) ?? null) : null
	}));

	const recordRows = await db
		.select({ id: recordEvents.id, at: recordEvents.at, action: recordEvents.action, detail: recordEvents.detail, userId: recordEvents.userId, userName: users.name })
		.from(recordEvents)
		.leftJoin(users, eq(users.id, recordEvents.userId))
		.where(and(eq(recordEvents.workspaceId, workspaceId), eq(recordEvents.subjectKind, kind), eq(recordEvents.subjectId, id), inWindow(recordEvents.at, window)))
		.orderBy(desc(recordEvents.at))
		.limit(limit);
	for (const row of recordRows) {
		entries.push({ type: 'record', id: `record:${row.id}`, at: row.at, userId: row.userId, userName: row.userName, action: row.action, detail: row.detail ?? null });
	}

	if (dealIds.length > 0) {
		for (const deal of dealRows) {
			if ('at' in window ? deal.createdAt.getTime() === window.at.getTime() : !window.before || deal.createdAt < window.before) {
				entries.push({ type: 'deal', id: `deal:${deal.id}`, at: deal.createdAt, userId: null, userName: null, deal: deals.get(deal.id)! });
			}
		}
		const toStage = alias(stagesProjection, 'to_stage');
		const fromStage = alias(stagesProjection, 'from_stage');
		const stageRows = await db
			.select({ id: stageEvents.id, at: stageEvents.at, dealId: stageEvents.dealId, fromStage: fromStage.name, toStage: toStage.name, fromStageId: stageEvents.fromStageId, userId: stageEvents.userId, userName: users.name })
			.from(stageEvents)
			.innerJoin(dealsProjection, and(eq(dealsProjection.id, stageEvents.dealId), eq(dealsProjection.pipelineId, stageEvents.pipelineId), eq(dealsProjection.workspaceId, workspaceId)))
			.leftJoin(toStage, and(eq(toStage.pipelineId, stageEvents.pipelineId), eq(toStage.id, stageEvents.toStageId)))
			.leftJoin(fromStage, and(eq(fromStage.pipelineId, stageEvents.pipelineId), eq(fromStage.id, stageEvents.fromStageId)))
			.leftJoin(users, eq(users.id, stageEvents.userId))
			.where(and(inArray(stageEvents.dealId, dealIds), inWindow(stageEvents.at, window)))
			.orderBy(desc(stageEvents.at))
			.limit(limit);
		for (const row of stageRows) {
			// The first entry is the deal being created, which has its own line.
			if (row.fromStageId === null) continue;
			entries.push({ type: 'stage', id: `stage:${row.id}`, at: row.at, userId: row.userId, userName: row.userName, deal: deals.get(row.dealId)!, fromStage: row.fromStage, toStage: row.toStage });
		}
		const taskRows = await db
			.select({ id: tasksProjection.id, at: tasksProjection.doneAt, dealId: tasksProjection.dealId, type: tasksProjection.type, title: tasksProjection.title, userId: tasksProjection.assigneeId, userName: users.name })
			.from(tasksProjection)
			.innerJoin(dealsProjection, and(eq(dealsProjection.id, tasksProjection.dealId), eq(dealsProjection.pipelineId, tasksProjection.pipelineId), eq(dealsProjection.workspaceId, workspaceId)))
			.leftJoin(users, eq(users.id, tasksProjection.assigneeId))
			.where(and(inArray(tasksProjection.dealId, dealIds), eq(tasksProjection.done, true), inWindow(tasksProjection.doneAt, window)))
			.orderBy(desc(tasksProjection.doneAt))
			.limit(limit);
		for (const row of taskRows) {
			if (!row.at) continue;
			entries.push({ type: 'task', id: `task:${row.id}`, at: row.at, userId: row.userId, userName: row.userName, deal: deals.get(row.dealId)!, taskType: row.type, title: row.title });
		}
	}
	return entries.sort((a, b) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? -1 : 1));
}

function visiblePipelineIds(db: Database, party: PartyRef) {
	return db.select({ id: pipelines.id }).from(pipelines).where(and(eq(pipelines.workspaceId, party.workspaceId), party.visible));
}

/**
 * A page of the history, newest first. The cursor is the time of the last
 * entry shown; a page never ends in the middle of entries sharing one time
 * (all of them are on it), so `before` loses and repeats nothing.
 */
export async function listPartyTimeline(db: Database, party: PartyRef, options: { before: Date | null; limit: number }) {
	// Each source reads one more than a page: when the merged list is longer
	// than a page, there is more; its newest `limit` are the newest of all.
	const entries = await readSources(db, party, { before: options.before }, options.limit + 1);
	if (entries.length <= options.limit) return { entries, next: null };
	const boundary = entries[options.limit - 1]!.at;
	const page = entries.filter((entry) => entry.at > boundary);
	const atBoundary = await readSources(db, party, { at: boundary }, 10_000);
	return { entries: [...page, ...atBoundary], next: boundary.toISOString() };
}
