import { and, asc, eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { stageRules, workspaces } from '../db/schema.js';
import type { StageRuleTemplate } from '../../src/lib/model/stage-rules.js';
import { defaultWorkingHours, isTimeZone, type TeamCalendar } from '../workspaces/working-time.js';

/** A stored template with where it belongs. */
export interface StageRuleRecord extends StageRuleTemplate {
	pipelineId: string;
	stageId: string;
}

function toRecord(row: typeof stageRules.$inferSelect): StageRuleRecord {
	return {
		id: row.id,
		pipelineId: row.pipelineId,
		stageId: row.stageId,
		title: row.title,
		type: row.type,
		dueAmount: row.dueAmount,
		dueUnit: row.dueUnit,
		assigneeId: row.assigneeId,
		enabled: row.enabled
	};
}

/** A pipeline's templates, by stage in the order they were set. */
export async function listStageRulesOfPipeline(db: Database, pipelineId: string): Promise<StageRuleRecord[]> {
	const rows = await db.select().from(stageRules).where(eq(stageRules.pipelineId, pipelineId)).orderBy(asc(stageRules.stageId), asc(stageRules.position));
	return rows.map(toRecord);
}

export async function listStageRulesOfWorkspace(db: Database, workspaceId: string): Promise<StageRuleRecord[]> {
	const rows = await db
		.select()
		.from(stageRules)
		.where(eq(stageRules.workspaceId, workspaceId))
		.orderBy(asc(stageRules.pipelineId), asc(stageRules.stageId), asc(stageRules.position));
	return rows.map(toRecord);
}

/**
 * Replaces one stage's templates with `templates`, in that order. A template
 * keeps its id across edits: the tasks a move made are named after it, so a
 * replayed move still recognises them.
 */
export async function replaceStageRules(
	tx: Database,
	target: { workspaceId: string; pipelineId: string; stageId: string },
	templates: StageRuleTemplate[],
	now: Date
): Promise<StageRuleRecord[]> {
	await tx.delete(stageRules).where(and(eq(stageRules.pipelineId, target.pipelineId), eq(stageRules.stageId, target.stageId)));
	if (templates.length === 0) return [];
	const rows = await tx
		.insert(stageRules)
		.values(templates.map((template, position) => ({ ...template, ...target, position, createdAt: now, updatedAt: now })))
		.returning();
	return rows.sort((a, b) => a.position - b.position).map(toRecord);
}

/** The workspace's time zone and working hours, for due offsets; a zone the runtime does not know reads as UTC. */
export async function readTeamCalendar(db: Database, workspaceId: string): Promise<TeamCalendar> {
	const [row] = await db.select({ timeZone: workspaces.timeZone, workingHours: workspaces.workingHours }).from(workspaces).where(eq(workspaces.id, workspaceId));
	return {
		timeZone: row && isTimeZone(row.timeZone) ? row.timeZone : 'UTC',
		workingHours: row?.workingHours ?? defaultWorkingHours
	};
}
