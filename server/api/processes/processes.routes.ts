import { createRoute, z } from '@hono/zod-openapi';
import { automationKinds, automationOutcomes, processNames } from '../../db/schema.js';
import { errors } from '../responses.js';
import { idParam, jsonBody, jsonResponse } from '../schemas.js';

const workspaceParams = z.object({ workspaceId: idParam });

export const processJson = z
	.object({
		process: z.enum(processNames),
		enabled: z.boolean(),
		settings: z.record(z.string(), z.unknown()).openapi({ description: 'The process’s settings; see docs/AUTOMATION.md' })
	})
	.openapi('ScheduledProcess');

const reportsToJson = z.object({ userId: z.string(), reportsTo: z.string().nullable() });

export const listProcessesRoute = createRoute({
	method: 'get',
	path: '/workspaces/{workspaceId}/processes',
	tags: ['Processes'],
	summary: 'The workspace’s scheduled processes with their settings, and whom each member reports to (admin)',
	request: { params: workspaceParams },
	responses: {
		200: jsonResponse(z.object({ processes: z.array(processJson), reportsTo: z.array(reportsToJson) }), 'Processes'),
		401: errors[401],
		403: errors[403],
		404: errors[404]
	}
});

export const saveProcessRoute = createRoute({
	method: 'put',
	path: '/workspaces/{workspaceId}/processes/{process}',
	tags: ['Processes'],
	summary: 'Turn a scheduled process on or off and set its settings (admin)',
	request: {
		params: workspaceParams.extend({ process: z.enum(processNames) }),
		body: jsonBody(
			z
				.object({
					enabled: z.boolean(),
					// Checked against the process's own schema in the handler (the path names the field).
					settings: z.record(z.string(), z.unknown()).optional()
				})
				.strict()
		)
	},
	responses: {
		200: jsonResponse(z.object({ process: processJson }), 'Saved'),
		400: errors[400],
		401: errors[401],
		403: errors[403],
		404: errors[404],
		422: errors[422]
	}
});

export const processLogRoute = createRoute({
	method: 'get',
	path: '/workspaces/{workspaceId}/processes/log',
	tags: ['Processes'],
	summary: 'What the scheduled processes did, newest first (admin)',
	request: {
		params: workspaceParams,
		query: z
			.object({
				source: z.enum(processNames).optional(),
				before: z.coerce.number().int().positive().optional().openapi({ description: 'Entries older than this id (the next page)' }),
				limit: z.coerce.number().int().min(1).max(200).default(50)
			})
			.strict()
	},
	responses: {
		200: jsonResponse(
			z.object({
				entries: z.array(
					z.object({
						id: z.number().int(),
						kind: z.enum(automationKinds),
						source: z.string(),
						outcome: z.enum(automationOutcomes),
						dealId: z.string().nullable(),
						contactId: z.string().nullable(),
						taskId: z.string().nullable(),
						detail: z.record(z.string(), z.unknown()),
						at: z.string()
					})
				)
			}),
			'Log entries'
		),
		401: errors[401],
		403: errors[403],
		404: errors[404],
		422: errors[422]
	}
});

export const setReportsToRoute = createRoute({
	method: 'put',
	path: '/workspaces/{workspaceId}/members/{userId}/reports-to',
	tags: ['Members'],
	summary: 'Whom a member’s overdue tasks are escalated to (admin)',
	request: {
		params: workspaceParams.extend({ userId: idParam }),
		body: jsonBody(z.object({ reportsTo: idParam }).strict())
	},
	responses: {
		200: jsonResponse(reportsToJson, 'Saved'),
		400: errors[400],
		401: errors[401],
		403: errors[403],
		404: errors[404],
		422: errors[422]
	}
});

export const clearReportsToRoute = createRoute({
	method: 'delete',
	path: '/workspaces/{workspaceId}/members/{userId}/reports-to',
	tags: ['Members'],
	summary: 'Escalate a member’s overdue tasks to the pipeline’s managers and admins again (admin)',
	request: { params: workspaceParams.extend({ userId: idParam }) },
	responses: {
		200: jsonResponse(reportsToJson, 'Cleared'),
		401: errors[401],
		403: errors[403],
		404: errors[404]
	}
});
