import type { InferResponseType } from 'hono/client';
import { api, call } from '$lib/api/client';
import type { Period } from './period';

type Reports = (typeof api.api.pipelines)[':pipelineId']['reports'];
export type Funnel = InferResponseType<Reports['funnel']['$get'], 200>;
export type LostReport = InferResponseType<Reports['lost']['$get'], 200>;
export type TimeInStage = InferResponseType<Reports['time-in-stage']['$get'], 200>;
export type Forecast = InferResponseType<Reports['forecast']['$get'], 200>;
export type Summary = InferResponseType<Reports['summary']['$get'], 200>;
export type Results = InferResponseType<Reports['results']['$get'], 200>;
export type Activity = InferResponseType<Reports['activity']['$get'], 200>;
export type Dynamics = InferResponseType<Reports['dynamics']['$get'], 200>;
export type Targets = InferResponseType<(typeof api.api.workspaces)[':workspaceId']['targets']['$get'], 200>;

export interface ReportSet {
	funnel: Funnel;
	lost: LostReport;
	time: TimeInStage;
	forecast: Forecast;
	summary: Summary;
	results: Results;
	activity: Activity;
	dynamics: Dynamics;
}

/** Every report of a pipeline for the period and rep (null: everyone the caller may see). */
export async function fetchReports(pipelineId: string, period: Period, rep: string | null, month: string): Promise<ReportSet> {
	const reports = api.api.pipelines[':pipelineId'].reports;
	const param = { pipelineId };
	const query = { from: period.from, to: period.to, ...(rep ? { rep } : {}) };
	// Over two months a day is too fine to read: the dynamics go by week.
	const by = (Date.parse(period.to) - Date.parse(period.from)) / 86_400_000 > 62 ? 'week' : 'day';
	const [funnel, lost, time, forecast, summary, results, activity, dynamics] = await Promise.all([
		call(reports.funnel.$get({ param, query })),
		call(reports.lost.$get({ param, query })),
		call(reports['time-in-stage'].$get({ param, query })),
		call(reports.forecast.$get({ param, query: rep ? { rep } : {} })),
		call(reports.summary.$get({ param, query })),
		call(reports.results.$get({ param, query: { month, ...(rep ? { rep } : {}) } })),
		call(reports.activity.$get({ param, query })),
		call(reports.dynamics.$get({ param, query: { ...query, by } }))
	]);
	return { funnel, lost, time, forecast, summary, results, activity, dynamics };
}

export async function fetchTargets(workspaceId: string, month: string): Promise<Targets> {
	return call(api.api.workspaces[':workspaceId'].targets.$get({ param: { workspaceId }, query: { month } }));
}

export interface TargetChange {
	userId: string;
	target: { wonDeals: number; revenueMinor: number; currency: string } | null;
}

export async function saveTargets(workspaceId: string, month: string, targets: TargetChange[]): Promise<Targets> {
	return call(api.api.workspaces[':workspaceId'].targets.$put({ param: { workspaceId }, json: { month, targets } }));
}
