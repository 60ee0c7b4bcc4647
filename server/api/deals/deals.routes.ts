import { createRoute, z } from '@hono/zod-openapi';
import { dealStatusField, interactionKindField, taskTypeField } from '../column-fields.js';
import { taskSchema as boardTaskSchema } from '../../../src/lib/model/validate.js';
import { dealHistoryActions } from '../../deals/deal-lookup.js';
import { errors } from '../responses.js';
import { customValuesBody } from '../parties/party.routes.js';
import { idParam, jsonBody, jsonResponse, plainText, roleField } from '../schemas.js';
import { schemaMessage } from '../../../src/lib/schema-text.js';
import { m } from '../../../src/lib/paraglide/messages.js';

const params = z.object({ dealId: idParam });
const isoTime = z.iso.datetime({ offset: true });

export const newTaskBody = z
	.object({
		type: taskTypeField,
		title: plainText().trim().min(1, schemaMessage(m.error_task_title_empty)).max(200),
		dueAt: isoTime,
		assigneeId: idParam.optional()
	})
	.strict()
	.openapi('NewTask');

const taskJson = boardTaskSchema.extend({ id: z.string() }).openapi('Task');
const dealJson = z
	.object({
		id: z.string(),
		pipelineId: z.string(),
		title: z.string(),
		valueMinor: z.number(),
		currency: z.string(),
		stageId: z.string(),
		ownerId: z.string(),
		contactId: z.string().nullable(),
		companyId: z.string().nullable(),
		source: z.string(),
		status: dealStatusField,
		lostReason: z.string().nullable(),
		lostNote: z.string().nullable(),
		expectedCloseDate: z.string().nullable().openapi({ description: 'When the owner expects to close it (YYYY-MM-DD)' }),
		custom: z.record(z.string(), z.unknown()).openapi({ description: 'Custom field values by field id' }),
		createdAt: z.string(),
		updatedAt: z.string(),
		closedAt: z.string().nullable(),
		stageEnteredAt: z.string(),
		archivedAt: z.string().nullable().openapi({ description: 'When the closed deal left the live board' }),
		deletedAt: z.string().nullable().openapi({ description: 'In the trash since then; purged 30 days later' })
	})
	.openapi('DealDetail');

const dealPage = z.object({
	deal: dealJson,
	role: roleField,
	tasks: z.array(taskJson),
	stageHistory: z.array(
		z.object({
			fromStageId: z.string().nullable(),
			fromStage: z.string().nullable(),
			toStageId: z.string(),
			toStage: z.string().nullable(),
			userId: z.string().nullable(),
			userName: z.string().nullable(),
			at: z.string()
		})
	),
	interactions: z.array(
		z.object({ id: z.string(), kind: interactionKindField, text: z.string(), at: z.string(), userId: z.string().nullable(), userName: z.string().nullable() })
	),
	history: z
		.array(
			z.object({
				action: z.enum(dealHistoryActions),
				at: z.string(),
				userId: z.string().nullable(),
				userName: z.string().nullable(),
				detail: z.record(z.string(), z.unknown()).nullable()
			})
		)
		.openapi({ description: 'Owner handed over, value changed, won or lost (with the reason), reopened, trashed and restored; newest first' })
});

const changeResponses = {
	400: errors[400],
	401: errors[401],
	403: errors[403],
	404: errors[404],
	409: errors[409],
	422: errors[422]
} as const;

export const getDealRoute = createRoute({
	method: 'get',
	path: '/deals/{dealId}',
	tags: ['Deals'],
	summary: 'A deal with its tasks, stage history (who moved it, when) and timeline, newest first',
	request: { params },
	responses: { 200: jsonResponse(dealPage, 'The deal'), 401: errors[401], 404: errors[404] }
});

export const updateDealRoute = createRoute({
	method: 'patch',
	path: '/deals/{dealId}',
	tags: ['Deals'],
	summary: 'Edit a deal’s fields; a new owner takes over the previous owner’s open tasks on it',
	request: {
		params,
		body: jsonBody(
			z
				.object({
					title: plainText().trim().min(1).max(200).optional(),
					valueMinor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
					currency: z.string().regex(/^[A-Z]{3}$/, schemaMessage(m.error_currency_code)).optional(),
					ownerId: idParam.optional(),
					contactId: idParam.nullable().optional().openapi({ description: 'A contact of the workspace; null unlinks it' }),
					expectedCloseDate: z.iso.date(schemaMessage(m.error_date_invalid)).nullable().optional().openapi({ description: 'YYYY-MM-DD; null clears it' }),
					companyId: idParam.nullable().optional().openapi({ description: 'A company of the workspace; null unlinks it' }),
					custom: customValuesBody
				})
				.strict()
				.openapi('UpdateDealBody')
		)
	},
	responses: { 200: jsonResponse(z.object({ deal: dealJson }), 'Updated'), ...changeResponses }
});

export const moveDealRoute = createRoute({
	method: 'post',
	path: '/deals/{dealId}/move',
	tags: ['Deals'],
	summary: 'Move a deal to a stage (strict pipelines: only the next, with its required fields)',
	request: { params, body: jsonBody(z.object({ stageId: idParam, rank: plainText().min(1).max(64).optional() }).strict()) },
	responses: { 200: jsonResponse(z.object({ deal: dealJson }), 'Moved'), ...changeResponses }
});

export const closeDealRoute = createRoute({
	method: 'post',
	path: '/deals/{dealId}/close',
	tags: ['Deals'],
	summary: 'Close a deal as won, or as lost with a reason from the workspace’s list (and a note)',
	request: {
		params,
		body: jsonBody(
			z
				.object({
					outcome: z.enum(['won', 'lost']),
					reason: plainText().trim().min(1).max(100).optional(),
					note: plainText().trim().max(500).optional(),
					completeTaskIds: z
						.array(idParam)
						.max(100)
						.optional()
						.openapi({ description: 'Tasks of the deal to mark done in the same step' })
				})
				.strict()
				.refine((body) => body.outcome === 'won' || body.reason !== undefined, {
					message: schemaMessage(m.error_lost_reason_needed),
					path: ['reason']
				})
				.openapi('CloseDealBody')
		)
	},
	responses: { 200: jsonResponse(z.object({ deal: dealJson }), 'Closed'), ...changeResponses }
});

export const reopenDealRoute = createRoute({
	method: 'post',
	path: '/deals/{dealId}/reopen',
	tags: ['Deals'],
	summary: 'Reopen a closed deal with its next task',
	request: { params, body: jsonBody(z.object({ task: newTaskBody }).strict()) },
	responses: { 200: jsonResponse(z.object({ deal: dealJson, task: taskJson }), 'Reopened'), ...changeResponses }
});

export const addTaskRoute = createRoute({
	method: 'post',
	path: '/deals/{dealId}/tasks',
	tags: ['Tasks'],
	summary: 'Add a task to a deal (assigned to the deal’s owner unless said otherwise)',
	request: { params, body: jsonBody(newTaskBody) },
	responses: { 201: jsonResponse(z.object({ task: taskJson }), 'Created'), ...changeResponses }
});

export const addInteractionRoute = createRoute({
	method: 'post',
	path: '/deals/{dealId}/interactions',
	tags: ['Deals'],
	summary: 'Log a call, meeting, email or note on the deal’s timeline',
	request: {
		params,
		body: jsonBody(
			z.object({
				kind: interactionKindField,
				text: plainText().trim().min(1, schemaMessage(m.error_note_empty)).max(10_000),
				at: isoTime.optional(),
				clientId: z
					.string()
					.regex(/^[a-z0-9]{16,64}$/, schemaMessage(m.error_client_id_format))
					.optional()
					.openapi({
						description:
							'Idempotency key chosen by the client (e.g. for an entry queued offline): sending the same key again returns the entry already logged instead of logging it twice',
						example: 'k3j5h2m4n6p7q2r3s4t5u6v7w2'
					})
			}).strict()
		)
	},
	responses: {
		201: jsonResponse(z.object({ interaction: dealPage.shape.interactions.element }), 'Logged'),
		...changeResponses
	}
});

export type DealJson = z.infer<typeof dealJson>;

export const deleteDealRoute = createRoute({
	method: 'delete',
	path: '/deals/{dealId}',
	tags: ['Deals'],
	summary: 'Move a deal to the trash (admins and its owner): it leaves its board and every list; restorable for 30 days',
	request: { params },
	responses: { 200: jsonResponse(z.object({ deal: dealJson }), 'In the trash'), ...changeResponses }
});

export const restoreDealRoute = createRoute({
	method: 'post',
	path: '/deals/{dealId}/restore',
	tags: ['Deals'],
	summary: 'Bring a deal back from the trash, with its tasks, to where it was',
	request: { params },
	responses: { 200: jsonResponse(z.object({ deal: dealJson }), 'Restored'), ...changeResponses }
});
