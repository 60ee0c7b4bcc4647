import { api, call } from '$lib/api/client';
import type { DealFilters, DealRow } from './deal-types';

/** The list asks for up to this many deals; more than that needs a narrower filter. */
export const dealLimit = 1000;

export async function fetchDeals(pipelineId: string, filters: DealFilters): Promise<DealRow[]> {
	const query: Record<string, string> = { limit: String(dealLimit) };
	if (filters.status) query.status = filters.status;
	if (filters.stage) query.stage = filters.stage;
	if (filters.owner) query.owner = filters.owner;
	if (filters.q) query.q = filters.q;
	const answer = await call(api.api.pipelines[':pipelineId'].deals.$get({ param: { pipelineId }, query }));
	return answer.deals;
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
