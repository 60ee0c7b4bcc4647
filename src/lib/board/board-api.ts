import type { InferResponseType } from 'hono/client';
import { api, call } from '$lib/api/client';
import type { Member } from '$lib/api/types';
import { readCached, saveCached } from './local-memory';

type PipelineApi = (typeof api.api.pipelines)[':pipelineId'];
type WorkspaceApi = (typeof api.api.workspaces)[':workspaceId'];

export type PipelineSummary = InferResponseType<WorkspaceApi['pipelines']['$get'], 200>[number];
export type PipelineDetails = InferResponseType<PipelineApi['$get'], 200>;

/**
 * The REST side of the board. Each answer is also remembered on this device,
 * so that a board opened before can open again without a connection.
 */
export async function fetchPipelines(workspaceId: string): Promise<PipelineSummary[]> {
	const pipelines = await call(api.api.workspaces[':workspaceId'].pipelines.$get({ param: { workspaceId } }));
	saveCached(`pipelines.${workspaceId}`, pipelines);
	return pipelines;
}

export function cachedPipelines(workspaceId: string): PipelineSummary[] | null {
	return readCached<PipelineSummary[]>(`pipelines.${workspaceId}`);
}

export async function fetchPipeline(pipelineId: string): Promise<PipelineDetails> {
	const pipeline = await call(api.api.pipelines[':pipelineId'].$get({ param: { pipelineId } }));
	saveCached(`pipeline.${pipelineId}`, pipeline);
	return pipeline;
}

export function cachedPipeline(pipelineId: string): PipelineDetails | null {
	return readCached<PipelineDetails>(`pipeline.${pipelineId}`);
}

export async function fetchMembers(workspaceId: string): Promise<Member[]> {
	const { members } = await call(api.api.workspaces[':workspaceId'].members.$get({ param: { workspaceId } }));
	saveCached(`members.${workspaceId}`, members);
	return members;
}

export function cachedMembers(workspaceId: string): Member[] | null {
	return readCached<Member[]>(`members.${workspaceId}`);
}

export async function fillWithSampleData(workspaceId: string, pipelineId: string, count = 80): Promise<number> {
	const result = await call(
		api.api.workspaces[':workspaceId']['sample-data'].$post({ param: { workspaceId }, json: { pipelineId, count } })
	);
	return result.created;
}
