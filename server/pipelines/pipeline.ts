import { and, asc, eq, inArray, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import * as Y from 'yjs';
import { initialiseBoard, listStages } from '../../src/lib/model/index.js';
import type { PipelineMode, Stage } from '../../src/lib/model/schema.js';
import type { Database } from '../db/client.js';
import { singleFlight } from '../db/single-flight.js';
import { docUpdates, memberships, pipelineMembers, pipelines, projectionMarks, stagesProjection, users, type Pipeline } from '../db/schema.js';
import { generateId } from '../auth/tokens.js';
import { hasRoleAtLeast, type Role } from '../workspaces/roles.js';
import { defaultStages, type StageTemplate } from './default-stages.js';

export interface StageSummary extends Pick<Stage, 'id' | 'name' | 'kind' | 'probability' | 'rank'> {
	rotDays: number | null;
	color: string | null;
}

export interface PipelineSummary {
	id: string;
	name: string;
	mode: PipelineMode;
	access: 'workspace' | 'members';
	archived: boolean;
	stages: StageSummary[];
}

function toStageSummary(stage: { id: string; name: string; kind: Stage['kind']; probability: number; rank: string; rotDays: number | null; color: string | null }): StageSummary {
	const { id, name, kind, probability, rank, rotDays, color } = stage;
	return { id, name, kind, probability, rank, rotDays, color };
}

/**
 * Creates a pipeline with its board document in one transaction: the row, the
 * document's first update (meta and stages) and the stage projection. Nobody
 * has the room open yet, so the document is written directly.
 */
export async function createPipeline(
	tx: Database,
	input: { workspaceId: string; name: string; mode?: PipelineMode; stages?: StageTemplate[] }
): Promise<PipelineSummary> {
	const id = generateId();
	const mode = input.mode ?? 'free';
	const [{ next } = { next: 0 }] = await tx
		.select({ next: sql<number>`coalesce(max(${pipelines.position}) + 1, 0)::int` })
		.from(pipelines)
		.where(eq(pipelines.workspaceId, input.workspaceId));
	await tx.insert(pipelines).values({ id, workspaceId: input.workspaceId, name: input.name, mode, position: next });
	const doc = new Y.Doc();
	initialiseBoard(
		doc,
		{ pipelineId: id, workspaceId: input.workspaceId, name: input.name, mode },
		(input.stages ?? defaultStages).map((stage) => ({ ...stage, id: generateId() }))
	);
	const [first] = await tx.insert(docUpdates).values({ docId: id, bytes: Y.encodeStateAsUpdate(doc) }).returning({ id: docUpdates.id });
	const stages = listStages(doc);
	await tx.insert(stagesProjection).values(stages.map((stage) => ({ pipelineId: id, ...toStageRow(stage) })));
	// The stage rows just written are the whole projection of the new board.
	await tx.insert(projectionMarks).values({ pipelineId: id, projectedUpdateId: first!.id });
	doc.destroy();
	return {
		id,
		name: input.name,
		mode,
		access: 'workspace',
		archived: false,
		stages: stages.map((stage) => toStageSummary({ ...stage, ...toStageRow(stage) }))
	};
}

export function toStageRow(stage: Stage) {
	return {
		id: stage.id,
		name: stage.name,
		kind: stage.kind,
		probability: stage.probability,
		rank: stage.rank,
		rotDays: stage.rotDays ?? null,
		color: stage.color ?? null
	};
}

/**
 * Pipelines of a workspace the user may see, with their stages in board
 * order: the active ones, or with `archived` the archived ones.
 */
/**
 * The SQL condition on `pipelines` for "this user may open it": open to the
 * whole workspace, or listed among its members (owners and admins see all).
 */
export function canSeePipeline(db: Database, userId: string, role: Role): SQL | undefined {
	if (hasRoleAtLeast(role, 'admin')) return undefined;
	return or(
		eq(pipelines.access, 'workspace'),
		inArray(pipelines.id, db.select({ id: pipelineMembers.pipelineId }).from(pipelineMembers).where(eq(pipelineMembers.userId, userId)))
	);
}

export async function listVisiblePipelines(
	db: Database,
	workspaceId: string,
	userId: string,
	role: Role,
	options: { archived?: boolean } = {}
): Promise<PipelineSummary[]> {
	const rows = await db
		.select({ id: pipelines.id, name: pipelines.name, mode: pipelines.mode, access: pipelines.access, archivedAt: pipelines.archivedAt })
		.from(pipelines)
		.where(
			and(
				eq(pipelines.workspaceId, workspaceId),
				options.archived ? isNotNull(pipelines.archivedAt) : isNull(pipelines.archivedAt),
				canSeePipeline(db, userId, role)
			)
		)
		.orderBy(asc(pipelines.position), asc(pipelines.createdAt));
	if (rows.length === 0) return [];
	const stageRows = await db
		.select()
		.from(stagesProjection)
		.where(inArray(stagesProjection.pipelineId, rows.map((row) => row.id)));
	return rows.map(({ archivedAt, ...row }) => ({
		...row,
		archived: archivedAt !== null,
		stages: stageRows
			.filter((stage) => stage.pipelineId === row.id)
			.sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : a.id < b.id ? -1 : 1))
			.map(toStageSummary)
	}));
}

export interface PipelineAccess {
	pipeline: Pipeline;
	role: Role;
}

/**
 * The caller's access to a pipeline: a member of its workspace, and of the
 * pipeline when it is limited to its members (owners and admins always).
 */
/** The caller's access to a pipeline; concurrent identical checks share a query (single-flight.ts). */
export const getPipelineAccess: (
	db: Database,
	pipelineId: string,
	userId: string,
	options?: { includeArchived?: boolean }
) => Promise<PipelineAccess | null> = singleFlight(
	readPipelineAccess,
	(pipelineId, userId, options) => `${pipelineId}\u0000${userId}\u0000${options?.includeArchived === true}`
);

async function readPipelineAccess(
	db: Database,
	pipelineId: string,
	userId: string,
	options: { includeArchived?: boolean } = {}
): Promise<PipelineAccess | null> {
	const [row] = await db
		.select({ pipeline: pipelines, role: memberships.role, listed: pipelineMembers.userId })
		.from(pipelines)
		.innerJoin(memberships, and(eq(memberships.workspaceId, pipelines.workspaceId), eq(memberships.userId, userId)))
		.leftJoin(pipelineMembers, and(eq(pipelineMembers.pipelineId, pipelines.id), eq(pipelineMembers.userId, userId)))
		.where(eq(pipelines.id, pipelineId));
	if (!row || (row.pipeline.archivedAt && !options.includeArchived)) return null;
	const allowed = row.pipeline.access === 'workspace' || row.listed !== null || hasRoleAtLeast(row.role, 'admin');
	return allowed ? { pipeline: row.pipeline, role: row.role } : null;
}

export async function updatePipeline(
	db: Database,
	pipeline: Pick<Pipeline, 'id' | 'workspaceId'>,
	changes: Partial<{ name: string; mode: PipelineMode; access: 'workspace' | 'members'; archivedAt: Date | null }>
): Promise<void> {
	const set = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
	if (Object.keys(set).length === 0) return;
	await db
		.update(pipelines)
		.set(set)
		.where(and(eq(pipelines.id, pipeline.id), eq(pipelines.workspaceId, pipeline.workspaceId)));
}

export interface PipelineMember {
	userId: string;
	name: string;
	role: Role;
	/** Listed in the pipeline (matters when its access is "members"). */
	listed: boolean;
}

export async function listPipelineMembers(db: Database, pipeline: Pipeline): Promise<PipelineMember[]> {
	const rows = await db
		.select({ userId: memberships.userId, name: users.name, role: memberships.role, listed: pipelineMembers.userId })
		.from(memberships)
		.innerJoin(users, eq(users.id, memberships.userId))
		.leftJoin(pipelineMembers, and(eq(pipelineMembers.pipelineId, pipeline.id), eq(pipelineMembers.userId, memberships.userId)))
		.where(eq(memberships.workspaceId, pipeline.workspaceId))
		.orderBy(asc(users.name));
	return rows.map((row) => ({ userId: row.userId, name: row.name, role: row.role, listed: row.listed !== null }));
}

/** Replaces the pipeline's member list; ids that are not workspace members are refused. */
export async function setPipelineMembers(tx: Database, pipeline: Pipeline, userIds: string[]): Promise<string[]> {
	const known = userIds.length
		? await tx
				.select({ userId: memberships.userId })
				.from(memberships)
				.where(and(eq(memberships.workspaceId, pipeline.workspaceId), inArray(memberships.userId, userIds)))
		: [];
	const knownIds = new Set(known.map((row) => row.userId));
	const unknown = userIds.filter((id) => !knownIds.has(id));
	if (unknown.length > 0) return unknown;
	await tx.delete(pipelineMembers).where(eq(pipelineMembers.pipelineId, pipeline.id));
	if (userIds.length > 0) await tx.insert(pipelineMembers).values([...knownIds].map((userId) => ({ pipelineId: pipeline.id, userId })));
	return [];
}

/** A pipeline's stages from the projection, in board order. */
export async function listPipelineStages(db: Database, pipelineId: string) {
	const rows = await db
		.select()
		.from(stagesProjection)
		.where(eq(stagesProjection.pipelineId, pipelineId))
		.orderBy(asc(stagesProjection.rank), asc(stagesProjection.id));
	return rows.map(({ pipelineId: _pipelineId, ...stage }) => stage);
}
