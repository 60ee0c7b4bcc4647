/** Pipeline shapes from the API and their labels, shared by the deals and pipelines pages. */
import type { InferResponseType } from 'hono/client';
import type { api } from '$lib/api/client';
import { m } from '$lib/i18n';

type WorkspaceApi = (typeof api.api.workspaces)[':workspaceId'];
type PipelineApi = (typeof api.api.pipelines)[':pipelineId'];

export type PipelineSummary = InferResponseType<WorkspaceApi['pipelines']['$get'], 200>[number];
export type PipelineDetail = InferResponseType<PipelineApi['$get'], 200>;
export type PipelineStage = PipelineDetail['stages'][number];
export type PipelineMode = PipelineDetail['mode'];
export type PipelineAccess = PipelineDetail['access'];
export type PipelineMember = InferResponseType<PipelineApi['members']['$get'], 200>['members'][number];

const modeLabels: Record<PipelineMode, () => string> = {
	strict: m.pipelines_mode_strict,
	free: m.pipelines_mode_free,
	list: m.pipelines_mode_list
};

const modeDescriptions: Record<PipelineMode, () => string> = {
	strict: m.pipelines_mode_strict_description,
	free: m.pipelines_mode_free_description,
	list: m.pipelines_mode_list_description
};

const accessLabels: Record<PipelineAccess, () => string> = {
	workspace: m.pipelines_access_workspace,
	members: m.pipelines_access_members
};

/** The mode's name on screen ("Strict"); an unknown code shows as it is. */
export function modeLabel(mode: PipelineMode): string {
	return modeLabels[mode]?.() ?? mode;
}

export function modeDescription(mode: PipelineMode): string {
	return modeDescriptions[mode]?.() ?? '';
}

export function accessLabel(access: PipelineAccess): string {
	return accessLabels[access]?.() ?? access;
}
