import { and, asc, eq, lte } from 'drizzle-orm';
import { automationLog, pipelines } from '../db/schema.js';
import { RefusedChange } from '../board/refused-change.js';
import type { JobContext } from '../jobs/scheduler.js';
import { markIntakeDone, notifyIntakeOwner, placeIntakeDeal, readPendingIntake, undoIntake, type PendingIntake } from './pending-intake.js';

/**
 * How long an intake may stay pending before the recovery job takes it for
 * abandoned: a request in flight on a live node finishes in well under a
 * second, so an older pending entry is one whose process died between its
 * database rows and its deal. (Finishing one still in flight would do no
 * harm, only double work: both sides write the same ids and settle the entry
 * only while it is pending.)
 */
export const intakeGraceMs = 2 * 60_000;

/** Entries a run finishes at most; the rest wait for the next run. */
const batchSize = 200;

export interface IntakeRecovery {
	/** Put on the board now (or found there) and marked done. */
	finished: number;
	/** Given up for good: the board refused the deal or its pipeline was archived; the rows were taken back. */
	failed: number;
	/** Left pending for the next run: the board could not be written now. */
	waiting: number;
}

/**
 * A scheduled job: finishes the intakes a crash left pending, oldest first.
 * Each becomes what it would have been: its deal with its first task on the
 * board under the ids chosen when the request came in, its owner told, its
 * entry done. Running it twice, or while the request itself finishes, makes
 * one deal and one notification.
 */
export async function recoverPendingIntakes(context: JobContext): Promise<IntakeRecovery> {
	const { db } = context;
	const rows = await db
		.select()
		.from(automationLog)
		.where(and(eq(automationLog.kind, 'intake'), eq(automationLog.outcome, 'pending'), lte(automationLog.at, new Date(context.now.getTime() - intakeGraceMs))))
		.orderBy(asc(automationLog.id))
		.limit(batchSize);
	const tally: IntakeRecovery = { finished: 0, failed: 0, waiting: 0 };
	for (const row of rows) {
		const intake = readPendingIntake(row);
		if (!intake) {
			// Written by this code, so never expected; left for a person rather than guessed at.
			console.error(`intake recovery: log entry ${row.id} cannot be read as a pending intake`);
			tally.waiting += 1;
			continue;
		}
		tally[await recoverIntake(context, intake)] += 1;
	}
	return tally;
}

async function recoverIntake(context: JobContext, intake: PendingIntake): Promise<keyof IntakeRecovery> {
	const { db, rooms } = context;
	const [pipeline] = await db
		.select({ archivedAt: pipelines.archivedAt })
		.from(pipelines)
		.where(and(eq(pipelines.id, intake.plan.pipelineId), eq(pipelines.workspaceId, intake.workspaceId)));
	try {
		// An archived pipeline takes no new deals, but the deal may have reached it before the crash.
		const live = pipeline !== undefined && pipeline.archivedAt === null;
		const placed = pipeline ? await placeIntakeDeal(db, rooms, intake, { create: live }) : 'absent';
		if (placed === 'absent') {
			await undoIntake(db, intake, 'pipeline_archived', 'The pipeline was archived before the deal could be put on it.');
			return 'failed';
		}
	} catch (error) {
		if (error instanceof RefusedChange) {
			await undoIntake(db, intake, 'board_refused', error.message);
			return 'failed';
		}
		// The board cannot be written now (its database, a room that will not load): the next run tries again.
		console.error(`intake recovery: the deal ${intake.dealId} could not be put on the board yet`, error);
		return 'waiting';
	}
	await notifyIntakeOwner(context.notifier, intake, context.now);
	await markIntakeDone(db, intake, context.now);
	return 'finished';
}
