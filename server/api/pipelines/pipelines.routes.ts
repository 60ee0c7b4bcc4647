import { createRoute, z } from '@hono/zod-openapi';
import { dealStatusField, pipelineAccessField, pipelineModeField, stageKindField, taskTypeField } from '../column-fields.js';
import { dealSchema as boardDealSchema, stageSchema as boardStageSchema, taskSchema as boardTaskSchema } from '../../../src/lib/model/validate.js';
import { dealSorts } from '../../pipelines/deal-query.js';
import { errors } from '../responses.js';
import { customValuesBody, fieldFilterQuery } from '../parties/party.routes.js';
import { idParam, jsonBody, jsonResponse, plainText } from '../schemas.js';
import { schemaMessage } from '../../../src/lib/schema-text.js';
import { m } from '../../../src/lib/paraglide/messages.js';

const stageSummary = z
	.object({
		id: z.string(),
		name: z.string(),
		kind: stageKindField,
		probability: z.number(),
		rank: z.string(),
		rotDays: z.number().nullable(),
		color: z.string().nullable()
	})
	.openapi('StageSummary');
const pipelineSummary = z
	.object({
		id: z.string(),
		name: z.string(),
		mode: pipelineModeField,
		access: pipelineAccessField,
		archived: z.boolean(),
		stages: z.array(stageSummary)
	})
	.openapi('Pipeline');

const stageInput = boardStageSchema.omit({ rank: true }).extend({ name: plainText().trim().min(1).max(100) });

export const listPipelinesRoute = createRoute({
	method: 'get',
	path: '/workspaces/{workspaceId}/pipelines',
	tags: ['Pipelines'],
	summary: 'Pipelines of the workspace the caller may see, stages in board order',
	request: { params: z.object({ workspaceId: idParam }) },
	responses: { 200: jsonResponse(z.array(pipelineSummary), 'Pipelines'), 401: errors[401], 404: errors[404] }
});

export const listArchivedPipelinesRoute = createRoute({
	method: 'get',
	path: '/workspaces/{workspaceId}/pipelines/archived',
	tags: ['Pipelines'],
	summary: 'Archived pipelines, to restore them (manager)',
	request: { params: z.object({ workspaceId: idParam }) },
	responses: { 200: jsonResponse(z.array(pipelineSummary), 'Archived pipelines'), 401: errors[401], 403: errors[403], 404: errors[404] }
});

export const createPipelineRoute = createRoute({
	method: 'post',
	path: '/workspaces/{workspaceId}/pipelines',
	tags: ['Pipelines'],
	summary: 'Create a pipeline (manager); without stages it gets the default sales stages',
	request: {
		params: z.object({ workspaceId: idParam }),
		body: jsonBody(
			z
				.object({
					name: plainText().trim().min(1).max(100),
					mode: pipelineModeField.default('free'),
					stages: z.array(stageInput).min(1).max(30).optional()
				})
				.strict()
				.openapi('CreatePipelineBody')
		)
	},
	responses: {
		201: jsonResponse(pipelineSummary, 'Created'),
		400: errors[400],
		401: errors[401],
		403: errors[403],
		404: errors[404],
		422: errors[422]
	}
});

const dealJson = boardDealSchema
	.omit({ title: true })
	.extend({ id: z.string(), title: z.string(), fields: z.record(z.string(), z.unknown()).optional().openapi({ description: 'Custom field values by field id' }) })
	.openapi('Deal');
const taskJson = boardTaskSchema.extend({ id: z.string() }).openapi('Task');

export const createDealBody = z
	.object({
		title: plainText().trim().min(1, schemaMessage(m.error_deal_title_empty)).max(200),
		valueMinor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
		currency: z.string().regex(/^[A-Z]{3}$/, schemaMessage(m.error_currency_code)),
		stageId: idParam.optional(),
		ownerId: idParam.optional(),
		contactId: idParam.optional(),
		companyId: idParam.optional(),
		expectedCloseDate: z.iso.date(schemaMessage(m.error_date_invalid)).optional().openapi({ description: 'When the owner expects to close it (YYYY-MM-DD)' }),
		custom: customValuesBody,
		firstTask: z.object({
			type: taskTypeField,
			title: plainText().trim().min(1).max(200),
			dueAt: z.iso.datetime({ offset: true })
		}).strict()
	})
	.strict()
	.openapi('CreateDealBody');

export const createDealRoute = createRoute({
	method: 'post',
	path: '/pipelines/{pipelineId}/deals',
	tags: ['Deals'],
	summary: 'Create a deal with its first task; it appears live on every open board',
	request: { params: z.object({ pipelineId: idParam }), body: jsonBody(createDealBody) },
	responses: {
		201: jsonResponse(z.object({ deal: dealJson, task: taskJson }), 'Created'),
		400: errors[400],
		401: errors[401],
		403: errors[403],
		404: errors[404],
		409: errors[409],
		422: errors[422]
	}
});

/** The most deals one batch may create: a whole large board in one call. */
export const maxDealsPerBatch = 5000;

export const createDealsBatchRoute = createRoute({
	method: 'post',
	path: '/pipelines/{pipelineId}/deals/batch',
	tags: ['Deals'],
	summary: 'Create up to 5,000 deals, each with its first task, in one change (rep): all of them or, when any item is refused, none',
	description:
		'Each item is checked as `POST /pipelines/{pipelineId}/deals` checks one deal. A refused item is named by its index ' +
		'(`deals.3.stageId`) in the 422 answer, and nothing is created. Each deal goes to the top of its column, the batch in its own order. ' +
		'The deals are on every open board and in the deal list when the answer arrives. The request body may be up to 8 MiB.',
	request: {
		params: z.object({ pipelineId: idParam }),
		body: jsonBody(z.object({ deals: z.array(createDealBody).min(1).max(maxDealsPerBatch) }).strict().openapi('CreateDealsBatchBody'))
	},
	responses: {
		201: jsonResponse(
			z.object({ deals: z.array(z.object({ id: z.string(), taskId: z.string() })) }).openapi('CreatedDeals'),
			'Created: the new deals’ ids and their first tasks’ ids, in the order given'
		),
		400: errors[400],
		401: errors[401],
		403: errors[403],
		404: errors[404],
		409: errors[409],
		413: errors[413],
		422: errors[422]
	}
});

const dealRowJson = z
	.object({
		id: z.string(),
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
		expectedCloseDate: z.string().nullable(),
		custom: z.record(z.string(), z.unknown()).openapi({ description: 'Custom field values by field id' }),
		createdAt: z.string(),
		updatedAt: z.string(),
		closedAt: z.string().nullable(),
		stageEnteredAt: z.string(),
		archivedAt: z.string().nullable(),
		deletedAt: z.string().nullable().openapi({ description: 'In the trash since then (only with trash=true)' }),
		nextTask: z.object({ id: z.string(), title: z.string(), type: z.string(), dueAt: z.string() }).nullable()
	})
	.openapi('DealListItem');

export const listDealsRoute = createRoute({
	method: 'get',
	path: '/pipelines/{pipelineId}/deals',
	tags: ['Deals'],
	summary: 'Deals of a pipeline, filtered by stage, owner, status and search text',
	request: {
		params: z.object({ pipelineId: idParam }),
		query: z.object({
			stage: idParam.optional(),
			owner: idParam.optional(),
			status: dealStatusField.optional(),
			q: plainText().trim().max(200).optional(),
			trash: z.enum(['true', 'false']).optional().openapi({ description: 'The deals in the trash instead of the others' }),
			field: fieldFilterQuery,
			sort: z.enum(dealSorts).default('board'),
			order: z.enum(['asc', 'desc']).default('asc'),
			limit: z.coerce.number().int().min(1).max(5000).default(500),
			offset: z.coerce.number().int().min(0).default(0)
		})
	},
	responses: {
		200: jsonResponse(z.object({ deals: z.array(dealRowJson), total: z.number() }), 'One page of deals and how many match'),
		401: errors[401],
		403: errors[403],
		404: errors[404],
		422: errors[422]
	}
});

export const sampleDataRoute = createRoute({
	method: 'post',
	path: '/workspaces/{workspaceId}/sample-data',
	tags: ['Pipelines'],
	summary: 'Fill a pipeline with a sales team’s realistic last 90 days of sample deals (manager), to try Voronka out',
	description:
		'Deals created over 90 days, moved stage by stage (some skip a stage, some go back), won or lost with a reason, some left idle; ' +
		'completed and overdue tasks, calls and notes, contacts and companies. Written through the board like real work, each step at its time, ' +
		'so the stage history and reports hold it. A workspace with fewer than three members who work deals gets sample reps ' +
		'(emails at sample.voronka.invalid; nobody can sign in as them; remove them in Settings → Members). The same `seed` gives the same history.',
	request: {
		params: z.object({ workspaceId: idParam }),
		body: jsonBody(
			z.object({
				pipelineId: idParam.optional(),
				count: z.number().int().min(1).max(5000).default(80),
				seed: z.number().int().min(0).max(2_147_483_647).optional(),
				history: z
					.boolean()
					.default(true)
					.openapi({ description: 'false: only open deals made now, each with a next step, spread over the members (load tests and benchmarks)' })
			}).strict()
		)
	},
	responses: {
		201: jsonResponse(z.object({ pipelineId: z.string(), created: z.number() }), 'Filled'),
		400: errors[400],
		401: errors[401],
		403: errors[403],
		404: errors[404],
		422: errors[422]
	}
});

export const bulkUpdateDealsRoute = createRoute({
	method: 'post',
	path: '/pipelines/{pipelineId}/deals/bulk',
	tags: ['Deals'],
	summary: 'Change the owner or the stage of several deals at once (rep)',
	request: {
		params: z.object({ pipelineId: idParam }),
		body: jsonBody(
			z
				.object({
					dealIds: z.array(idParam).min(1).max(500),
					changes: z
						.object({ ownerId: idParam.optional(), stageId: idParam.optional() })
						.strict()
						.refine((changes) => changes.ownerId !== undefined || changes.stageId !== undefined, {
							message: schemaMessage(m.error_owner_or_stage)
						})
				})
				.strict()
				.openapi('BulkUpdateDealsBody')
		)
	},
	responses: {
		200: jsonResponse(z.object({ updated: z.number() }), 'Updated'),
		400: errors[400],
		401: errors[401],
		403: errors[403],
		404: errors[404],
		422: errors[422]
	}
});
