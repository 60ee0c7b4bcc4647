import { createRoute, z } from '@hono/zod-openapi';
import { errors } from '../responses.js';
import { apiTokenSchema, idParam, jsonBody, jsonResponse, tokenNameField } from '../schemas.js';

const tags = ['API tokens'];

export const listTokens = createRoute({
	method: 'get',
	path: '/',
	tags,
	summary: 'The caller’s API tokens (never the secrets)',
	responses: { 200: jsonResponse(z.object({ tokens: z.array(apiTokenSchema) }), 'Tokens'), 401: errors[401] }
});

export const createToken = createRoute({
	method: 'post',
	path: '/',
	tags,
	summary: 'Create an API token; the secret is shown only in this answer',
	request: { body: jsonBody(z.object({ name: tokenNameField }).strict()) },
	responses: {
		201: jsonResponse(
			z.object({ id: z.string(), name: z.string(), token: z.string(), createdAt: z.string() }),
			'Created; use it as `Authorization: Bearer <token>`'
		),
		400: errors[400],
		401: errors[401],
		422: errors[422]
	}
});

export const revokeToken = createRoute({
	method: 'delete',
	path: '/{tokenId}',
	tags,
	summary: 'Revoke an API token',
	request: { params: z.object({ tokenId: idParam }) },
	responses: { 204: { description: 'Revoked' }, 401: errors[401], 404: errors[404] }
});
