import { and, eq, inArray, isNull, lt, ne, notExists, or, sql } from 'drizzle-orm';
import { logAutomation } from '../automation/automation-log.js';
import type { Database } from '../db/client.js';
import { automationLog, dealsProjection, memberships, pipelineMembers, pipelines, tasksProjection, users } from '../db/schema.js';
import type { JobContext } from '../jobs/scheduler.js';
import { addWorkingTime } from '../workspaces/working-time.js';
import { listEnabledProcesses } from './settings.js';

export const escalationSource = 'escalation';

/**
 * A task overdue longer than the workspace's limit is reported to its
 * assignee's manager: the member they report to, else every owner, admin and
 * manager who sees the deal's pipeline (never the assignee themself). Once
 * per task: its log key is checked in the same query that finds the tasks.
 */
export async function escalateOverdueTasks(context: JobContext): Promise<void> {
	const { db, now } = context;
	for (const workspace of await listEnabledProcesses(db, 'escalation')) {
		const { afterHours, unit } = workspace.settings;
		// Working hours pass no faster than clock hours: this bound finds every candidate, the check below the rest.
		const latestDue = new Date(now.getTime() - afterHours * 3_600_000);
		const overdue = await db
			.select({
				taskId: tasksProjection.id,
				title: tasksProjection.title,
				dueAt: tasksProjection.dueAt,
				assigneeId: tasksProjection.assigneeId,
				assigneeName: users.name,
				dealId: dealsProjection.id,
				dealTitle: dealsProjection.title,
				contactId: dealsProjection.contactId,
				pipelineId: pipelines.id,
				pipelineAccess: pipelines.access
			})
			.from(tasksProjection)
			.innerJoin(dealsProjection, eq(dealsProjection.id, tasksProjection.dealId))
			.innerJoin(pipelines, eq(pipelines.id, tasksProjection.pipelineId))
			.leftJoin(users, eq(users.id, tasksProjection.assigneeId))
			.where(
				and(
					eq(pipelines.workspaceId, workspace.workspaceId),
					isNull(pipelines.archivedAt),
					eq(tasksProjection.done, false),
					lt(tasksProjection.dueAt, latestDue),
					eq(dealsProjection.status, 'open'),
					isNull(dealsProjection.archivedAt),
					isNull(dealsProjection.deletedAt),
					notExists(
						db
							.select({ id: automationLog.id })
							.from(automationLog)
							.where(and(eq(automationLog.workspaceId, workspace.workspaceId), eq(automationLog.key, sql`${escalationSource} || ':' || ${tasksProjection.id}`)))
					)
				)
			);
		for (const task of overdue) {
			if (addWorkingTime(task.dueAt, afterHours, unit, workspace.calendar) > now) continue;
			const recipients = await findEscalationRecipients(db, workspace.workspaceId, task.assigneeId, task.pipelineId, task.pipelineAccess);
			const key = `${escalationSource}:${task.taskId}`;
			for (const userId of recipients) {
				await context.notifier.notify({
					workspaceId: workspace.workspaceId,
					userId,
					kind: 'task_escalated',
					// `title` and `by` are what the notification's words name: the task, and whose it is.
					params: { title: task.title, by: task.assigneeName ?? null, taskTitle: task.title, dealTitle: task.dealTitle, assigneeName: task.assigneeName ?? '', dueAt: task.dueAt.toISOString() },
					dealId: task.dealId,
					taskId: task.taskId,
					contactId: task.contactId,
					key,
					at: now
				});
			}
			await logAutomation(db, {
				workspaceId: workspace.workspaceId,
				kind: 'job',
				source: escalationSource,
				outcome: recipients.length > 0 ? 'done' : 'skipped',
				dealId: task.dealId,
				taskId: task.taskId,
				contactId: task.contactId,
				detail: {
					taskTitle: task.title,
					dealTitle: task.dealTitle,
					assigneeId: task.assigneeId,
					assigneeName: task.assigneeName,
					dueAt: task.dueAt.toISOString(),
					recipients,
					...(recipients.length === 0 ? { reason: 'no_manager' } : {})
				},
				key,
				at: now
			});
		}
	}
}

/** Whom an assignee's overdue task goes to: whom they report to (a member still), else the pipeline's managers. */
export async function findEscalationRecipients(
	db: Database,
	workspaceId: string,
	assigneeId: string,
	pipelineId: string,
	access: 'workspace' | 'members'
): Promise<string[]> {
	const [assignee] = await db
		.select({ reportsTo: memberships.reportsTo })
		.from(memberships)
		.where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, assigneeId)));
	if (assignee?.reportsTo && assignee.reportsTo !== assigneeId) {
		const [manager] = await db
			.select({ userId: memberships.userId })
			.from(memberships)
			.where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, assignee.reportsTo)));
		if (manager) return [manager.userId];
	}
	const seesPipeline =
		access === 'workspace'
			? inArray(memberships.role, ['owner', 'admin', 'manager'])
			: or(
					inArray(memberships.role, ['owner', 'admin']),
					and(
						eq(memberships.role, 'manager'),
						inArray(memberships.userId, db.select({ id: pipelineMembers.userId }).from(pipelineMembers).where(eq(pipelineMembers.pipelineId, pipelineId)))
					)
				);
	const managers = await db
		.select({ userId: memberships.userId })
		.from(memberships)
		.where(and(eq(memberships.workspaceId, workspaceId), ne(memberships.userId, assigneeId), seesPipeline));
	return managers.map((row) => row.userId).sort();
}
