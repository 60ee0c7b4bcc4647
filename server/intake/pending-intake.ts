import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../db/client.js';
import { automationLog, companies, contacts, dealsProjection, interactions, recordEvents } from '../db/schema.js';
import { createDeal } from '../../src/lib/model/commands.js';
import { boardMaps, listStages } from '../../src/lib/model/board.js';
import { dealSources, taskTypes } from '../../src/lib/model/schema.js';
import type { Notifier } from '../notifications/notifier.js';
import type { RoomManager } from '../sync/rooms.js';
import type { Writer } from '../board/writer.js';

/**
 * An intake between its database rows and its deal on the board. The rows
 * (contact, company, interaction) and a 'pending' log entry are written in one
 * transaction; the entry's detail is this plan: everything needed to put the
 * deal on the board with the ids chosen up front. Whoever finishes the intake
 * (the request itself, or the recovery job after a crash) does it with these
 * functions, so both write the same deal, task and notification, once.
 */
export const intakePlanSchema = z.object({
	title: z.string(),
	pipelineId: z.string(),
	/** The form's stage; the board's first open stage when that one is closed or gone by then. */
	stageId: z.string(),
	ownerId: z.string(),
	/** Why this owner (round robin, fewest open, nobody available...): shown in the log. */
	routing: z.string(),
	contactMatched: z.boolean(),
	companyId: z.string().nullable(),
	dueAt: z.string(),
	currency: z.string(),
	dealSource: z.enum(dealSources),
	taskType: z.enum(taskTypes),
	taskTitle: z.string(),
	/** The form's or webhook's name when the request came in, for the owner's notification. */
	sourceName: z.string(),
	interactionId: z.string(),
	/** The contact and company this request created (null: a known one was linked), which an undo takes back. */
	createdContactId: z.string().nullable(),
	createdCompanyId: z.string().nullable()
});
export type IntakePlan = z.infer<typeof intakePlanSchema>;

/** A pending intake as its log entry holds it (`readPendingIntake`). */
export interface PendingIntake {
	workspaceId: string;
	/** The form or webhook. */
	sourceId: string;
	dealId: string;
	taskId: string;
	contactId: string;
	/** When the request came in: the deal's and the task's creation time. */
	at: Date;
	plan: IntakePlan;
}

/** The board writer of intake: the server, acting for a form or webhook rather than a person. */
const intakeWriter: Writer = { kind: 'system', userId: null };

export const intakeKey = (dealId: string) => `intake:${dealId}`;

/**
 * Puts the intake's deal with its first task on the board, unless it is there
 * already or was there (the projection keeps deals since archived or moved to
 * the trash): 'existed' then, and nothing is written. Finishing the same
 * intake twice, or from two places at once, makes one deal. With `create:
 * false` it only looks ('absent' when the deal is on neither).
 */
export async function placeIntakeDeal(db: Database, rooms: RoomManager, intake: PendingIntake, options: { create?: boolean } = {}): Promise<'created' | 'existed' | 'absent'> {
	const { plan } = intake;
	const [known] = await db
		.select({ id: dealsProjection.id })
		.from(dealsProjection)
		.where(and(eq(dealsProjection.id, intake.dealId), eq(dealsProjection.pipelineId, plan.pipelineId), eq(dealsProjection.workspaceId, intake.workspaceId)));
	if (known) return 'existed';
	return rooms.withRoom(plan.pipelineId, async (room) => {
		// The document, not only the projection: a deal written just before a crash may not be projected yet.
		if (boardMaps(room.doc).deals.has(intake.dealId)) return 'existed';
		if (options.create === false) return 'absent';
		return room.change(intakeWriter, (doc) => {
			if (boardMaps(doc).deals.has(intake.dealId)) return 'existed' as const;
			createDeal(
				doc,
				{
					id: intake.dealId,
					title: plan.title,
					valueMinor: 0,
					currency: plan.currency,
					stageId: openStageOf(doc, plan.stageId),
					ownerId: plan.ownerId,
					contactId: intake.contactId,
					...(plan.companyId ? { companyId: plan.companyId } : {}),
					source: plan.dealSource
				},
				{ id: intake.taskId, type: plan.taskType, title: plan.taskTitle, dueAt: plan.dueAt, assigneeId: plan.ownerId },
				{ now: () => intake.at.toISOString() }
			);
			return 'created' as const;
		});
	});
}

/** The form's stage, or the board's first open one when that stage was closed or deleted since: a request is never lost for it. */
function openStageOf(doc: Parameters<typeof listStages>[0], stageId: string): string {
	const open = listStages(doc).filter((stage) => stage.kind === 'open');
	return (open.find((stage) => stage.id === stageId) ?? open[0])?.id ?? stageId;
}

/**
 * Tells the owner of the new lead. Keyed by the intake, so an intake finished
 * twice tells once; a notification that fails is logged, not a failed intake
 * (the deal exists).
 */
export async function notifyIntakeOwner(notifier: Notifier, intake: PendingIntake, at: Date): Promise<void> {
	await notifier
		.notify({
			workspaceId: intake.workspaceId,
			userId: intake.plan.ownerId,
			kind: 'lead_assigned',
			params: { title: intake.plan.title, source: intake.plan.sourceName },
			dealId: intake.dealId,
			taskId: intake.taskId,
			contactId: intake.contactId,
			key: intakeKey(intake.dealId),
			at
		})
		.catch((error: unknown) => console.error('intake: notifying the owner failed', error));
}

/**
 * Marks a pending intake done; `recovered` says the recovery job finished it.
 * False when it was no longer pending (finished or undone elsewhere).
 */
export async function markIntakeDone(db: Database, intake: Pick<PendingIntake, 'workspaceId' | 'dealId'>, recovered: Date | null): Promise<boolean> {
	const rows = await db
		.update(automationLog)
		.set({
			outcome: 'done',
			...(recovered ? { detail: sql`${automationLog.detail} || ${JSON.stringify({ recoveredAt: recovered.toISOString() })}::jsonb` } : {})
		})
		.where(and(eq(automationLog.workspaceId, intake.workspaceId), eq(automationLog.key, intakeKey(intake.dealId)), eq(automationLog.outcome, 'pending')))
		.returning({ id: automationLog.id });
	return rows.length > 0;
}

/** Why an intake was given up, for the log (the page words it in the reader's language). */
export type IntakeFailure = 'board_refused' | 'board_unavailable' | 'pipeline_archived';

/**
 * Takes back the rows of an intake whose deal the board did not take (the
 * interaction, and the contact and company it created, with their record
 * events) and turns its log entry to 'failed', in one transaction. Only a
 * pending intake is undone: false, and nothing touched, when it was finished
 * (or undone) elsewhere meanwhile.
 */
export async function undoIntake(db: Database, intake: PendingIntake, reason: IntakeFailure, error: string): Promise<boolean> {
	const { workspaceId, plan } = intake;
	return db.transaction(async (tx) => {
		// The entry first: its row lock orders this against a concurrent markIntakeDone.
		const settled = await tx
			.update(automationLog)
			.set({ outcome: 'failed', dealId: null, taskId: null, contactId: null, detail: { title: plan.title, reason, error } })
			.where(and(eq(automationLog.workspaceId, workspaceId), eq(automationLog.key, intakeKey(intake.dealId)), eq(automationLog.outcome, 'pending')))
			.returning({ id: automationLog.id });
		if (settled.length === 0) return false;
		await tx.delete(interactions).where(and(eq(interactions.id, plan.interactionId), eq(interactions.workspaceId, workspaceId)));
		const created = [plan.createdContactId, plan.createdCompanyId].filter((id): id is string => id !== null);
		if (created.length === 0) return true;
		await tx.delete(recordEvents).where(and(eq(recordEvents.workspaceId, workspaceId), inArray(recordEvents.subjectId, created)));
		if (plan.createdContactId) await tx.delete(contacts).where(and(eq(contacts.id, plan.createdContactId), eq(contacts.workspaceId, workspaceId)));
		if (plan.createdCompanyId) await tx.delete(companies).where(and(eq(companies.id, plan.createdCompanyId), eq(companies.workspaceId, workspaceId)));
		return true;
	});
}

/** How a pending intake's log entry ended, when it is no longer pending (null: it is, or it is gone). */
export async function readIntakeOutcome(db: Database, intake: Pick<PendingIntake, 'workspaceId' | 'dealId'>): Promise<'done' | 'failed' | null> {
	const [row] = await db
		.select({ outcome: automationLog.outcome })
		.from(automationLog)
		.where(and(eq(automationLog.workspaceId, intake.workspaceId), eq(automationLog.key, intakeKey(intake.dealId))));
	return row?.outcome === 'done' || row?.outcome === 'failed' ? row.outcome : null;
}

/** A pending intake from its log entry; null when the entry is not one (or its detail cannot be read). */
export function readPendingIntake(row: typeof automationLog.$inferSelect): PendingIntake | null {
	if (row.kind !== 'intake' || row.outcome !== 'pending' || !row.dealId || !row.taskId || !row.contactId) return null;
	const plan = intakePlanSchema.safeParse(row.detail);
	if (!plan.success) return null;
	return { workspaceId: row.workspaceId, sourceId: row.source, dealId: row.dealId, taskId: row.taskId, contactId: row.contactId, at: row.at, plan: plan.data };
}
