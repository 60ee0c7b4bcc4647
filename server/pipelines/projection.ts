import { and, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type * as Y from 'yjs';
import { boardMaps, listStages, readDeal, readTask } from '../../src/lib/model/board.js';
import type { Deal, Task } from '../../src/lib/model/schema.js';
import { dealSchema, taskSchema } from '../../src/lib/model/validate.js';
import type { ChangeSet } from '../board/change-set.js';
import type { Database } from '../db/client.js';
import { dealsProjection, projectionMarks, stageEvents, stagesProjection, tasksProjection } from '../db/schema.js';
import { toStageRow } from './pipeline.js';
import { findDealChanges, recordDealChanges, recordStageDeletions, type DealState } from '../audit/board-changes.js';

const chunkSize = 500;

/** Marks a deal row whose stage entry time stays as it is (see projectBoard). */
const keptEntry = new Date(0);

function chunks<T>(items: T[]): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < items.length; i += chunkSize) out.push(items.slice(i, i + chunkSize));
	return out;
}

/** `set` for an upsert that takes every listed column from the proposed row. */
function fromExcluded(table: PgTable, columns: string[]) {
	const byKey = table as unknown as Record<string, { name: string }>;
	return Object.fromEntries(columns.map((key) => [key, sql.raw(`excluded."${byKey[key]!.name}"`)]));
}

const dealColumns = [
	'title', 'valueMinor', 'currency', 'stageId', 'rank', 'ownerId', 'contactId', 'companyId',
	'source', 'status', 'lostReason', 'lostNote', 'createdAt', 'updatedAt', 'closedAt'
];
const taskColumns = ['dealId', 'type', 'title', 'dueAt', 'assigneeId', 'done', 'doneAt', 'auto'];

/** The board being projected: its document and the identity the database gave it. */
export interface ProjectedBoard {
	pipelineId: string;
	workspaceId: string;
	doc: Y.Doc;
}

/** What to bring up to date: the entities a batch touched, or everything (`all`). */
export interface ProjectionScope {
	all: boolean;
	changes?: ChangeSet;
	at: Date;
	/** The board's update log is projected up to here once this commits. */
	upToUpdateId: number;
}

/** The update id the board's projection has caught up with (0: never projected). */
export async function readProjectionMark(db: Database, pipelineId: string): Promise<number> {
	const [row] = await db.select().from(projectionMarks).where(eq(projectionMarks.pipelineId, pipelineId));
	return row?.projectedUpdateId ?? 0;
}

/**
 * Brings the relational projection up to date with the board: the deals,
 * tasks and stages in scope, and a stage event for each deal that entered a
 * stage (with who moved it). Reports and lists read these tables, never the
 * document. Deals that leave the document (archived) keep their rows.
 *
 * Every statement is scoped by the board's pipeline: a row of another board
 * with the same id is never read, overwritten or deleted (ids are refused at
 * the socket too; this is the second lock). The mark moves in the same
 * transaction, so a crash leaves the mark behind the work, never ahead of it.
 */
export async function projectBoard(db: Database, board: ProjectedBoard, scope: ProjectionScope): Promise<void> {
	const { pipelineId, workspaceId, doc } = board;
	const maps = boardMaps(doc);
	const dealIds = scope.all ? [...maps.deals.keys()] : [...(scope.changes?.deals.keys() ?? [])];
	const taskIds = scope.all ? [...maps.tasks.keys()] : [...(scope.changes?.tasks.keys() ?? [])];
	// A whole board may hold entities stored before today's checks: project the valid ones.
	const valid = (schema: typeof dealSchema | typeof taskSchema) => (entity: { id: string } | null) => {
		if (entity === null || !scope.all) return entity !== null;
		const { id: _id, ...fields } = entity;
		return schema.safeParse(fields).success;
	};
	const deals = dealIds.map((id) => readDeal(doc, id)).filter(valid(dealSchema)) as Deal[];
	const tasks = taskIds.map((id) => readTask(doc, id)).filter(valid(taskSchema)) as Task[];
	const gone = scope.all ? [] : taskIds.filter((id) => !maps.tasks.has(id));
	const movedBy = (dealId: string) => scope.changes?.deals.get(dealId)?.by ?? null;

	await db.transaction(async (tx) => {
		const previous = new Map<string, DealState>();
		for (const part of chunks(deals.map((deal) => deal.id))) {
			const rows = await tx
				.select({ id: dealsProjection.id, stageId: dealsProjection.stageId, ownerId: dealsProjection.ownerId })
				.from(dealsProjection)
				.where(and(eq(dealsProjection.pipelineId, pipelineId), inArray(dealsProjection.id, part)));
			for (const row of rows) previous.set(row.id, row);
		}
		const previousStage = new Map([...previous].map(([id, row]) => [id, row.stageId]));
		const moves = findStageMoves(deals, previousStage, scope);
		// Who moved or handed over which deal, in the audit log, with the rows.
		const ownerChanges = findDealChanges(previous, deals, movedBy).filter((change) => change.field === 'owner');
		const stageChanges = moves.filter((move) => move.fromStageId !== null).map((move) => ({
			dealId: move.dealId,
			dealTitle: move.title,
			by: move.userId,
			field: 'stage' as const,
			from: move.fromStageId,
			to: move.toStageId
		}));
		const names = { pipeline: readBoardName(doc), stages: new Map(listStages(doc).map((stage) => [stage.id, stage.name])) };
		await recordDealChanges(tx, { workspaceId, pipelineId, at: scope.at, changes: [...stageChanges, ...ownerChanges], names });
		// The time each deal entered its present stage: its last move.
		const enteredAt = new Map(moves.map((move) => [move.dealId, move.at]));
		// Deals that stayed in their stage keep their stage entry time: their
		// rows carry `keptEntry` (they are in the projection already, so this
		// value is never inserted), and one statement upserts every row.
		const dealRows = deals.map((deal) => toDealRow(deal, pipelineId, workspaceId, enteredAt.get(deal.id) ?? keptEntry));
		for (const part of chunks(dealRows)) {
			await tx
				.insert(dealsProjection)
				.values(part)
				.onConflictDoUpdate({
					target: dealsProjection.id,
					set: {
						...fromExcluded(dealsProjection, dealColumns),
						stageEnteredAt: sql`case when excluded.stage_entered_at = ${keptEntry} then ${dealsProjection.stageEnteredAt} else excluded.stage_entered_at end`
					},
					setWhere: eq(dealsProjection.pipelineId, pipelineId)
				});
		}
		for (const part of chunks(moves)) {
			await tx.insert(stageEvents).values(part.map(({ title: _title, ...move }) => ({ pipelineId, ...move })));
		}
		for (const part of chunks(tasks.map((task) => toTaskRow(task, pipelineId)))) {
			await tx
				.insert(tasksProjection)
				.values(part)
				.onConflictDoUpdate({ target: tasksProjection.id, set: fromExcluded(tasksProjection, taskColumns), setWhere: eq(tasksProjection.pipelineId, pipelineId) });
		}
		await deleteRemovedTasks(tx, pipelineId, maps, scope.all ? null : gone);
		if (scope.all || (scope.changes?.stages.size ?? 0) > 0) {
			const stages = listStages(doc);
			const before = await tx.select({ id: stagesProjection.id, name: stagesProjection.name }).from(stagesProjection).where(eq(stagesProjection.pipelineId, pipelineId));
			const deleted = before.filter((row) => !stages.some((stage) => stage.id === row.id));
			const by = scope.changes?.stagesBy ?? null;
			await recordStageDeletions(tx, { workspaceId, pipelineId, at: scope.at, stages: deleted.map((row) => ({ stageId: row.id, name: row.name, by })) });
			await tx.delete(stagesProjection).where(eq(stagesProjection.pipelineId, pipelineId));
			if (stages.length > 0) await tx.insert(stagesProjection).values(stages.map((stage) => ({ pipelineId, ...toStageRow(stage) })));
		}
		await tx
			.insert(projectionMarks)
			.values({ pipelineId, projectedUpdateId: scope.upToUpdateId })
			.onConflictDoUpdate({
				target: projectionMarks.pipelineId,
				set: { projectedUpdateId: sql`greatest(${projectionMarks.projectedUpdateId}, excluded.projected_update_id)` }
			});
	});
}

function readBoardName(doc: Y.Doc): string | null {
	const name = boardMaps(doc).meta.get('name');
	return typeof name === 'string' ? name : null;
}

interface StageMove {
	dealId: string;
	title: string;
	fromStageId: string | null;
	toStageId: string;
	userId: string | null;
	at: Date;
}

/**
 * Each stage each deal entered since the projection last saw it, in order:
 * the entries the accepted changes recorded (several when batches were
 * coalesced), or, for a whole-board catch-up, the step from the projected
 * stage to the present one.
 */
function findStageMoves(deals: Deal[], previousStage: ReadonlyMap<string, string>, scope: ProjectionScope): StageMove[] {
	const moves: StageMove[] = [];
	for (const deal of deals) {
		const change = scope.changes?.deals.get(deal.id);
		let from = previousStage.get(deal.id) ?? null;
		const add = (toStageId: string, userId: string | null, at: Date) => {
			if (toStageId === from) return;
			moves.push({ dealId: deal.id, title: deal.title, fromStageId: from, toStageId, userId, at });
			from = toStageId;
		};
		for (const entry of change?.entered ?? []) add(entry.stageId, entry.by, entry.at);
		// Whatever the entries missed (a catch-up, a change from before they were kept) still ends where the deal is.
		add(deal.stageId, change?.by ?? null, scope.at);
	}
	return moves;
}

/**
 * Deletes the rows of tasks deleted from the board: those named (`gone`), or
 * with `null` every row of the board whose task is gone while its deal is
 * still there. A task gone with its deal was archived, not deleted: its row stays.
 */
async function deleteRemovedTasks(tx: Database, pipelineId: string, maps: ReturnType<typeof boardMaps>, gone: string[] | null): Promise<void> {
	const scoped = eq(tasksProjection.pipelineId, pipelineId);
	const candidates =
		gone === null
			? await tx
					.select({ id: tasksProjection.id, dealId: tasksProjection.dealId })
					.from(tasksProjection)
					.where(maps.tasks.size > 0 ? and(scoped, notInArray(tasksProjection.id, [...maps.tasks.keys()])) : scoped)
			: (
					await Promise.all(
						chunks(gone).map((part) =>
							tx.select({ id: tasksProjection.id, dealId: tasksProjection.dealId }).from(tasksProjection).where(and(scoped, inArray(tasksProjection.id, part)))
						)
					)
				).flat();
	const removed = candidates.filter((row) => maps.deals.has(row.dealId)).map((row) => row.id);
	for (const part of chunks(removed)) await tx.delete(tasksProjection).where(and(scoped, inArray(tasksProjection.id, part)));
}

function toDealRow(deal: Deal, pipelineId: string, workspaceId: string, at: Date) {
	return {
		id: deal.id,
		pipelineId,
		workspaceId,
		title: deal.title,
		valueMinor: deal.valueMinor,
		currency: deal.currency,
		stageId: deal.stageId,
		rank: deal.rank,
		ownerId: deal.ownerId,
		contactId: deal.contactId ?? null,
		companyId: deal.companyId ?? null,
		source: deal.source,
		status: deal.status,
		lostReason: deal.lostReason ?? null,
		lostNote: deal.lostNote ?? null,
		createdAt: new Date(deal.createdAt),
		updatedAt: new Date(deal.updatedAt),
		closedAt: deal.closedAt ? new Date(deal.closedAt) : null,
		stageEnteredAt: at
	};
}

function toTaskRow(task: Task, pipelineId: string) {
	return {
		id: task.id,
		pipelineId,
		dealId: task.dealId,
		type: task.type,
		title: task.title,
		dueAt: new Date(task.dueAt),
		assigneeId: task.assigneeId,
		done: task.done,
		doneAt: task.doneAt ? new Date(task.doneAt) : null,
		auto: task.auto ?? false
	};
}
