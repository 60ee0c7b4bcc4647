import type { InferRequestType, InferResponseType } from 'hono/client';
import { api, call } from '$lib/api/client';

type RulesApi = (typeof api.api.pipelines)[':pipelineId']['stages'][':stageId']['rules'];
type WorkspaceRulesApi = (typeof api.api.workspaces)[':workspaceId']['stage-rules'];

export type StageRule = InferResponseType<WorkspaceRulesApi['$get'], 200>['rules'][number];
export type StageRuleInput = InferRequestType<RulesApi['$put']>['json']['rules'][number];
export type StageRuleLogEntry = InferResponseType<WorkspaceRulesApi['log']['$get'], 200>['entries'][number];

export async function fetchWorkspaceStageRules(workspaceId: string): Promise<StageRule[]> {
	const { rules } = await call(api.api.workspaces[':workspaceId']['stage-rules'].$get({ param: { workspaceId } }));
	return rules;
}

/** Replaces a stage's templates; each keeps its id, so moves it already served are recognised. */
export async function saveStageRules(pipelineId: string, stageId: string, rules: StageRuleInput[]): Promise<StageRule[]> {
	const saved = await call(api.api.pipelines[':pipelineId'].stages[':stageId'].rules.$put({ param: { pipelineId, stageId }, json: { rules } }));
	return saved.rules;
}

export async function fetchStageRuleLog(workspaceId: string, before?: number): Promise<{ entries: StageRuleLogEntry[]; next: number | null }> {
	return call(
		api.api.workspaces[':workspaceId']['stage-rules'].log.$get({ param: { workspaceId }, query: before === undefined ? {} : { before: String(before) } })
	);
}

/** A stored template as the PUT body takes it back. */
export function toInput(rule: StageRule): StageRuleInput {
	return { id: rule.id, title: rule.title, type: rule.type, dueAmount: rule.dueAmount, dueUnit: rule.dueUnit, assigneeId: rule.assigneeId, enabled: rule.enabled };
}
