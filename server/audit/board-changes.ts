import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { pipelines, stagesProjection, users, type AuditAction } from '../db/schema.js';
import { recordAuditEvents } from './audit-log.js';

// What the board projection records: deals moved to another stage or handed
// to another owner, and stages deleted. The projection calls these inside its
// own transaction, so the rows and their events are written together.

/** One change of a deal's stage or owner, as the board projection sees it. */
export interface DealChange {
	dealId: string;
	/** The deal's title, kept as the event's label. */
	dealTitle?: string | null;
	/** The user who made the change; null for the server (repairs, jobs). */
	by: string | null;
	field: 'stage' | 'owner' | 'status' | 'value' | 'closeDate';
	/** The stage or owner id (status; value as "minor currency") before; null when the deal is new. */
	from: string | null;
	to: string;
	/** A deal closed as lost: the reason given. */
	lostReason?: string | null;
	/** When it happened, when the board says so (a stage entry's time, a close's `closedAt`); else the batch's time. */
	at?: Date;
}

/** A deal as the projection reads it, before or after a batch. */
export interface DealState {
	stageId: string;
	ownerId: string;
	status: string;
	valueMinor: number;
	currency: string;
	lostReason?: string | null;
	expectedCloseDate?: string | null;
}

const valueOf = (deal: Pick<DealState, 'valueMinor' | 'currency'>) => `${deal.valueMinor} ${deal.currency}`;

/**
 * The stage and owner changes of a batch: each deal that was in the
 * projection before and now has another stage or owner. New deals are not
 * changes; they are left out.
 */
export function findDealChanges(
	before: ReadonlyMap<string, DealState>,
	after: ReadonlyArray<DealState & { id: string; title: string }>,
	by: (dealId: string) => string | null
): DealChange[] {
	const changes: DealChange[] = [];
	for (const deal of after) {
		const previous = before.get(deal.id);
		if (!previous) continue;
		const common = { dealId: deal.id, dealTitle: deal.title, by: by(deal.id) };
		if (previous.stageId !== deal.stageId) changes.push({ ...common, field: 'stage', from: previous.stageId, to: deal.stageId });
		if (previous.ownerId !== deal.ownerId) changes.push({ ...common, field: 'owner', from: previous.ownerId, to: deal.ownerId });
		// Won, lost (with the reason) and reopened, and a new value: the moments of a deal's history that matter.
		if (previous.status !== deal.status) changes.push({ ...common, field: 'status', from: previous.status, to: deal.status, lostReason: deal.lostReason ?? null });
		if (valueOf(previous) !== valueOf(deal)) changes.push({ ...common, field: 'value', from: valueOf(previous), to: valueOf(deal) });
		if ((previous.expectedCloseDate ?? null) !== (deal.expectedCloseDate ?? null)) {
			changes.push({ ...common, field: 'closeDate', from: previous.expectedCloseDate ?? null, to: deal.expectedCloseDate ?? '' });
		}
	}
	return changes;
}

/**
 * Records the stage and owner changes of one persisted board batch. Call it
 * inside the projection's transaction. Stage, owner and pipeline names are
 * read as they are at that moment and kept in the detail.
 */
export async function recordDealChanges(
	tx: Database,
	input: {
		workspaceId: string;
		pipelineId: string;
		at: Date;
		changes: DealChange[];
		/** The board's own names, when the caller has them (the projection reads its document): saves two reads per batch. */
		names?: { pipeline: string | null; stages: ReadonlyMap<string, string> };
	}
): Promise<void> {
	const { workspaceId, pipelineId, at, changes } = input;
	if (changes.length === 0) return;
	const stageIds = idsOf(changes.filter((change) => change.field === 'stage'));
	// Closing moves the deal to a won or lost stage as well: the close says it, the move need not twice.
	const ownerIds = idsOf(changes.filter((change) => change.field === 'owner'));
	const stageNames = input.names
		? input.names.stages
		: await namesOf(stageIds, (ids) =>
				tx
					.select({ id: stagesProjection.id, name: stagesProjection.name })
					.from(stagesProjection)
					.where(and(eq(stagesProjection.pipelineId, pipelineId), inArray(stagesProjection.id, ids)))
			);
	const ownerNames = await namesOf(ownerIds, (ids) => tx.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids)));
	const pipelineName = input.names ? input.names.pipeline : await namePipeline(tx, pipelineId);
	await recordAuditEvents(
		tx,
		changes.map((change) => {
			const names = change.field === 'stage' ? stageNames : ownerNames;
			const named = change.field === 'stage' || change.field === 'owner';
			return {
				workspaceId,
				actorId: change.by,
				actorKind: change.by ? 'member' : 'system',
				action: actionOf(change),
				target: { type: 'deal', id: change.dealId, label: change.dealTitle ?? null },
				detail: {
					pipelineId,
					pipelineName,
					from: change.from,
					to: change.to,
					...(named ? { fromName: change.from ? (names.get(change.from) ?? null) : null, toName: names.get(change.to) ?? null } : {}),
					...(change.field === 'status' && change.to === 'lost' ? { reason: change.lostReason ?? null } : {})
				},
				at: change.at ?? at
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

function actionOf(change: DealChange): AuditAction {
	switch (change.field) {
		case 'stage':
			return 'deal.stage_changed';
		case 'owner':
			return 'deal.owner_changed';
		case 'value':
			return 'deal.value_changed';
		case 'closeDate':
			return 'deal.close_date_changed';
		case 'status':
			return change.to === 'open' ? 'deal.reopened' : 'deal.closed';
	}
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
