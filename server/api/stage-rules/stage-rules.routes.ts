import { createRoute, z } from '@hono/zod-openapi';
import { stageRuleDueUnits, stageRuleLimits } from '../../../src/lib/model/stage-rules.js';
import { limits } from '../../../src/lib/model/schema.js';
import { taskTypeField } from '../column-fields.js';
import { errors } from '../responses.js';
import { idParam, jsonBody, jsonResponse, plainText } from '../schemas.js';
import { schemaMessage } from '../../../src/lib/schema-text.js';
import { m } from '../../../src/lib/paraglide/messages.js';

export const stageRuleJson = z
	.object({
		id: z.string(),
		pipelineId: z.string(),
		stageId: z.string(),
		title: z.string(),
		type: taskTypeField,
		dueAmount: z.number().int(),
		dueUnit: z.enum(stageRuleDueUnits),
		assigneeId: z.string().nullable().openapi({ description: 'A fixed member; null: the deal’s owner' }),
		enabled: z.boolean()
	})
	.openapi('StageRule');

const template = z
	.object({
		// Absent for a new template; a known one keeps its id (the tasks it made are named after it).
		id: idParam.optional(),
		title: plainText()
			.trim()
			.min(1, schemaMessage(m.error_task_title_empty))
			.max(limits.titleLength, schemaMessage(m.error_at_most_characters, { count: limits.titleLength })),
		type: taskTypeField,
		dueAmount: z
			.number()
			.int(schemaMessage(m.rules_error_due_amount, { max: stageRuleLimits.maxDueAmount }))
			.min(0, schemaMessage(m.rules_error_due_amount, { max: stageRuleLimits.maxDueAmount }))
			.max(stageRuleLimits.maxDueAmount, schemaMessage(m.rules_error_due_amount, { max: stageRuleLimits.maxDueAmount })),
		dueUnit: z.enum(stageRuleDueUnits),
		assigneeId: idParam.nullable().openapi({ description: 'A member of the workspace; null: the deal’s owner' }),
		enabled: z.boolean().optional().openapi({ description: 'Default true' })
	})
	.strict()
	.openapi('StageRuleTemplate');

export const listPipelineStageRulesRoute = createRoute({
	method: 'get',
	path: '/pipelines/{pipelineId}/stage-rules',
	tags: ['Stage rules'],
	summary: 'The task templates of every stage of a pipeline, by stage in order',
	request: { params: z.object({ pipelineId: idParam }) },
	responses: { 200: jsonResponse(z.object({ rules: z.array(stageRuleJson) }), 'Stage rules'), 401: errors[401], 404: errors[404] }
});

export const setStageRulesRoute = createRoute({
	method: 'put',
	path: '/pipelines/{pipelineId}/stages/{stageId}/rules',
	tags: ['Stage rules'],
	summary: 'Replace the task templates an open stage applies to every deal entering it (admin)',
	request: {
		params: z.object({ pipelineId: idParam, stageId: idParam }),
		body: jsonBody(
			z
				.object({
					rules: z.array(template).max(stageRuleLimits.perStage, schemaMessage(m.error_at_most_items, { count: stageRuleLimits.perStage }))
				})
				.strict()
				.openapi('StageRules')
		)
	},
	responses: {
		200: jsonResponse(z.object({ rules: z.array(stageRuleJson) }), 'The stage’s rules as stored'),
		400: errors[400],
		401: errors[401],
		403: errors[403],
		404: errors[404],
		422: errors[422]
	}
});

export const listWorkspaceStageRulesRoute = createRoute({
	method: 'get',
	path: '/workspaces/{workspaceId}/stage-rules',
	tags: ['Stage rules'],
	summary: 'Every stage rule of the workspace’s pipelines (admin)',
	request: { params: z.object({ workspaceId: idParam }) },
	responses: { 200: jsonResponse(z.object({ rules: z.array(stageRuleJson) }), 'Stage rules'), 401: errors[401], 403: errors[403], 404: errors[404] }
});

const logEntry = z
	.object({
		id: z.number().int(),
		at: z.string(),
		outcome: z.enum(['done', 'skipped', 'failed']),
		ruleId: z.string(),
		pipelineId: z.string().nullable(),
		stageId: z.string().nullable(),
		dealId: z.string().nullable(),
		dealTitle: z.string().nullable(),
		taskId: z.string().nullable(),
		title: z.string().nullable(),
		dueAt: z.string().nullable(),
		assigneeId: z.string().nullable(),
		fallbackFrom: z.string().nullable().openapi({ description: 'The fixed assignee who had left; the owner got the task' }),
		refused: z.array(z.string()).openapi({ description: 'Why the board refused the task (English)' })
	})
	.openapi('StageRuleLogEntry');

export const listStageRuleLogRoute = createRoute({
	method: 'get',
	path: '/workspaces/{workspaceId}/stage-rules/log',
	tags: ['Stage rules'],
	summary: 'What the stage rules did, newest first (admin)',
	request: {
		params: z.object({ workspaceId: idParam }),
		query: z
			.object({
				before: z.coerce.number().int().positive().optional().openapi({ description: 'Entries older than this id (the previous page’s `next`)' }),
				limit: z.coerce.number().int().min(1).max(200).optional()
			})
			.strict()
	},
	responses: {
		200: jsonResponse(z.object({ entries: z.array(logEntry), next: z.number().int().nullable() }), 'Log entries'),
		401: errors[401],
		403: errors[403],
		404: errors[404],
		422: errors[422]
	}
});
