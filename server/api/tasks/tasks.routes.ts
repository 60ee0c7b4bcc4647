import { createRoute, z } from '@hono/zod-openapi';
import { taskTypeField } from '../column-fields.js';
import { taskSchema as boardTaskSchema } from '../../../src/lib/model/validate.js';
import { errors } from '../responses.js';
import { idParam, jsonBody, jsonResponse, plainText } from '../schemas.js';
import { newTaskBody } from '../deals/deals.routes.js';
import { schemaMessage } from '../../../src/lib/schema-text.js';
import { m } from '../../../src/lib/paraglide/messages.js';
import { dueWindows } from '../../deals/team-tasks.js';

const taskJson = boardTaskSchema.extend({ id: z.string() });

export const updateTaskRoute = createRoute({
	method: 'patch',
	path: '/tasks/{taskId}',
	tags: ['Tasks'],
	summary: 'Edit, reassign, complete or reopen a task; completing a deal’s last open task needs `next`',
	request: {
		params: z.object({ taskId: idParam }),
		body: jsonBody(
			z
				.object({
					type: taskTypeField.optional(),
					title: plainText().trim().min(1).max(200).optional(),
					dueAt: z.iso.datetime({ offset: true }).optional(),
					assigneeId: idParam.optional(),
					done: z.boolean().optional(),
					next: newTaskBody.optional()
				})
				.strict()
				.refine((body) => body.next === undefined || body.done === true, {
					message: schemaMessage(m.error_next_task_needs_done),
					path: ['next']
				})
				.openapi('UpdateTaskBody')
		)
	},
	responses: {
		200: jsonResponse(z.object({ task: taskJson, next: taskJson.nullable() }), 'Updated'),
		400: errors[400],
		401: errors[401],
		403: errors[403],
		404: errors[404],
		409: errors[409],
		422: errors[422]
	}
});

const myTask = z.object({
	id: z.string(),
	type: taskTypeField,
	title: z.string(),
	dueAt: z.string(),
	doneAt: z.string().nullable(),
	assigneeId: z.string(),
	auto: z.boolean(),
	overdue: z.boolean(),
	deal: z.object({ id: z.string(), title: z.string(), status: z.string() }),
	pipeline: z.object({ id: z.string(), name: z.string() })
});

export const myTasksRoute = createRoute({
	method: 'get',
	path: '/workspaces/{workspaceId}/my-tasks',
	tags: ['Tasks'],
	summary: 'The caller’s open tasks across the pipelines they may open, soonest first, how many are overdue, and the ones they completed in the last 24 hours',
	request: { params: z.object({ workspaceId: idParam }) },
	responses: {
		200: jsonResponse(
			z.object({ tasks: z.array(myTask), overdue: z.number(), done: z.array(myTask) }).openapi('MyTasks'),
			'Open tasks, and the recently done ones newest first'
		),
		401: errors[401],
		404: errors[404]
	}
});

export const myOverdueCountRoute = createRoute({
	method: 'get',
	path: '/workspaces/{workspaceId}/my-tasks/overdue',
	tags: ['Tasks'],
	summary: 'How many of the caller’s open tasks are overdue, counted as `my-tasks` counts them, without the list',
	request: { params: z.object({ workspaceId: idParam }) },
	responses: {
		200: jsonResponse(z.object({ overdue: z.number() }).openapi('MyOverdueCount'), 'The count'),
		401: errors[401],
		404: errors[404]
	}
});

export const listLostReasonsRoute = createRoute({
	method: 'get',
	path: '/workspaces/{workspaceId}/lost-reasons',
	tags: ['Deals'],
	summary: 'The reasons a deal can be lost with, in order',
	request: { params: z.object({ workspaceId: idParam }) },
	responses: {
		200: jsonResponse(z.object({ reasons: z.array(z.object({ id: z.string(), label: z.string() })) }), 'Reasons'),
		401: errors[401],
		404: errors[404]
	}
});

export const replaceLostReasonsRoute = createRoute({
	method: 'put',
	path: '/workspaces/{workspaceId}/lost-reasons',
	tags: ['Deals'],
	summary: 'Replace the list of lost reasons (admin)',
	request: {
		params: z.object({ workspaceId: idParam }),
		body: jsonBody(
			z.object({
				labels: z
					.array(plainText().trim().min(1).max(100))
					.max(50)
					.refine((labels) => new Set(labels.map((l) => l.toLowerCase())).size === labels.length, 'Each reason only once.')
			}).strict()
		)
	},
	responses: {
		200: jsonResponse(z.object({ reasons: z.array(z.object({ id: z.string(), label: z.string() })) }), 'Replaced'),
		400: errors[400],
		401: errors[401],
		403: errors[403],
		404: errors[404],
		422: errors[422]
	}
});

const teamTask = myTask.omit({ doneAt: true }).extend({ assigneeName: z.string().nullable() }).openapi('TeamTask');

export const teamTasksRoute = createRoute({
	method: 'get',
	path: '/workspaces/{workspaceId}/team-tasks',
	tags: ['Tasks'],
	summary: 'The team’s open tasks (manager): every task of the pipelines the caller may open, filtered by rep, pipeline, due window and type',
	description:
		'Due windows: `overdue` (before now), `today` (from now to the end of the caller’s day: `dayStart` + 24 h, UTC midnight when omitted), ' +
		'`week` (the six days after today), `later`. Sorted by due time, soonest first unless `order=desc`.',
	request: {
		params: z.object({ workspaceId: idParam }),
		query: z
			.object({
				rep: idParam.optional().openapi({ description: 'The assignee’s user id' }),
				pipelineId: idParam.optional(),
				due: z.enum(dueWindows).optional(),
				type: taskTypeField.optional(),
				dayStart: z.iso.datetime({ offset: true }).optional(),
				sort: z.enum(['dueAt']).default('dueAt'),
				order: z.enum(['asc', 'desc']).default('asc'),
				limit: z.coerce.number().int().min(1).max(500).default(100),
				offset: z.coerce.number().int().min(0).default(0)
			})
			.strict()
	},
	responses: {
		200: jsonResponse(z.object({ tasks: z.array(teamTask), total: z.number().int() }).openapi('TeamTasks'), 'A page of tasks and how many match'),
		401: errors[401],
		403: errors[403],
		404: errors[404],
		422: errors[422]
	}
});

export const reassignTasksRoute = createRoute({
	method: 'post',
	path: '/workspaces/{workspaceId}/team-tasks/reassign',
	tags: ['Tasks'],
	summary: 'Hand several of the team’s open tasks to one member (manager), through each task’s board like any change',
	request: {
		params: z.object({ workspaceId: idParam }),
		body: jsonBody(
			z
				.object({
					taskIds: z.array(idParam).min(1).max(200).refine((ids) => new Set(ids).size === ids.length, schemaMessage(m.error_task_ids_unique)),
					assigneeId: idParam
				})
				.strict()
				.openapi('ReassignTasksBody')
		)
	},
	responses: {
		200: jsonResponse(z.object({ reassigned: z.number().int() }), 'Reassigned'),
		400: errors[400],
		401: errors[401],
		403: errors[403],
		404: errors[404],
		409: errors[409],
		422: errors[422]
	}
});
