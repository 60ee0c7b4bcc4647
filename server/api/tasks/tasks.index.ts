import { readTask, setTaskDone, updateTask } from '../../../src/lib/model/index.js';
import { generateId } from '../../auth/tokens.js';
import { findTaskPipeline } from '../../deals/deal-lookup.js';
import { countOverdueTasksOfUser, listOpenTasksOfUser, listRecentlyDoneTasksOfUser } from '../../deals/my-tasks.js';
import { findTeamTasks, listTeamTasks } from '../../deals/team-tasks.js';
import { findInProjection, requireAuth, requirePipeline, requireWorkspace } from '../../http/auth.js';
import { notFound } from '../../http/errors.js';
import { createRouter } from '../../http/router.js';
import { listLostReasons, replaceLostReasons } from '../../workspaces/lost-reasons.js';
import { assertMember, changeBoard } from '../board-change.js';
import { recordAuditEvent } from '../../audit/audit-log.js';
import { auditActor } from '../audit-actor.js';
import * as routes from './tasks.routes.js';
import { t } from '../../i18n/text.js';
import { m } from '../../../src/lib/paraglide/messages.js';

/** How far back "My tasks" offers a completed task for reopening. */
const recentlyDoneMs = 24 * 60 * 60 * 1000;

const dayMs = 24 * 60 * 60 * 1000;

const router = createRouter()
	.openapi(routes.teamTasksRoute, async (c) => {
		const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId, 'manager');
		const viewer = { workspaceId: workspace.id, userId: requireAuth(c).user.id, role: workspace.role };
		const query = c.req.valid('query');
		const now = c.var.deps.now();
		const dayStart = query.dayStart ? new Date(query.dayStart) : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
		const { rows, total } = await listTeamTasks(
			c.var.deps.db,
			viewer,
			{ assigneeId: query.rep, pipelineId: query.pipelineId, type: query.type, due: query.due, now, dayEnd: new Date(dayStart.getTime() + dayMs) },
			{ limit: query.limit, offset: query.offset, order: query.order }
		);
		const tasks = rows.map((row) => ({
			id: row.id,
			type: row.type,
			title: row.title,
			dueAt: row.dueAt.toISOString(),
			assigneeId: row.assigneeId,
			assigneeName: row.assigneeName,
			auto: row.auto,
			overdue: row.dueAt.getTime() < now.getTime(),
			deal: { id: row.dealId, title: row.dealTitle, status: row.dealStatus },
			pipeline: { id: row.pipelineId, name: row.pipelineName }
		}));
		return c.json({ tasks, total }, 200);
	})
	.openapi(routes.reassignTasksRoute, async (c) => {
		const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId, 'manager');
		const { user } = requireAuth(c);
		const { taskIds, assigneeId } = c.req.valid('json');
		await assertMember(c, workspace.id, assigneeId, 'assigneeId');
		const found = await findTeamTasks(c.var.deps.db, { workspaceId: workspace.id, userId: user.id, role: workspace.role }, taskIds);
		if (found.length !== taskIds.length) throw notFound(t(m.error_team_task_not_found));
		const byPipeline = new Map<string, string[]>();
		for (const task of found) byPipeline.set(task.pipelineId, [...(byPipeline.get(task.pipelineId) ?? []), task.id]);
		const writer = { kind: 'member', userId: user.id, role: workspace.role } as const;
		// Each board takes its tasks in one change, under its rules, like a drag on the board would.
		let reassigned = 0;
		for (const [pipelineId, ids] of byPipeline) {
			reassigned += await changeBoard(c, pipelineId, writer, (doc) => {
				let changed = 0;
				for (const id of ids) {
					if (!readTask(doc, id)) continue;
					updateTask(doc, id, { assigneeId });
					changed += 1;
				}
				return changed;
			});
		}
		return c.json({ reassigned }, 200);
	})
	.openapi(routes.updateTaskRoute, async (c) => {
		const { taskId } = c.req.valid('param');
		const found = await findInProjection(c, () => findTaskPipeline(c.var.deps.db, taskId));
		if (!found) throw notFound(t(m.error_task_not_found));
		const access = await requirePipeline(c, found.pipelineId, 'rep');
		const { user } = requireAuth(c);
		const { done, next, ...changes } = c.req.valid('json');
		const workspaceId = access.pipeline.workspaceId;
		if (changes.assigneeId) await assertMember(c, workspaceId, changes.assigneeId, 'assigneeId');
		if (next?.assigneeId) await assertMember(c, workspaceId, next.assigneeId, 'next.assigneeId');
		const clock = { now: () => c.var.deps.now().toISOString() };
		const result = await changeBoard(c, found.pipelineId, { kind: 'member', userId: user.id, role: access.role }, (doc) => {
			if (!readTask(doc, taskId)) throw notFound(t(m.error_task_not_on_board));
			updateTask(doc, taskId, { ...changes, dueAt: changes.dueAt && new Date(changes.dueAt).toISOString() });
			const created =
				done === undefined
					? null
					: setTaskDone(doc, taskId, done, clock, next && { id: generateId(), ...next, dueAt: new Date(next.dueAt).toISOString() });
			return { task: readTask(doc, taskId)!, next: created };
		});
		return c.json(result, 200);
	})
	.openapi(routes.myTasksRoute, async (c) => {
		const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId);
		const owner = { workspaceId: workspace.id, userId: requireAuth(c).user.id, role: workspace.role };
		const { db } = c.var.deps;
		const now = c.var.deps.now().getTime();
		const [open, done] = await Promise.all([
			listOpenTasksOfUser(db, owner),
			listRecentlyDoneTasksOfUser(db, owner, new Date(now - recentlyDoneMs))
		]);
		const toJson = (row: (typeof open)[number]) => ({
			id: row.id,
			type: row.type,
			title: row.title,
			dueAt: row.dueAt.toISOString(),
			doneAt: row.doneAt?.toISOString() ?? null,
			assigneeId: row.assigneeId,
			auto: row.auto,
			overdue: row.doneAt === null && row.dueAt.getTime() < now,
			deal: { id: row.dealId, title: row.dealTitle, status: row.dealStatus },
			pipeline: { id: row.pipelineId, name: row.pipelineName }
		});
		const tasks = open.map(toJson);
		return c.json({ tasks, overdue: tasks.filter((task) => task.overdue).length, done: done.map(toJson) }, 200);
	})
	.openapi(routes.myOverdueCountRoute, async (c) => {
		const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId);
		const owner = { workspaceId: workspace.id, userId: requireAuth(c).user.id, role: workspace.role };
		return c.json({ overdue: await countOverdueTasksOfUser(c.var.deps.db, owner, c.var.deps.now()) }, 200);
	})
	.openapi(routes.listLostReasonsRoute, async (c) => {
		const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId);
		return c.json({ reasons: await listLostReasons(c.var.deps.db, workspace.id) }, 200);
	})
	.openapi(routes.replaceLostReasonsRoute, async (c) => {
		const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId, 'admin');
		const { db, now } = c.var.deps;
		const labels = c.req.valid('json').labels;
		await db.transaction(async (tx) => {
			const before = (await listLostReasons(tx, workspace.id)).map((reason) => reason.label);
			await replaceLostReasons(tx, workspace.id, labels);
			const after = labels.map((label) => label.trim());
			if (before.join('\n') === after.join('\n')) return;
			await recordAuditEvent(tx, {
				...auditActor(c),
				workspaceId: workspace.id,
				action: 'lost_reasons.changed',
				target: { type: 'workspace', id: workspace.id, label: workspace.name },
				detail: { from: before, to: after },
				at: now()
			});
		});
		return c.json({ reasons: await listLostReasons(db, workspace.id) }, 200);
	});

export default router;
