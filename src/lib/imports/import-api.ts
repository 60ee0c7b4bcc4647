/**
 * The import endpoints take a multipart form (the CSV file), which the typed
 * client does not send; these calls use fetch with the same error handling.
 */
import { ApiFailure, call } from '$lib/api/client';
import { getLocale, m } from '$lib/i18n';

export type ImportEntity = 'contacts' | 'companies' | 'deals';
export type Duplicates = 'skip' | 'update' | 'create';

export interface ImportField {
	key: string;
	label: string;
	required: boolean;
	multiple: boolean;
	anyOf?: string[];
}

export interface ImportPreview {
	columns: string[];
	rows: Array<{ line: number; values: Record<string, string> }>;
	encoding: 'utf-8' | 'windows-1251';
	delimiter: string;
	total: number;
	problems: Array<{ line: number; reason: string }>;
	fields: ImportField[];
	suggestedMapping: Record<string, string | null>;
}

export interface ImportReport {
	id: string;
	entity: ImportEntity;
	status: 'queued' | 'running' | 'done' | 'failed';
	dryRun: boolean;
	fileName: string | null;
	total: number;
	processed: number;
	created: number;
	updated: number;
	skipped: number;
	errors: Array<{ line: number; reason: string }>;
	errorCount: number;
	failure: string | null;
}

async function postForm<T>(path: string, fields: Record<string, string | File>): Promise<T> {
	const form = new FormData();
	for (const [name, value] of Object.entries(fields)) form.append(name, value);
	let response: Response;
	try {
		response = await fetch(path, { method: 'POST', body: form, headers: { 'Accept-Language': getLocale() } });
	} catch {
		throw new ApiFailure(0, 'network', m.common_error_network());
	}
	const body = await response.json().catch(() => null);
	if (response.ok) return body as T;
	const error = body?.error;
	throw new ApiFailure(response.status, error?.code ?? `http_${response.status}`, error?.message ?? m.common_error_generic(), error?.issues ?? [], error);
}

export function previewImport(workspaceId: string, fields: { file: File; entity: ImportEntity; encoding: string; delimiter: string }) {
	return postForm<ImportPreview>(`/api/workspaces/${workspaceId}/imports/preview`, fields);
}

export function startImport(
	workspaceId: string,
	fields: { file: File; entity: ImportEntity; encoding: string; delimiter: string; mapping: Record<string, string | null>; duplicates: Duplicates; dryRun: boolean; pipelineId?: string }
) {
	const { mapping, dryRun, pipelineId, ...rest } = fields;
	return postForm<{ id: string }>(`/api/workspaces/${workspaceId}/imports`, {
		...rest,
		mapping: JSON.stringify(mapping),
		dryRun: String(dryRun),
		...(pipelineId ? { pipelineId } : {})
	});
}

export async function getImport(importId: string): Promise<ImportReport> {
	const response = await fetch(`/api/imports/${encodeURIComponent(importId)}`, { headers: { 'Accept-Language': getLocale() } });
	if (!response.ok) return call(Promise.resolve(response as never));
	return response.json();
}
