import { api, call } from '$lib/api/client';
import { serverQuery, type DealQuery } from './deal-sort';
import type { DealRow } from './deal-types';

/** One page of the list, sorted by the server, and how many deals match the filters in all. */
export async function fetchDeals(pipelineId: string, query: DealQuery): Promise<{ deals: DealRow[]; total: number }> {
	return call(api.api.pipelines[':pipelineId'].deals.$get({ param: { pipelineId }, query: serverQuery(query) }));
}

export async function bulkChangeDeals(
	pipelineId: string,
	dealIds: string[],
	changes: { stageId?: string; ownerId?: string }
): Promise<number> {
	const answer = await call(api.api.pipelines[':pipelineId'].deals.bulk.$post({ param: { pipelineId }, json: { dealIds, changes } }));
	return answer.updated;
}

export async function fillSampleDeals(workspaceId: string, pipelineId: string): Promise<void> {
	await call(
		api.api.workspaces[':workspaceId']['sample-data'].$post({ param: { workspaceId }, json: { pipelineId, count: 40 } })
	);
}
