import { inArray } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { users } from '../db/schema.js';
import type { ProjectedHandovers } from '../pipelines/projection.js';
import type { Notifier } from './notifier.js';

/**
 * Tells people of the deals and tasks a board batch handed to them (called
 * after the projection commits, on the node that projected it). Nobody is
 * told of what they gave themselves. The key names the change by the
 * batch's update id, so a second projection of the same batch (another
 * node catching up) sends nothing twice.
 */
export async function notifyHandovers(db: Database, notifier: Notifier, workspaceId: string, handovers: ProjectedHandovers): Promise<void> {
	const reassigned = handovers.reassigned.filter((deal) => deal.to !== deal.by);
	// A new owner takes over the deal's open tasks with it: the deal's notification says it all.
	const takenOver = new Set(reassigned.map((deal) => `${deal.dealId}:${deal.to}`));
	const assigned = handovers.assigned.filter((task) => task.assigneeId !== task.by && !takenOver.has(`${task.dealId}:${task.assigneeId}`));
	if (reassigned.length + assigned.length === 0) return;
	const names = await nameUsers(db, [...reassigned.map((deal) => deal.by), ...assigned.map((task) => task.by)]);
	const by = (id: string | null) => (id ? (names.get(id) ?? null) : null);
	for (const deal of reassigned) {
		await notifier.notify({
			workspaceId,
			userId: deal.to,
			kind: 'deal_reassigned',
			params: { title: deal.title, by: by(deal.by) },
			dealId: deal.dealId,
			key: `deal_reassigned:${deal.dealId}:${deal.to}:${handovers.updateId}`
		});
	}
	for (const task of assigned) {
		await notifier.notify({
			workspaceId,
			userId: task.assigneeId,
			kind: 'task_assigned',
			params: { title: task.title, by: by(task.by) },
			dealId: task.dealId,
			taskId: task.taskId,
			key: `task_assigned:${task.taskId}:${task.assigneeId}:${handovers.updateId}`
		});
	}
}

async function nameUsers(db: Database, ids: Array<string | null>): Promise<Map<string, string>> {
	const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
	if (wanted.length === 0) return new Map();
	const rows = await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, wanted));
	return new Map(rows.map((row) => [row.id, row.name]));
}
