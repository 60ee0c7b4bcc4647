import { and, asc, eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { memberships, workspaces, type WorkingHours } from '../db/schema.js';
import { defaultWorkingHours } from './working-time.js';
import { generateId } from '../auth/tokens.js';
import type { Role } from './roles.js';
import { createPipeline } from '../pipelines/pipeline.js';
import { listDefaultLostReasons, replaceLostReasons } from './lost-reasons.js';
import { defaultPipelineName, listDefaultStages } from '../pipelines/default-stages.js';
import type { Locale } from '../i18n/locale.js';

export interface WorkspaceOfUser {
	id: string;
	name: string;
	role: Role;
}

/**
 * Creates a workspace with its creator as owner, a default "Sales" pipeline
 * and lost reasons, named in the creator's language; call it inside a
 * transaction so that all of it or none is written.
 */
export async function createWorkspace(tx: Database, ownerId: string, name: string, locale: Locale): Promise<WorkspaceOfUser> {
	const id = generateId();
	await tx.insert(workspaces).values({ id, name: name.trim(), createdBy: ownerId });
	await tx.insert(memberships).values({ workspaceId: id, userId: ownerId, role: 'owner' });
	await createPipeline(tx, { workspaceId: id, name: defaultPipelineName(locale), stages: listDefaultStages(locale) });
	await replaceLostReasons(tx, id, listDefaultLostReasons(locale));
	return { id, name: name.trim(), role: 'owner' };
}

export function listWorkspacesOfUser(db: Database, userId: string): Promise<WorkspaceOfUser[]> {
	return db
		.select({ id: workspaces.id, name: workspaces.name, role: memberships.role })
		.from(memberships)
		.innerJoin(workspaces, eq(memberships.workspaceId, workspaces.id))
		.where(eq(memberships.userId, userId))
		.orderBy(asc(memberships.joinedAt), asc(workspaces.name));
}

/** The user's place in a workspace, or null when they are not a member. */
export async function getWorkspaceOfUser(
	db: Database,
	workspaceId: string,
	userId: string
): Promise<WorkspaceOfUser | null> {
	const [row] = await db
		.select({ id: workspaces.id, name: workspaces.name, role: memberships.role })
		.from(memberships)
		.innerJoin(workspaces, eq(memberships.workspaceId, workspaces.id))
		.where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
	return row ?? null;
}

export interface WorkspaceSettings {
	closedDealDays: number;
	// The team calendar the scheduled processes read due times and "today" in.
	timeZone: string;
	workingHours: WorkingHours;
}

export async function getWorkspaceSettings(db: Database, workspaceId: string): Promise<WorkspaceSettings> {
	const [row] = await db
		.select({ closedDealDays: workspaces.closedDealDays, timeZone: workspaces.timeZone, workingHours: workspaces.workingHours })
		.from(workspaces)
		.where(eq(workspaces.id, workspaceId));
	return row ?? { closedDealDays: 7, timeZone: 'UTC', workingHours: defaultWorkingHours };
}

export interface WorkspaceChanges {
	name?: string;
	closedDealDays?: number;
	timeZone?: string;
	workingHours?: WorkingHours;
}

export async function updateWorkspace(db: Database, workspaceId: string, changes: WorkspaceChanges): Promise<void> {
	// Days in order and once each, however they were sent.
	const workingHours = changes.workingHours && { ...changes.workingHours, days: [...new Set(changes.workingHours.days)].sort((a, b) => a - b) };
	const set = { name: changes.name?.trim(), closedDealDays: changes.closedDealDays, timeZone: changes.timeZone, workingHours };
	if (Object.values(set).every((value) => value === undefined)) return;
	await db.update(workspaces).set(set).where(eq(workspaces.id, workspaceId));
}
