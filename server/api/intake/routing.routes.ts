import { createRoute, z } from '@hono/zod-openapi';
import { errors } from '../responses.js';
import { idParam, jsonBody, jsonResponse } from '../schemas.js';
import { roleField } from '../column-fields.js';

export const routingJson = z
	.object({
		members: z.array(
			z.object({
				userId: z.string(),
				name: z.string(),
				role: roleField,
				available: z.boolean(),
				openDeals: z.number().int().openapi({ description: 'Open deals they own in the whole workspace' }),
				takesLeads: z.boolean().openapi({ description: 'Reps and managers take leads; owners and admins only when none of them is available' })
			})
		),
		nextUserId: z.string().nullable().openapi({ description: 'Who the next lead goes to in turn (round robin)' })
	})
	.openapi('Routing');

export const getRoutingRoute = createRoute({
	method: 'get',
	path: '/pipelines/{pipelineId}/routing',
	tags: ['Intake'],
	summary: 'Who takes the pipeline’s new leads, in the round robin’s order, with their availability and open deals (manager)',
	request: { params: z.object({ pipelineId: idParam }) },
	responses: { 200: jsonResponse(routingJson, 'Routing'), 401: errors[401], 403: errors[403], 404: errors[404] }
});

export const setAvailabilityRoute = createRoute({
	method: 'put',
	path: '/workspaces/{workspaceId}/members/{userId}/availability',
	tags: ['Intake'],
	summary: 'Mark a member available for new leads or away (admins, managers, and members for themselves)',
	request: {
		params: z.object({ workspaceId: idParam, userId: idParam }),
		body: jsonBody(z.object({ available: z.boolean() }).strict().openapi('Availability'))
	},
	responses: {
		200: jsonResponse(z.object({ userId: z.string(), available: z.boolean() }), 'Set'),
		400: errors[400],
		401: errors[401],
		403: errors[403],
		404: errors[404],
		422: errors[422]
	}
});

export const getAvailabilityRoute = createRoute({
	method: 'get',
	path: '/workspaces/{workspaceId}/members/{userId}/availability',
	tags: ['Intake'],
	summary: 'Whether a member takes new leads (managers and admins for anyone, members for themselves)',
	request: { params: z.object({ workspaceId: idParam, userId: idParam }) },
	responses: { 200: jsonResponse(z.object({ userId: z.string(), available: z.boolean() }), 'Availability'), 401: errors[401], 403: errors[403], 404: errors[404] }
});
