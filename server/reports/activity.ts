import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { periodRange, rowsOf, type ReportPeriod, type ReportScope } from './scope.js';

export const activityKinds = ['tasksCompleted', 'stageMoves', 'calls', 'notes', 'emails', 'meetings', 'dealsCreated', 'contactsCreated'] as const;
export type ActivityKind = (typeof activityKinds)[number];

export type RepActivity = { userId: string; name: string } & Record<ActivityKind, number>;

/**
 * What each person did in the pipeline in the period: tasks completed (by
 * the assignee, when done), stage moves (entries after the first, by who
 * moved), calls, notes, emails and meetings logged on the pipeline's deals
 * (by who logged them), deals created (a deal's first stage entry) and,
 * workspace-wide since contacts belong to no pipeline, contacts created.
 * Work on deals since put in the trash still counts: it was done.
 */
export async function readActivity(db: Database, scope: ReportScope & { workspaceId: string }, period: ReportPeriod): Promise<RepActivity[]> {
	const { start, end } = periodRange(period);
	const from = start.toISOString();
	const to = end.toISOString();
	const rows = await rowsOf<{ user_id: string; name: string | null; kind: ActivityKind; count: number }>(
		db,
		sql`
			select x.user_id, u.name, x.kind, count(*)::int as count from (
				select t.assignee_id as user_id, 'tasksCompleted' as kind from tasks t
				where t.pipeline_id = ${scope.pipelineId} and t.done and t.done_at >= ${from} and t.done_at < ${to}
				union all
				select e.user_id, case when e.from_stage_id is null then 'dealsCreated' else 'stageMoves' end from stage_events e
				where e.pipeline_id = ${scope.pipelineId} and e.at >= ${from} and e.at < ${to}
				union all
				select i.user_id, case i.kind when 'call' then 'calls' when 'note' then 'notes' when 'email' then 'emails' else 'meetings' end
				from interactions i join deals d on d.id = i.deal_id
				where i.workspace_id = ${scope.workspaceId} and d.pipeline_id = ${scope.pipelineId} and i.at >= ${from} and i.at < ${to}
				union all
				select c.created_by, 'contactsCreated' from contacts c
				where c.workspace_id = ${scope.workspaceId} and c.created_at >= ${from} and c.created_at < ${to}
			) x
			left join users u on u.id = x.user_id
			where x.user_id is not null and ${scope.ownerId === null ? sql`true` : sql`x.user_id = ${scope.ownerId}`}
			group by x.user_id, u.name, x.kind
		`
	);
	const byUser = new Map<string, RepActivity>();
	for (const row of rows) {
		let entry = byUser.get(row.user_id);
		if (!entry) {
			entry = { userId: row.user_id, name: row.name ?? row.user_id, ...(Object.fromEntries(activityKinds.map((kind) => [kind, 0])) as Record<ActivityKind, number>) };
			byUser.set(row.user_id, entry);
		}
		entry[row.kind] += Number(row.count);
	}
	return [...byUser.values()].sort((a, b) => a.name.localeCompare(b.name) || a.userId.localeCompare(b.userId));
}
