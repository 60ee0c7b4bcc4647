import { and, desc, eq, inArray, lt } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import {
	auditEvents,
	memberships,
	pipelines,
	stagesProjection,
	users,
	type AuditAction,
	type AuditActorKind,
	type AuditEventRow,
	type AuditTargetType
} from '../db/schema.js';

export {
	auditActions,
	auditActorKinds,
	auditTargetTypes,
	type AuditAction,
	type AuditActorKind,
	type AuditTargetType
} from '../db/schema.js';

/** Who did it, from where. */
export interface AuditActor {
	actorId: string | null;
	actorKind: AuditActorKind;
	/** The API token used, when the actor used one. */
	actorTokenId?: string | null;
	address?: string | null;
}

export interface AuditEvent extends AuditActor {
	workspaceId: string;
	action: AuditAction;
	/** What it was done to; the label is its name at the time, kept when it is gone. */
	target: { type: AuditTargetType; id: string; label?: string | null };
	/** A small JSON detail, e.g. `{ from, to }`. */
	detail?: Record<string, unknown> | null;
	at: Date;
}

/** A user-level event, written into each of the user's workspaces. */
export type UserAuditEvent = Omit<AuditEvent, 'workspaceId'>;

const chunkSize = 500;

function toRow(event: AuditEvent): typeof auditEvents.$inferInsert {
	return {
		workspaceId: event.workspaceId,
		actorId: event.actorId,
		actorKind: event.actorKind,
		actorTokenId: event.actorTokenId ?? null,
		action: event.action,
		targetType: event.target.type,
		targetId: event.target.id,
		targetLabel: event.target.label ?? null,
		detail: event.detail ?? null,
		address: event.address ?? null,
		at: event.at
	};
}

/**
 * Appends one event. Pass the transaction that makes the change, so the
 * change and its event are written together or not at all.
 */
export async function recordAuditEvent(tx: Database, event: AuditEvent): Promise<void> {
	await tx.insert(auditEvents).values(toRow(event));
}

export async function recordAuditEvents(tx: Database, events: AuditEvent[]): Promise<void> {
	for (let i = 0; i < events.length; i += chunkSize) {
		await tx.insert(auditEvents).values(events.slice(i, i + chunkSize).map(toRow));
	}
}

/**
 * Appends an event about a user rather than a workspace (a login, an API
 * token, a password) once into every workspace the user belongs to now: each
 * workspace's admins see what their members' accounts did while members.
 */
export async function recordUserEvent(tx: Database, userId: string, event: UserAuditEvent): Promise<void> {
	const rows = await tx.select({ workspaceId: memberships.workspaceId }).from(memberships).where(eq(memberships.userId, userId));
	await recordAuditEvents(
		tx,
		rows.map(({ workspaceId }) => ({ ...event, workspaceId }))
	);
}

/** One change of a deal's stage or owner, as the board projection sees it. */
export interface DealChange {
	dealId: string;
	/** The deal's title, kept as the event's label. */
	dealTitle?: string | null;
	/** The user who made the change; null for the server (repairs, jobs). */
	by: string | null;
	field: 'stage' | 'owner';
	/** The stage or owner id before; null when the deal is new. */
	from: string | null;
	to: string;
}

/**
 * Records the stage and owner changes of one persisted board batch. Call it
 * inside the projection's transaction. Stage, owner and pipeline names are
 * read as they are at that moment and kept in the detail.
 */
export async function recordDealChanges(
	tx: Database,
	input: { workspaceId: string; pipelineId: string; at: Date; changes: DealChange[] }
): Promise<void> {
	const { workspaceId, pipelineId, at, changes } = input;
	if (changes.length === 0) return;
	const stageIds = idsOf(changes.filter((change) => change.field === 'stage'));
	const ownerIds = idsOf(changes.filter((change) => change.field === 'owner'));
	const stageNames = await namesOf(stageIds, (ids) =>
		tx
			.select({ id: stagesProjection.id, name: stagesProjection.name })
			.from(stagesProjection)
			.where(and(eq(stagesProjection.pipelineId, pipelineId), inArray(stagesProjection.id, ids)))
	);
	const ownerNames = await namesOf(ownerIds, (ids) => tx.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids)));
	const pipelineName = await namePipeline(tx, pipelineId);
	await recordAuditEvents(
		tx,
		changes.map((change) => {
			const names = change.field === 'stage' ? stageNames : ownerNames;
			return {
				workspaceId,
				actorId: change.by,
				actorKind: change.by ? 'member' : 'system',
				action: change.field === 'stage' ? 'deal.stage_changed' : 'deal.owner_changed',
				target: { type: 'deal', id: change.dealId, label: change.dealTitle ?? null },
				detail: {
					pipelineId,
					pipelineName,
					from: change.from,
					to: change.to,
					fromName: change.from ? (names.get(change.from) ?? null) : null,
					toName: names.get(change.to) ?? null
				},
				at
			};
		})
	);
}

/** Records stages deleted from a board in one persisted batch; call it inside the projection's transaction. */
export async function recordStageDeletions(
	tx: Database,
	input: { workspaceId: string; pipelineId: string; at: Date; stages: Array<{ stageId: string; name: string; by: string | null }> }
): Promise<void> {
	const { workspaceId, pipelineId, at, stages } = input;
	if (stages.length === 0) return;
	const pipelineName = await namePipeline(tx, pipelineId);
	await recordAuditEvents(
		tx,
		stages.map((stage) => ({
			workspaceId,
			actorId: stage.by,
			actorKind: stage.by ? 'member' : 'system',
			action: 'stage.deleted',
			target: { type: 'stage', id: stage.stageId, label: stage.name },
			detail: { pipelineId, pipelineName },
			at
		}))
	);
}

function idsOf(changes: DealChange[]): string[] {
	return [...new Set(changes.flatMap((change) => (change.from ? [change.from, change.to] : [change.to])))];
}

async function namePipeline(tx: Database, pipelineId: string): Promise<string | null> {
	const [row] = await tx.select({ name: pipelines.name }).from(pipelines).where(eq(pipelines.id, pipelineId));
	return row?.name ?? null;
}

async function namesOf(
	ids: string[],
	query: (ids: string[]) => Promise<Array<{ id: string; name: string }>>
): Promise<Map<string, string>> {
	if (ids.length === 0) return new Map();
	const rows = await query(ids);
	return new Map(rows.map((row) => [row.id, row.name]));
}

export interface AuditEntry extends AuditEventRow {
	/** The actor's name now; null for the system or a user whose account is gone. */
	actorName: string | null;
}

export interface AuditQuery {
	/** The id of the last event of the previous page: the page starts below it. */
	before?: number;
	limit: number;
	/** Only these actions. */
	actions?: AuditAction[];
	actorId?: string;
}

/** A workspace's events, newest first, a page at a time. */
export async function listAuditEvents(
	db: Database,
	workspaceId: string,
	query: AuditQuery
): Promise<{ events: AuditEntry[]; nextCursor: number | null }> {
	const rows = await db
		.select({ event: auditEvents, actorName: users.name })
		.from(auditEvents)
		.leftJoin(users, eq(users.id, auditEvents.actorId))
		.where(
			and(
				eq(auditEvents.workspaceId, workspaceId),
				query.before === undefined ? undefined : lt(auditEvents.id, query.before),
				query.actions?.length ? inArray(auditEvents.action, query.actions) : undefined,
				query.actorId === undefined ? undefined : eq(auditEvents.actorId, query.actorId)
			)
		)
		.orderBy(desc(auditEvents.id))
		// One more than asked tells whether another page follows.
		.limit(query.limit + 1);
	const page = rows.slice(0, query.limit);
	const events = page.map(({ event, actorName }) => ({ ...event, actorName }));
	return { events, nextCursor: rows.length > query.limit ? events[events.length - 1]!.id : null };
}
