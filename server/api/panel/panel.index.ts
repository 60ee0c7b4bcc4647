import type { TaskType } from '../../../src/lib/model/schema.js';
import { isRepairTaskRow, listDealsWithoutTask, listPanelTasks, listRottingDeals, panelListLimit, seesWholeTeam, type PanelTaskRow } from '../../deals/control-panel.js';
import { requireAuth, requireWorkspace } from '../../http/auth.js';
import { createRouter } from '../../http/router.js';
import { listMembers } from '../../workspaces/member.js';
import * as routes from './panel.routes.js';

const dayMs = 24 * 60 * 60 * 1000;

function toTaskJson(row: PanelTaskRow) {
	return {
		id: row.id,
		type: row.type as TaskType,
		title: row.title,
		dueAt: row.dueAt.toISOString(),
		assigneeId: row.assigneeId,
		auto: row.auto,
		deal: { id: row.dealId, title: row.dealTitle, ownerId: row.dealOwnerId },
		pipeline: { id: row.pipelineId, name: row.pipelineName }
	};
}

type DealRow = Awaited<ReturnType<typeof listDealsWithoutTask>>[number];

function toDealJson(row: DealRow) {
	return {
		id: row.id,
		title: row.title,
		ownerId: row.ownerId,
		valueMinor: row.valueMinor,
		currency: row.currency,
		stageId: row.stageId,
		stageEnteredAt: row.stageEnteredAt.toISOString(),
		pipeline: { id: row.pipelineId, name: row.pipelineName }
	};
}

function startOfUtcDay(at: Date): Date {
	return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

const router = createRouter().openapi(routes.panelRoute, async (c) => {
	const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId);
	const { user } = requireAuth(c);
	const { db } = c.var.deps;
	const now = c.var.deps.now();
	const { dayStart } = c.req.valid('query');
	const dayEnd = new Date((dayStart ? new Date(dayStart) : startOfUtcDay(now)).getTime() + dayMs);
	const viewer = { workspaceId: workspace.id, userId: user.id, role: workspace.role };
	const [tasks, withoutTask, rotting, members] = await Promise.all([
		listPanelTasks(db, viewer, dayEnd),
		listDealsWithoutTask(db, viewer),
		listRottingDeals(db, viewer, now),
		listMembers(db, workspace.id)
	]);
	const nameOf = new Map(members.map((member) => [member.userId, member.name]));

	const overdue = tasks.filter((task) => task.dueAt.getTime() < now.getTime());
	const byRep = new Map<string, PanelTaskRow[]>();
	for (const task of overdue) byRep.set(task.assigneeId, [...(byRep.get(task.assigneeId) ?? []), task]);
	const dueToday = tasks.filter((task) => task.dueAt.getTime() >= now.getTime() && task.dueAt.getTime() < dayEnd.getTime());
	const repaired = tasks.filter(isRepairTaskRow);

	const stages = new Map<string, { rows: typeof rotting; first: (typeof rotting)[number] }>();
	for (const row of rotting) {
		const key = `${row.pipelineId}\u0000${row.stageId}`;
		const entry = stages.get(key);
		if (entry) entry.rows.push(row);
		else stages.set(key, { rows: [row], first: row });
	}

	return c.json(
		{
			generatedAt: now.toISOString(),
			scope: seesWholeTeam(workspace.role) ? ('team' as const) : ('own' as const),
			overdue: {
				total: overdue.length,
				byRep: [...byRep]
					.map(([userId, list]) => ({ userId, name: nameOf.get(userId) ?? '', count: list.length, tasks: list.slice(0, panelListLimit).map(toTaskJson) }))
					.sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))
			},
			dueToday: { total: dueToday.length, tasks: dueToday.slice(0, panelListLimit).map(toTaskJson) },
			withoutTask: { total: withoutTask.length, deals: withoutTask.map(toDealJson) },
			repaired: { total: repaired.length, tasks: repaired.slice(0, panelListLimit).map(toTaskJson) },
			rotting: {
				total: rotting.length,
				stages: [...stages.values()].map(({ rows, first }) => ({
					pipeline: { id: first.pipelineId, name: first.pipelineName },
					stageId: first.stageId,
					name: first.stageName,
					color: first.stageColor,
					rotDays: first.rotDays ?? 0,
					deals: rows.slice(0, panelListLimit).map(toDealJson)
				}))
			},
			// Who work can be handed to: members who work deals.
			people: members.filter((member) => member.role !== 'viewer').map((member) => ({ userId: member.userId, name: member.name, role: member.role }))
		},
		200
	);
});

export default router;
