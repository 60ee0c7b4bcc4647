import type { InferResponseType } from 'hono/client';
import { api, call } from '$lib/api/client';

type PanelApi = (typeof api.api.workspaces)[':workspaceId']['panel'];

export type Panel = InferResponseType<PanelApi['$get'], 200>;
export type PanelTask = Panel['dueToday']['tasks'][number];
export type PanelDeal = Panel['withoutTask']['deals'][number];

/** The panel as of now; "today" is the browser's local day. */
export function fetchPanel(workspaceId: string): Promise<Panel> {
	const dayStart = new Date();
	dayStart.setHours(0, 0, 0, 0);
	return call(api.api.workspaces[':workspaceId'].panel.$get({ param: { workspaceId }, query: { dayStart: dayStart.toISOString() } }));
}
