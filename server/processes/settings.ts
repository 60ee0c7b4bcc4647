import { and, asc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../db/client.js';
import { pipelines, processNames, workspaceProcesses, workspaces, type ProcessName } from '../db/schema.js';
import { taskTypes } from '../../src/lib/model/schema.js';
import type { TeamCalendar } from '../workspaces/working-time.js';

/**
 * Each process's settings, one schema per process: the API validates with
 * them and the jobs read stored settings through them, so a value written
 * before a default changed still reads as a complete, valid setting.
 */
export const checkInRuleSchema = z
	.object({
		segment: z.string().trim().min(1).max(60),
		interval: z.enum(['monthly', 'quarterly']),
		// 1..28: every month has the day.
		day: z.number().int().min(1).max(28),
		pipelineId: z.string().min(1).max(64),
		title: z.string().trim().min(1).max(200),
		type: z.enum(taskTypes)
	})
	.strict();
export type CheckInRule = z.infer<typeof checkInRuleSchema>;

export const processSettingsSchemas = {
	'check-in': z
		.object({ rules: z.array(checkInRuleSchema).max(20).default([]) })
		.strict()
		.refine((value) => new Set(value.rules.map((rule) => rule.segment.toLowerCase())).size === value.rules.length, {
			message: 'duplicate segment',
			path: ['rules']
		}),
	'status-promotion': z.object({}).strict(),
	'at-risk': z
		.object({
			// The usual interval passed this many times without a won deal: at risk.
			intervals: z.number().int().min(2).max(12).default(3),
			// Won deals needed before a customer has a "usual" interval at all.
			minOrders: z.number().int().min(2).max(50).default(3),
			pipelineId: z.string().min(1).max(64).nullable().default(null)
		})
		.strict(),
	escalation: z
		.object({
			afterHours: z.number().int().min(1).max(720).default(24),
			// Working hours by default: a task due on Friday evening is not "24 hours overdue" on Saturday evening.
			unit: z.enum(['working_hours', 'hours']).default('working_hours')
		})
		.strict(),
	birthday: z.object({ pipelineId: z.string().min(1).max(64).nullable().default(null) }).strict()
} satisfies Record<ProcessName, z.ZodType>;

export type ProcessSettings = { [P in ProcessName]: z.infer<(typeof processSettingsSchemas)[P]> };

export interface ProcessState<P extends ProcessName = ProcessName> {
	process: P;
	enabled: boolean;
	settings: ProcessSettings[P];
}

function readSettings<P extends ProcessName>(process: P, stored: unknown): ProcessSettings[P] {
	const parsed = processSettingsSchemas[process].safeParse(stored ?? {});
	return (parsed.success ? parsed.data : processSettingsSchemas[process].parse({})) as ProcessSettings[P];
}

/** Every process of a workspace, in the order Settings shows them; one never saved is off with its defaults. */
export async function listProcesses(db: Database, workspaceId: string): Promise<ProcessState[]> {
	const rows = await db.select().from(workspaceProcesses).where(eq(workspaceProcesses.workspaceId, workspaceId));
	return processNames.map((process) => {
		const row = rows.find((candidate) => candidate.process === process);
		return { process, enabled: row?.enabled ?? false, settings: readSettings(process, row?.settings) };
	});
}

export async function saveProcess<P extends ProcessName>(
	db: Database,
	workspaceId: string,
	process: P,
	state: { enabled: boolean; settings: ProcessSettings[P] },
	at: Date
): Promise<void> {
	await db
		.insert(workspaceProcesses)
		.values({ workspaceId, process, enabled: state.enabled, settings: state.settings as Record<string, unknown>, updatedAt: at })
		.onConflictDoUpdate({
			target: [workspaceProcesses.workspaceId, workspaceProcesses.process],
			set: { enabled: state.enabled, settings: state.settings as Record<string, unknown>, updatedAt: at }
		});
}

export interface EnabledProcess<P extends ProcessName> {
	workspaceId: string;
	settings: ProcessSettings[P];
	calendar: TeamCalendar;
}

/** The workspaces that turned the process on, with its settings and their team calendar. */
export async function listEnabledProcesses<P extends ProcessName>(db: Database, process: P): Promise<Array<EnabledProcess<P>>> {
	const rows = await db
		.select({
			workspaceId: workspaceProcesses.workspaceId,
			settings: workspaceProcesses.settings,
			timeZone: workspaces.timeZone,
			workingHours: workspaces.workingHours
		})
		.from(workspaceProcesses)
		.innerJoin(workspaces, eq(workspaces.id, workspaceProcesses.workspaceId))
		.where(and(eq(workspaceProcesses.process, process), eq(workspaceProcesses.enabled, true)));
	return rows.map((row) => ({
		workspaceId: row.workspaceId,
		settings: readSettings(process, row.settings),
		calendar: { timeZone: row.timeZone, workingHours: row.workingHours }
	}));
}

/** The pipeline a process puts its tasks in: the one chosen, while it is live, else the workspace's first. */
export async function choosePipeline(db: Database, workspaceId: string, chosen: string | null): Promise<string | null> {
	const live = await db
		.select({ id: pipelines.id })
		.from(pipelines)
		.where(and(eq(pipelines.workspaceId, workspaceId), isNull(pipelines.archivedAt)))
		.orderBy(asc(pipelines.position), asc(pipelines.createdAt));
	if (chosen && live.some((pipeline) => pipeline.id === chosen)) return chosen;
	return live[0]?.id ?? null;
}

/** Whether the pipeline is a live pipeline of the workspace (settings name only those). */
export async function isLivePipeline(db: Database, workspaceId: string, pipelineId: string): Promise<boolean> {
	const [row] = await db
		.select({ id: pipelines.id })
		.from(pipelines)
		.where(and(eq(pipelines.id, pipelineId), eq(pipelines.workspaceId, workspaceId), isNull(pipelines.archivedAt)));
	return row !== undefined;
}
