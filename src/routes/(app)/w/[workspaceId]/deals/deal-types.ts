import type { InferResponseType } from 'hono/client';
import type { api } from '$lib/api/client';

type PipelineApi = (typeof api.api.pipelines)[':pipelineId'];

export type DealRow = InferResponseType<PipelineApi['deals']['$get'], 200>['deals'][number];
export type DealStatus = DealRow['status'];
export type NextTask = NonNullable<DealRow['nextTask']>;

/** What the list asks the server for; empty strings mean "any". */
export interface DealFilters {
	owner: string;
	stage: string;
	status: DealStatus | '';
	q: string;
	/** One custom field filter, `<fieldId>:<optionId>`, or ''. */
	field: string;
}

export const defaultFilters: DealFilters = { owner: '', stage: '', status: 'open', q: '', field: '' };
