import { and, asc, eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { memberships, workspaces } from '../db/schema.js';
import { generateId } from '../auth/tokens.js';
import type { Role } from './roles.js';
import { createPipeline } from '../pipelines/pipeline.js';
import { defaultLostReasons, replaceLostReasons } from './lost-reasons.js';

export interface WorkspaceOfUser {
	id: string;
	name: string;
	role: Role;
}

/**
 * Creates a workspace with its creator as owner and a default "Sales"
 * pipeline; call it inside a transaction so that all of it or none is written.
 */
export async function createWorkspace(tx: Database, ownerId: string, name: string): Promise<WorkspaceOfUser> {
	const id = generateId();
	await tx.insert(workspaces).values({ id, name: name.trim(), createdBy: ownerId });
	await tx.insert(memberships).values({ workspaceId: id, userId: ownerId, role: 'owner' });
	await createPipeline(tx, { workspaceId: id, name: 'Sales' });
	await replaceLostReasons(tx, id, defaultLostReasons);
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

export async function renameWorkspace(db: Database, workspaceId: string, name: string): Promise<void> {
	await db.update(workspaces).set({ name: name.trim() }).where(eq(workspaces.id, workspaceId));
}
