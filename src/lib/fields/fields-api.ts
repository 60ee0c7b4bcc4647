import type { InferRequestType, InferResponseType } from 'hono/client';
import { api, call } from '$lib/api/client';
import { readCached, saveCached } from '$lib/board/local-memory';
import type { CustomFieldEntity } from '$lib/model';

type FieldsApi = (typeof api.api.workspaces)[':workspaceId']['fields'];
export type CustomField = InferResponseType<FieldsApi['$get'], 200>['fields'][number];
export type NewField = InferRequestType<FieldsApi['$post']>['json'];
export type FieldChanges = InferRequestType<(typeof api.api.fields)[':fieldId']['$patch']>['json'];

/**
 * The workspace's custom fields (not archived), remembered on this device so
 * a board or a deal opened offline still shows and checks them.
 */
export async function fetchFields(workspaceId: string): Promise<CustomField[]> {
	const { fields } = await call(api.api.workspaces[':workspaceId'].fields.$get({ param: { workspaceId }, query: {} }));
	saveCached(`fields.${workspaceId}`, fields);
	return fields;
}

export function cachedFields(workspaceId: string): CustomField[] | null {
	return readCached<CustomField[]>(`fields.${workspaceId}`);
}

/** The cached list at once (or empty), then the fresh one; a failure keeps what was cached. */
export async function loadFields(workspaceId: string, entity?: CustomFieldEntity): Promise<CustomField[]> {
	const fields = await fetchFields(workspaceId).catch(() => cachedFields(workspaceId) ?? []);
	return entity ? fields.filter((field) => field.entity === entity) : fields;
}

export async function fetchAllFields(workspaceId: string): Promise<CustomField[]> {
	const { fields } = await call(api.api.workspaces[':workspaceId'].fields.$get({ param: { workspaceId }, query: { archived: 'true' } }));
	return fields;
}

export function createField(workspaceId: string, json: NewField): Promise<CustomField> {
	return call(api.api.workspaces[':workspaceId'].fields.$post({ param: { workspaceId }, json }));
}

export function updateField(fieldId: string, json: FieldChanges): Promise<CustomField> {
	return call(api.api.fields[':fieldId'].$patch({ param: { fieldId }, json }));
}
