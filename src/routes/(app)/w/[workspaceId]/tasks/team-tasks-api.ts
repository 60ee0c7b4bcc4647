import type { InferResponseType } from 'hono/client';
import { api, call } from '$lib/api/client';

type TeamApi = (typeof api.api.workspaces)[':workspaceId']['team-tasks'];

export type TeamTask = InferResponseType<TeamApi['$get'], 200>['tasks'][number];
export type DueWindow = 'overdue' | 'today' | 'week' | 'later';

export interface TeamFilter {
	rep: string;
	pipelineId: string;
	due: DueWindow | '';
	type: TeamTask['type'] | '';
}

/** A page of the team's open tasks; "today" is the browser's local day. */
export function fetchTeamTasks(workspaceId: string, filter: TeamFilter, offset: number, limit = 100) {
	const dayStart = new Date();
	dayStart.setHours(0, 0, 0, 0);
	const query = {
		dayStart: dayStart.toISOString(),
		limit: String(limit),
		offset: String(offset),
		...(filter.rep ? { rep: filter.rep } : {}),
		...(filter.pipelineId ? { pipelineId: filter.pipelineId } : {}),
		...(filter.due ? { due: filter.due } : {}),
		...(filter.type ? { type: filter.type } : {})
	};
	return call(api.api.workspaces[':workspaceId']['team-tasks'].$get({ param: { workspaceId }, query }));
}

export function reassignTasks(workspaceId: string, taskIds: string[], assigneeId: string) {
	return call(api.api.workspaces[':workspaceId']['team-tasks'].reassign.$post({ param: { workspaceId }, json: { taskIds, assigneeId } }));
}
