import { and, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type * as Y from 'yjs';
import { boardMaps, listStages, readDeal, readTask } from '../../src/lib/model/board.js';
import type { Deal, Task } from '../../src/lib/model/schema.js';
import { dealSchema, taskSchema } from '../../src/lib/model/validate.js';
import type { ChangeSet } from '../board/change-set.js';
import type { Database } from '../db/client.js';
import { projectionMarks, stagesProjection, tasksProjection } from '../db/schema.js';
import { findDealChanges, recordDealChanges, recordStageDeletions } from '../audit/board-changes.js';
import { toStageRow } from './pipeline.js';
import { insertStageEvents, readDealStates, readTaskAssignees, upsertDeals, upsertTasks } from './projection-rows.js';

const chunkSize = 500;

/** A projection writing this many rows refreshes the planner's statistics afterwards. */
const bulkRows = 1000;

function chunks<T>(items: T[]): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < items.length; i += chunkSize) out.push(items.slice(i, i + chunkSize));
	return out;
}

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

/**
 * What a projected batch changed that a person should hear of: deals handed
 * to another owner, tasks given to someone. Only batches of known changes
 * say it; a whole-board catch-up knows no authors and says nothing.
 */
export interface ProjectedHandovers {
	/** The batch's last update id: with the deal or task, it names the change on every node. */
	updateId: number;
	reassigned: Array<{ dealId: string; title: string; from: string; to: string; by: string | null }>;
	assigned: Array<{ taskId: string; dealId: string; title: string; assigneeId: string; by: string | null }>;
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
export async function projectBoard(db: Database, board: ProjectedBoard, scope: ProjectionScope): Promise<ProjectedHandovers> {
	const { pipelineId, workspaceId, doc } = board;
	const maps = boardMaps(doc);
	const dealIds = scope.all ? [...maps.deals.keys()] : [...(scope.changes?.deals.keys() ?? [])];
	const taskIds = scope.all ? [...maps.tasks.keys()] : [...(scope.changes?.tasks.keys() ?? [])];
	// A whole board may hold entities stored before today's checks: project the valid ones.
	const valid = (schema: typeof dealSchema | typeof taskSchema) => (entity: { id: string } | null) => {
		if (entity === null || !scope.all) return entity !== null;
		// A deal's custom values are checked against the workspace's fields when written, not here.
		const { id: _id, fields: _custom, ...fields } = entity as { id: string; fields?: unknown };
		return schema.safeParse(fields).success;
	};
	const deals = dealIds.map((id) => readDeal(doc, id)).filter(valid(dealSchema)) as Deal[];
	const tasks = taskIds.map((id) => readTask(doc, id)).filter(valid(taskSchema)) as Task[];
	const gone = scope.all ? [] : taskIds.filter((id) => !maps.tasks.has(id));
	const movedBy = (dealId: string) => scope.changes?.deals.get(dealId)?.by ?? null;
	const handovers: ProjectedHandovers = { updateId: scope.upToUpdateId, reassigned: [], assigned: [] };

	await db.transaction(async (tx) => {
		const previous = await readDealStates(tx, pipelineId, deals.map((deal) => deal.id));
		const previousStage = new Map([...previous].map(([id, row]) => [id, row.stageId]));
		const moves = findStageMoves(deals, previousStage, scope);
		// Who moved or handed over which deal, in the audit log, with the rows.
		const closedAt = new Map(deals.flatMap((deal) => (deal.closedAt ? [[deal.id, new Date(deal.closedAt)] as const] : [])));
		const ownerChanges = findDealChanges(previous, deals, movedBy)
			.filter((change) => change.field !== 'stage')
			.map((change) => (change.field === 'status' && change.to !== 'open' && closedAt.has(change.dealId) ? { ...change, at: closedAt.get(change.dealId) } : change));
		const stageChanges = moves.filter((move) => move.fromStageId !== null).map((move) => ({
			dealId: move.dealId,
			dealTitle: move.title,
			by: move.userId,
			field: 'stage' as const,
			from: move.fromStageId,
			to: move.toStageId,
			at: move.at
		}));
		const names = { pipeline: readBoardName(doc), stages: new Map(listStages(doc).map((stage) => [stage.id, stage.name])) };
		await recordDealChanges(tx, { workspaceId, pipelineId, at: scope.at, changes: [...stageChanges, ...ownerChanges], names });
		// The time each deal entered its present stage: its last move.
		const enteredAt = new Map(moves.map((move) => [move.dealId, move.at]));
		// Deals that stayed in their stage keep their stage entry time (null here).
		await upsertDeals(tx, board, deals.map((deal) => ({ deal, stageEnteredAt: enteredAt.get(deal.id) ?? null })));
		await insertStageEvents(tx, pipelineId, moves);
		if (scope.changes) {
			handovers.reassigned = ownerChanges
				.filter((change) => change.field === 'owner')
				.map((change) => ({ dealId: change.dealId, title: change.dealTitle ?? '', from: change.from ?? '', to: change.to, by: change.by }));
			handovers.assigned = findTaskAssignments(tasks, await readTaskAssignees(tx, pipelineId, tasks.map((task) => task.id)), scope.changes);
		}
		await upsertTasks(tx, pipelineId, tasks);
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
	// A bulk write (sample data, a batch, a whole-board catch-up) changes the
	// tables' shape; PGlite has no autovacuum, so without fresh statistics the
	// planner keeps believing the tables are empty and picks nested loops that
	// grow with the square of the rows (My tasks took seconds at 5,000 deals).
	if (deals.length + tasks.length >= bulkRows) await db.execute(sql`analyze deals, tasks, stage_events`);
	return handovers;
}

/**
 * Tasks a change gave to someone: a new task on an existing deal, or a task
 * whose assignee changed. A task created with its deal (a new lead, an
 * import, sample data) is the deal's own news, told as such if at all. A new
 * task the server wrote (no member did) is the automation's: a scheduled
 * process tells of its own tasks with what made them (one notification, not
 * two), and a repair or a stage rule's task is the board's routine.
 */
function findTaskAssignments(tasks: Task[], previousAssignee: ReadonlyMap<string, string>, changes: ChangeSet): ProjectedHandovers['assigned'] {
	return tasks.flatMap((task) => {
		const change = changes.tasks.get(task.id);
		if (!change || task.done) return [];
		const previous = previousAssignee.get(task.id);
		const isNew = previous === undefined;
		if (isNew && changes.deals.get(task.dealId)?.created) return [];
		if (isNew && (change.by ?? null) === null) return [];
		if (!isNew && previous === task.assigneeId) return [];
		return [{ taskId: task.id, dealId: task.dealId, title: task.title, assigneeId: task.assigneeId, by: change.by ?? null }];
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
