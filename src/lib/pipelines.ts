/** Pipeline shapes from the API and their labels, shared by the deals and pipelines pages. */
import type { InferResponseType } from 'hono/client';
import type { api } from '$lib/api/client';

type WorkspaceApi = (typeof api.api.workspaces)[':workspaceId'];
type PipelineApi = (typeof api.api.pipelines)[':pipelineId'];

export type PipelineSummary = InferResponseType<WorkspaceApi['pipelines']['$get'], 200>[number];
export type PipelineDetail = InferResponseType<PipelineApi['$get'], 200>;
export type PipelineStage = PipelineDetail['stages'][number];
export type PipelineMode = PipelineDetail['mode'];
export type PipelineAccess = PipelineDetail['access'];
export type PipelineMember = InferResponseType<PipelineApi['members']['$get'], 200>['members'][number];

export const modeLabels: Record<PipelineMode, string> = {
	strict: 'Strict',
	free: 'Free',
	list: 'List'
};

export const modeDescriptions: Record<PipelineMode, string> = {
	strict: 'Deals move one stage at a time, only when the stage’s required fields are filled.',
	free: 'Deals move to any stage in any order; stages may be skipped.',
	list: 'No stages to move through: a plain list of deals, for long projects.'
};

export const accessLabels: Record<PipelineAccess, string> = {
	workspace: 'Everyone in the workspace',
	members: 'Only selected members'
};
