import { createRoute, z } from '@hono/zod-openapi';
import { errors } from '../responses.js';
import { jsonBody, jsonResponse, localeField, passwordField, personNameField, userSchema, workspaceSchema } from '../schemas.js';
import { schemaMessage } from '../../../src/lib/schema-text.js';
import { m } from '../../../src/lib/paraglide/messages.js';

const tags = ['Account'];

export const getMe = createRoute({
	method: 'get',
	path: '/',
	tags,
	summary: 'The caller and the workspaces they belong to',
	responses: {
		200: jsonResponse(z.object({ user: userSchema, workspaces: z.array(workspaceSchema) }), 'The caller'),
		401: errors[401]
	}
});

export const updateMe = createRoute({
	method: 'patch',
	path: '/',
	tags,
	summary: 'Change the caller’s display name or language',
	request: {
		body: jsonBody(
			z
				.object({ name: personNameField.optional(), locale: localeField.optional() })
				.strict()
				.refine((body) => body.name !== undefined || body.locale !== undefined, { message: schemaMessage(m.error_name_or_locale) })
		)
	},
	responses: {
		200: jsonResponse(z.object({ user: userSchema }), 'Updated'),
		400: errors[400],
		401: errors[401],
		422: errors[422]
	}
});

export const changePassword = createRoute({
	method: 'post',
	path: '/password',
	tags,
	summary: 'Change the password; every other session is logged out',
	request: { body: jsonBody(z.object({ currentPassword: passwordField, newPassword: passwordField }).strict()) },
	responses: {
		204: { description: 'Changed' },
		400: errors[400],
		401: errors[401],
		422: errors[422]
	}
});
