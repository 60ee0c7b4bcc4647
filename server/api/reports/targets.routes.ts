import { createRoute, z } from '@hono/zod-openapi';
import { errors } from '../responses.js';
import { idParam, jsonBody, jsonResponse } from '../schemas.js';
import { schemaMessage } from '../../../src/lib/schema-text.js';
import { m } from '../../../src/lib/paraglide/messages.js';
import { monthField } from './reports.routes.js';

const params = z.object({ workspaceId: idParam });

const targetFields = z
	.object({
		wonDeals: z.number().int().min(0).max(1_000_000),
		revenueMinor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).openapi({ description: 'Revenue in minor units (cents, kopecks)' }),
		currency: z.string().regex(/^[A-Z]{3}$/, schemaMessage(m.error_currency_code))
	})
	.strict();

const targetSchema = z.object({ userId: z.string(), month: z.string(), wonDeals: z.number().int(), revenueMinor: z.number().int(), currency: z.string() }).openapi('SalesTarget');
const targetsSchema = z.object({ month: z.string(), targets: z.array(targetSchema) }).openapi('SalesTargets');

export const listTargetsRoute = createRoute({
	method: 'get',
	path: '/workspaces/{workspaceId}/targets',
	tags: ['Reports'],
	summary: 'Monthly targets of the workspace’s reps (reps and viewers see their own)',
	request: { params, query: z.object({ month: monthField }).strict() },
	responses: { 200: jsonResponse(targetsSchema, 'The month’s targets'), 401: errors[401], 403: errors[403], 404: errors[404], 422: errors[422] }
});

export const setTargetsRoute = createRoute({
	method: 'put',
	path: '/workspaces/{workspaceId}/targets',
	tags: ['Reports'],
	summary: 'Set or remove reps’ targets for a month (managers, admins, the owner)',
	description: 'Each entry replaces that member’s target for the month; `target: null` removes it. Members not named keep theirs.',
	request: {
		params,
		body: jsonBody(
			z
				.object({
					month: monthField,
					targets: z.array(z.object({ userId: idParam, target: targetFields.nullable() }).strict()).min(1).max(500)
				})
				.strict()
				.openapi('SetTargetsBody')
		)
	},
	responses: {
		200: jsonResponse(targetsSchema, 'The month’s targets after the change'),
		400: errors[400],
		401: errors[401],
		403: errors[403],
		404: errors[404],
		422: errors[422]
	}
});
