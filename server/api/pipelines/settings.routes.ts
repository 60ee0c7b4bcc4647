import { createRoute, z } from '@hono/zod-openapi';
import { pipelineAccessField, pipelineModeField, stageKindField } from '../column-fields.js';
import { errors } from '../responses.js';
import { idParam, jsonBody, jsonResponse, plainText, roleField } from '../schemas.js';

const params = z.object({ pipelineId: idParam });

const pipelineDetail = z
	.object({
		id: z.string(),
		workspaceId: z.string(),
		name: z.string(),
		mode: pipelineModeField,
		access: pipelineAccessField,
		archived: z.boolean(),
		role: roleField,
		stages: z.array(
			z.object({
				id: z.string(),
				name: z.string(),
				kind: stageKindField,
				probability: z.number(),
				rank: z.string(),
				rotDays: z.number().nullable(),
				color: z.string().nullable()
			})
		)
	})
	.openapi('PipelineDetail');

export const getPipelineRoute = createRoute({
	method: 'get',
	path: '/pipelines/{pipelineId}',
	tags: ['Pipelines'],
	summary: 'One pipeline with its stages and the caller’s role',
	request: { params },
	responses: { 200: jsonResponse(pipelineDetail, 'The pipeline'), 401: errors[401], 404: errors[404] }
});

export const updatePipelineRoute = createRoute({
	method: 'patch',
	path: '/pipelines/{pipelineId}',
	tags: ['Pipelines'],
	summary: 'Rename, change the mode or access of, archive or restore a pipeline (manager)',
	request: {
		params,
		body: jsonBody(
			z
				.object({
					name: plainText().trim().min(1).max(100).optional(),
					mode: pipelineModeField.optional(),
					access: pipelineAccessField.optional(),
					archived: z.boolean().optional()
				})
				.strict()
				.openapi('UpdatePipelineBody')
		)
	},
	responses: {
		200: jsonResponse(pipelineDetail, 'Updated'),
		400: errors[400],
		401: errors[401],
		403: errors[403],
		404: errors[404],
		422: errors[422]
	}
});

const pipelineMembersJson = z.object({
	access: pipelineAccessField,
	members: z.array(z.object({ userId: z.string(), name: z.string(), role: roleField, listed: z.boolean() }))
});

export const listPipelineMembersRoute = createRoute({
	method: 'get',
	path: '/pipelines/{pipelineId}/members',
	tags: ['Pipelines'],
	summary: 'Workspace members and whether each is listed in the pipeline',
	request: { params },
	responses: { 200: jsonResponse(pipelineMembersJson, 'Members'), 401: errors[401], 403: errors[403], 404: errors[404] }
});

export const setPipelineMembersRoute = createRoute({
	method: 'put',
	path: '/pipelines/{pipelineId}/members',
	tags: ['Pipelines'],
	summary: 'Set who belongs to the pipeline (manager); used when its access is "members"',
	request: { params, body: jsonBody(z.object({ userIds: z.array(idParam).max(1000) }).strict()) },
	responses: {
		200: jsonResponse(pipelineMembersJson, 'Updated'),
		400: errors[400],
		401: errors[401],
		403: errors[403],
		404: errors[404],
		422: errors[422]
	}
});
