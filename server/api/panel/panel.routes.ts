import { createRoute, z } from '@hono/zod-openapi';
import { taskTypes } from '../../../src/lib/model/schema.js';
import { errors } from '../responses.js';
import { idParam, jsonResponse } from '../schemas.js';

const pipelineRef = z.object({ id: z.string(), name: z.string() });

const panelTask = z
	.object({
		id: z.string(),
		type: z.enum(taskTypes),
		title: z.string(),
		dueAt: z.string(),
		assigneeId: z.string(),
		auto: z.boolean().openapi({ description: 'Added by the server to repair a deal left without an active task' }),
		deal: z.object({ id: z.string(), title: z.string(), ownerId: z.string() }),
		pipeline: pipelineRef
	})
	.openapi('PanelTask');

const panelDeal = z
	.object({
		id: z.string(),
		title: z.string(),
		ownerId: z.string(),
		valueMinor: z.number().int(),
		currency: z.string(),
		stageId: z.string(),
		stageEnteredAt: z.string(),
		pipeline: pipelineRef
	})
	.openapi('PanelDeal');

const panelSummary = z
	.object({
		generatedAt: z.string(),
		scope: z.enum(['team', 'own']).openapi({ description: '`team`: every deal and task of the pipelines the caller sees (managers and up); `own`: the caller’s' }),
		overdue: z.object({
			total: z.number().int(),
			byRep: z.array(z.object({ userId: z.string(), name: z.string(), count: z.number().int(), tasks: z.array(panelTask) }))
		}),
		dueToday: z.object({ total: z.number().int(), tasks: z.array(panelTask) }),
		withoutTask: z.object({ total: z.number().int(), deals: z.array(panelDeal) }),
		repaired: z.object({ total: z.number().int(), tasks: z.array(panelTask) }),
		rotting: z.object({
			total: z.number().int(),
			stages: z.array(
				z.object({
					pipeline: pipelineRef,
					stageId: z.string(),
					name: z.string(),
					color: z.string().nullable(),
					rotDays: z.number().int(),
					deals: z.array(panelDeal)
				})
			)
		}),
		people: z.array(z.object({ userId: z.string(), name: z.string(), role: z.string() }))
	})
	.openapi('ControlPanel');

export const panelRoute = createRoute({
	method: 'get',
	path: '/workspaces/{workspaceId}/panel',
	tags: ['Control panel'],
	summary: 'The control panel: overdue tasks per rep, tasks due today, deals without an active task, tasks the server added to repair deals, and deals rotting per stage',
	description:
		'Read from the relational projection. Managers, admins and owners see every deal and task of the pipelines they may open; reps and viewers see their own. ' +
		'A task is overdue when not done after its due time; due today when due between now and the end of the caller’s day (`dayStart` + 24 h, UTC midnight when omitted). ' +
		'A deal is rotting when it has stayed in an open stage with a rotting limit longer than that many days. ' +
		'Clients re-read this on each event of GET /api/workspaces/{workspaceId}/events.',
	request: {
		params: z.object({ workspaceId: idParam }),
		query: z
			.object({
				dayStart: z.iso
					.datetime({ offset: true })
					.optional()
					.openapi({ description: 'The start of the caller’s day in their time zone, e.g. 2026-03-02T00:00:00+03:00', example: '2026-03-02T00:00:00+03:00' })
			})
			.strict()
	},
	responses: {
		200: jsonResponse(panelSummary, 'The panel'),
		401: errors[401],
		404: errors[404],
		422: errors[422]
	}
});
