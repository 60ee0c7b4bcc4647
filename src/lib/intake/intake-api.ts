import type { InferRequestType, InferResponseType } from 'hono/client';
import { api, call } from '$lib/api/client';

type PipelineApi = (typeof api.api.pipelines)[':pipelineId'];
type FormApi = (typeof api.api.forms)[':formId'];

export type IntakeSource = InferResponseType<PipelineApi['forms']['$get'], 200>['forms'][number];
export type FormField = IntakeSource['fields'][number];
export type NewForm = InferRequestType<PipelineApi['forms']['$post']>['json'];
export type FormChanges = InferRequestType<FormApi['$patch']>['json'];
export type LogEntry = InferResponseType<FormApi['log']['$get'], 200>['entries'][number];
export type Routing = InferResponseType<PipelineApi['routing']['$get'], 200>;
export type WebhookSecret = InferResponseType<PipelineApi['webhooks']['$post'], 201>;

/** Settings → Forms and Settings → Routing talk to the server through these. */
export async function fetchForms(pipelineId: string): Promise<IntakeSource[]> {
	return (await call(api.api.pipelines[':pipelineId'].forms.$get({ param: { pipelineId } }))).forms;
}

export function createForm(pipelineId: string, json: NewForm): Promise<IntakeSource> {
	return call(api.api.pipelines[':pipelineId'].forms.$post({ param: { pipelineId }, json }));
}

export function updateForm(formId: string, json: FormChanges): Promise<IntakeSource> {
	return call(api.api.forms[':formId'].$patch({ param: { formId }, json }));
}

export async function fetchFormLog(formId: string): Promise<LogEntry[]> {
	return (await call(api.api.forms[':formId'].log.$get({ param: { formId }, query: { limit: '50' } }))).entries;
}

export async function fetchWebhooks(pipelineId: string): Promise<IntakeSource[]> {
	return (await call(api.api.pipelines[':pipelineId'].webhooks.$get({ param: { pipelineId } }))).webhooks;
}

export function createWebhook(pipelineId: string, json: { name: string; stageId: string }): Promise<WebhookSecret> {
	return call(api.api.pipelines[':pipelineId'].webhooks.$post({ param: { pipelineId }, json }));
}

export function rotateWebhook(webhookId: string): Promise<WebhookSecret> {
	return call(api.api.webhooks[':webhookId'].secret.$post({ param: { webhookId } }));
}

export function updateWebhook(webhookId: string, json: { enabled?: boolean; name?: string }): Promise<IntakeSource> {
	return call(api.api.webhooks[':webhookId'].$patch({ param: { webhookId }, json }));
}

export function fetchRouting(pipelineId: string): Promise<Routing> {
	return call(api.api.pipelines[':pipelineId'].routing.$get({ param: { pipelineId } }));
}

export async function fetchAvailability(workspaceId: string, userId: string): Promise<boolean> {
	return (await call(api.api.workspaces[':workspaceId'].members[':userId'].availability.$get({ param: { workspaceId, userId } }))).available;
}

export function setAvailability(workspaceId: string, userId: string, available: boolean) {
	return call(api.api.workspaces[':workspaceId'].members[':userId'].availability.$put({ param: { workspaceId, userId }, json: { available } }));
}

/** The public endpoint of a form, as a site posts to it. */
export function formEndpoint(key: string): string {
	return `${location.origin}/api/public/forms/${key}`;
}

function escapeHtml(text: string): string {
	return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

/** A plain HTML form for any site: the fields, the hidden spam trap, and a submit button. */
export function formSnippet(form: IntakeSource, submitLabel: string, honeypot = 'homepage'): string {
	const rows = form.fields.map((field) => {
		const required = field.required ? ' required' : '';
		const type = field.target === 'contact_email' ? 'email' : field.target === 'contact_phone' ? 'tel' : 'text';
		const control = field.target === 'message' ? `<textarea name="${field.name}"${required}></textarea>` : `<input type="${type}" name="${field.name}"${required}>`;
		return `  <label>${escapeHtml(field.label)}${field.required ? ' *' : ''}<br>${control}</label><br>`;
	});
	return [
		`<form method="post" action="${formEndpoint(form.key ?? '')}">`,
		...rows,
		`  <div style="position:absolute;left:-10000px" aria-hidden="true"><input type="text" name="${honeypot}" tabindex="-1" autocomplete="off"></div>`,
		`  <button type="submit">${escapeHtml(submitLabel)}</button>`,
		'</form>'
	].join('\n');
}

export function embedSnippet(form: IntakeSource): string {
	return `<script src="${location.origin}/forms/embed.js" data-form="${form.key ?? ''}" async></script>`;
}
