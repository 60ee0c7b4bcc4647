import { createRoute, z } from '@hono/zod-openapi';
import { errors } from '../responses.js';
import { idParam, jsonBody, jsonResponse } from '../schemas.js';
import { schemaMessage } from '../../../src/lib/schema-text.js';
import { m } from '../../../src/lib/paraglide/messages.js';

const workspaceParams = z.object({ workspaceId: idParam });
/** A board of a few thousand deals asks in pieces of this size. */
export const maxNameIds = 500;
const ids = z.array(idParam).max(maxNameIds, schemaMessage(m.error_at_most_items, { count: maxNameIds })).optional();

export const namesRoute = createRoute({
	method: 'post',
	path: '/workspaces/{workspaceId}/parties/names',
	tags: ['Contacts'],
	summary: 'The names of contacts and companies by id, so a board can name them without loading every contact',
	description: 'Only live records of the workspace are answered; other ids are left out. The companies of the contacts asked for are named too.',
	request: { params: workspaceParams, body: jsonBody(z.object({ contactIds: ids, companyIds: ids }).strict()) },
	responses: {
		200: jsonResponse(
			z.object({
				contacts: z.record(z.string(), z.object({ name: z.string(), companyId: z.string().nullable(), phones: z.array(z.string()) })),
				companies: z.record(z.string(), z.object({ name: z.string() }))
			}),
			'The names found, by id'
		),
		400: errors[400],
		401: errors[401],
		404: errors[404],
		422: errors[422]
	}
});
