import { createRoute, z } from '@hono/zod-openapi';
import { partyKindField, partyStatusField } from '../column-fields.js';
import { errors } from '../responses.js';
import { idParam, jsonBody, jsonResponse, plainText } from '../schemas.js';
import { partyLinkJson } from './party.routes.js';
import { schemaMessage } from '../../../src/lib/schema-text.js';
import { m } from '../../../src/lib/paraglide/messages.js';

const workspaceParams = z.object({ workspaceId: idParam });

export const searchRoute = createRoute({
	method: 'get',
	path: '/workspaces/{workspaceId}/search',
	tags: ['Search'],
	summary: 'Contacts, companies and deals by name, email, phone (any format), tax id or deal title; typo-tolerant',
	request: { params: workspaceParams, query: z.object({ q: plainText().max(200) }).strict() },
	responses: {
		200: jsonResponse(
			z.object({
				contacts: z.array(
					z.object({ id: z.string(), name: z.string(), companyName: z.string().nullable(), phones: z.array(z.string()), emails: z.array(z.string()), status: partyStatusField })
				),
				companies: z.array(z.object({ id: z.string(), name: z.string(), taxId: z.string().nullable(), phones: z.array(z.string()), emails: z.array(z.string()), status: partyStatusField })),
				deals: z.array(
					z.object({ id: z.string(), title: z.string(), pipelineId: z.string(), status: z.string(), stageName: z.string().nullable(), valueMinor: z.number(), currency: z.string() })
				)
			}),
			'What was found, the closest first'
		),
		401: errors[401],
		404: errors[404],
		422: errors[422]
	}
});

export const createLinkRoute = createRoute({
	method: 'post',
	path: '/workspaces/{workspaceId}/links',
	tags: ['Contacts'],
	summary: 'Link two contacts or companies with a free-text relation (“can help move this deal”)',
	request: {
		params: workspaceParams,
		body: jsonBody(
			z.object({
				fromKind: partyKindField,
				fromId: idParam,
				toKind: partyKindField,
				toId: idParam,
				relation: plainText().trim().min(1, schemaMessage(m.error_relation_empty)).max(200, schemaMessage(m.error_at_most_characters, { count: 200 }))
			}).strict()
		)
	},
	responses: { 201: jsonResponse(z.object({ link: partyLinkJson }), 'Linked'), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 422: errors[422] }
});

export const deleteLinkRoute = createRoute({
	method: 'delete',
	path: '/workspaces/{workspaceId}/links/{linkId}',
	tags: ['Contacts'],
	summary: 'Remove a link between two records',
	request: { params: workspaceParams.extend({ linkId: idParam }) },
	responses: { 200: jsonResponse(z.object({ deleted: z.literal(true) }), 'Removed'), 401: errors[401], 403: errors[403], 404: errors[404] }
});
