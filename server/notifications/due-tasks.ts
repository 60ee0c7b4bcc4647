import { and, eq, gt, isNull, lte } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { dealsProjection, memberships, pipelines, tasksProjection } from '../db/schema.js';
import type { Notifier } from './notifier.js';

/** A task is "due soon" this long before its due time. */
export const dueSoonMs = 60 * 60_000;
/**
 * Overdue tasks older than this are not announced: after a long downtime, or
 * on the first run, a rep is not flooded with every task they already see
 * as overdue in My tasks. It still covers a weekend's outage.
 */
export const overdueLookbackMs = 3 * 24 * 60 * 60_000;

/**
 * Tells each assignee of their open tasks that fall due within the hour, and
 * of those that just went overdue. Run it periodically (the scheduler does):
 * every notification's key names the task and its due time, so running it
 * twice, or on two nodes, tells once, and a task moved to another time is
 * announced again for its new time.
 */
export async function notifyDueTasks(db: Database, notifier: Notifier, now: Date): Promise<number> {
	const soon = await findOpenTasks(db, { after: now, upTo: new Date(now.getTime() + dueSoonMs) });
	const overdue = await findOpenTasks(db, { after: new Date(now.getTime() - overdueLookbackMs), upTo: now });
	let sent = 0;
	for (const [kind, tasks] of [['task_due_soon', soon], ['task_overdue', overdue]] as const) {
		for (const task of tasks) {
			const id = await notifier.notify({
				workspaceId: task.workspaceId,
				userId: task.assigneeId,
				kind,
				params: { title: task.title, dealTitle: task.dealTitle, dueAt: task.dueAt.toISOString() },
				dealId: task.dealId,
				taskId: task.id,
				key: `${kind}:${task.pipelineId}:${task.id}:${task.dueAt.toISOString()}`,
				at: now
			});
			if (id) sent += 1;
		}
	}
	return sent;
}

/** Open tasks due in (after, upTo], on live deals and pipelines, whose assignee is still a member. */
function findOpenTasks(db: Database, window: { after: Date; upTo: Date }) {
	return db
		.select({
			id: tasksProjection.id,
			pipelineId: tasksProjection.pipelineId,
			title: tasksProjection.title,
			dueAt: tasksProjection.dueAt,
			assigneeId: tasksProjection.assigneeId,
			dealId: dealsProjection.id,
			dealTitle: dealsProjection.title,
			workspaceId: pipelines.workspaceId
		})
		.from(tasksProjection)
		.innerJoin(dealsProjection, and(eq(dealsProjection.pipelineId, tasksProjection.pipelineId), eq(dealsProjection.id, tasksProjection.dealId)))
		.innerJoin(pipelines, eq(pipelines.id, tasksProjection.pipelineId))
		.innerJoin(memberships, and(eq(memberships.workspaceId, pipelines.workspaceId), eq(memberships.userId, tasksProjection.assigneeId)))
		.where(
			and(
				eq(tasksProjection.done, false),
				gt(tasksProjection.dueAt, window.after),
				lte(tasksProjection.dueAt, window.upTo),
				isNull(dealsProjection.deletedAt),
				isNull(dealsProjection.archivedAt),
				isNull(pipelines.archivedAt)
			)
		);
}
