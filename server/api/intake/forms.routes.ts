import { createRoute, z } from '@hono/zod-openapi';
import { errors } from '../responses.js';
import { idParam, jsonBody, jsonResponse, plainText } from '../schemas.js';
import { formFieldTargets, ownerRules, automationOutcomes } from '../../db/schema.js';
import { taskTypes } from '../../../src/lib/model/schema.js';
import { locales } from '../../i18n/locale.js';
import { schemaMessage } from '../../../src/lib/schema-text.js';
import { m } from '../../../src/lib/paraglide/messages.js';

const text = (max: number) =>
	plainText()
		.trim()
		.min(1, schemaMessage(m.error_name_empty))
		.max(max, schemaMessage(m.error_at_most_characters, { count: max }));

const formField = z
	.object({
		name: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, schemaMessage(m.forms_error_field_name)),
		label: text(100),
		required: z.boolean().default(false),
		target: z.enum(formFieldTargets).openapi({ description: 'What the answer fills in: the contact, the company, the deal title’s suffix, the interaction’s text, or a line of it (note)' })
	})
	.strict();

const httpUrl = plainText()
	.max(500, schemaMessage(m.error_at_most_characters, { count: 500 }))
	.refine((value) => /^https?:\/\/[^\s]+$/i.test(value) && URL.canParse(value), schemaMessage(m.forms_error_url));
// An origin exactly as browsers send it: scheme, host and port, nothing after.
const origin = plainText()
	.max(200)
	.refine((value) => URL.canParse(value) && new URL(value).origin === value, schemaMessage(m.forms_error_origin));

/** What admins set on a form or a webhook; all optional on a change. */
const settingsShape = {
	name: text(100),
	stageId: idParam.openapi({ description: 'An open stage of the pipeline the deals start in' }),
	ownerRule: z.enum(ownerRules).optional().openapi({ description: 'round_robin (default), fewest_open, or fixed (with ownerId)' }),
	ownerId: idParam.nullable().optional(),
	firstTask: z.object({ type: z.enum(taskTypes), title: text(200) }).strict().optional().openapi({ description: 'Default: a call “Call back”' }),
	slaMinutes: z.number().int().min(1).max(43_200).optional().openapi({ description: 'The first task is due this long after the request (default 15)' }),
	slaWorkingTime: z.boolean().optional().openapi({ description: 'true (default): the SLA counts the workspace’s working hours only' }),
	locale: z.enum(locales).optional().openapi({ description: 'The language of the deal title and of what the public sees; default: the creator’s' }),
	enabled: z.boolean().optional()
};
const formOnlyShape = {
	fields: z.array(formField).min(1).max(20).optional().openapi({ description: 'Default: name (required), email, phone, company, message' }),
	thankYouUrl: httpUrl.nullable().optional(),
	allowedOrigins: z.array(origin).max(20).optional().openapi({ description: 'Sites whose pages may post the form (browsers send their Origin)' })
};

export const intakeSourceJson = z
	.object({
		id: z.string(),
		pipelineId: z.string(),
		kind: z.enum(['form', 'webhook']),
		key: z.string().nullable().openapi({ description: 'A form’s public id (its URL); null for a webhook, whose secret is shown once' }),
		name: z.string(),
		stageId: z.string(),
		fields: z.array(z.object({ name: z.string(), label: z.string(), required: z.boolean(), target: z.enum(formFieldTargets) })),
		ownerRule: z.enum(ownerRules),
		ownerId: z.string().nullable(),
		firstTask: z.object({ type: z.enum(taskTypes), title: z.string() }),
		slaMinutes: z.number().int(),
		slaWorkingTime: z.boolean(),
		thankYouUrl: z.string().nullable(),
		allowedOrigins: z.array(z.string()),
		locale: z.enum(locales),
		enabled: z.boolean(),
		createdAt: z.string(),
		updatedAt: z.string()
	})
	.openapi('IntakeSource');

const pipelineParams = z.object({ pipelineId: idParam });
const formParams = z.object({ formId: idParam });
const webhookParams = z.object({ webhookId: idParam });
const writeErrors = { 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 422: errors[422] };

export const listFormsRoute = createRoute({
	method: 'get',
	path: '/pipelines/{pipelineId}/forms',
	tags: ['Intake'],
	summary: 'The pipeline’s web forms (admin)',
	request: { params: pipelineParams },
	responses: { 200: jsonResponse(z.object({ forms: z.array(intakeSourceJson) }), 'Forms'), 401: errors[401], 403: errors[403], 404: errors[404] }
});

export const createFormRoute = createRoute({
	method: 'post',
	path: '/pipelines/{pipelineId}/forms',
	tags: ['Intake'],
	summary: 'Create a web form (admin); its key is the public id of POST /api/public/forms/{key}',
	request: { params: pipelineParams, body: jsonBody(z.object({ ...settingsShape, ...formOnlyShape }).strict().openapi('NewForm')) },
	responses: { 201: jsonResponse(intakeSourceJson, 'Created: the form, with its id and key'), ...writeErrors }
});

export const getFormRoute = createRoute({
	method: 'get',
	path: '/forms/{formId}',
	tags: ['Intake'],
	summary: 'A web form (admin)',
	request: { params: formParams },
	responses: { 200: jsonResponse(intakeSourceJson, 'The form'), 401: errors[401], 403: errors[403], 404: errors[404] }
});

export const updateFormRoute = createRoute({
	method: 'patch',
	path: '/forms/{formId}',
	tags: ['Intake'],
	summary: 'Change a web form (admin)',
	request: {
		params: formParams,
		body: jsonBody(z.object({ ...settingsShape, name: settingsShape.name.optional(), stageId: settingsShape.stageId.optional(), ...formOnlyShape }).strict().openapi('FormChanges'))
	},
	responses: { 200: jsonResponse(intakeSourceJson, 'Changed'), ...writeErrors }
});

export const deleteFormRoute = createRoute({
	method: 'delete',
	path: '/forms/{formId}',
	tags: ['Intake'],
	summary: 'Switch a web form off (admin): its endpoint answers 410; its log and deals stay, and it can be switched on again',
	request: { params: formParams },
	responses: { 204: { description: 'Switched off' }, 401: errors[401], 403: errors[403], 404: errors[404] }
});

const logEntry = z.object({
	id: z.number().int(),
	outcome: z.enum(automationOutcomes),
	dealId: z.string().nullable(),
	contactId: z.string().nullable(),
	taskId: z.string().nullable(),
	detail: z.record(z.string(), z.unknown()),
	at: z.string()
});

export const formLogRoute = createRoute({
	method: 'get',
	path: '/forms/{formId}/log',
	tags: ['Intake'],
	summary: 'What a form or webhook did, newest first (admin): deals created, requests whose deal is not on the board yet (pending), spam skipped, failures',
	request: {
		params: formParams,
		query: z.object({ before: z.coerce.number().int().min(1).optional(), limit: z.coerce.number().int().min(1).max(200).optional() }).strict()
	},
	responses: { 200: jsonResponse(z.object({ entries: z.array(logEntry) }), 'Log'), 401: errors[401], 403: errors[403], 404: errors[404], 422: errors[422] }
});

export const listWebhooksRoute = createRoute({
	method: 'get',
	path: '/pipelines/{pipelineId}/webhooks',
	tags: ['Intake'],
	summary: 'The pipeline’s inbound webhooks (admin); their secrets are never shown again',
	request: { params: pipelineParams },
	responses: { 200: jsonResponse(z.object({ webhooks: z.array(intakeSourceJson) }), 'Webhooks'), 401: errors[401], 403: errors[403], 404: errors[404] }
});

const secretJson = z.object({
	webhook: intakeSourceJson,
	secret: z.string(),
	path: z.string().openapi({ description: 'POST JSON {name, email?, phone?, company?, message?, source?} here' })
});

export const createWebhookRoute = createRoute({
	method: 'post',
	path: '/pipelines/{pipelineId}/webhooks',
	tags: ['Intake'],
	summary: 'Create an inbound JSON webhook (admin) for email and telephony services; the answer holds its secret URL, shown this once',
	request: { params: pipelineParams, body: jsonBody(z.object(settingsShape).strict().openapi('NewWebhook')) },
	responses: { 201: jsonResponse(secretJson, 'Created'), ...writeErrors }
});

export const updateWebhookRoute = createRoute({
	method: 'patch',
	path: '/webhooks/{webhookId}',
	tags: ['Intake'],
	summary: 'Change a webhook (admin)',
	request: {
		params: webhookParams,
		body: jsonBody(z.object({ ...settingsShape, name: settingsShape.name.optional(), stageId: settingsShape.stageId.optional() }).strict().openapi('WebhookChanges'))
	},
	responses: { 200: jsonResponse(intakeSourceJson, 'Changed'), ...writeErrors }
});

export const rotateWebhookRoute = createRoute({
	method: 'post',
	path: '/webhooks/{webhookId}/secret',
	tags: ['Intake'],
	summary: 'Give a webhook a new secret URL (admin); the old one stops working at once',
	request: { params: webhookParams },
	responses: { 200: jsonResponse(secretJson, 'The new secret'), 401: errors[401], 403: errors[403], 404: errors[404] }
});
