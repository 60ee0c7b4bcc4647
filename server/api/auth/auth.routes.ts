import { createRoute, z } from '@hono/zod-openapi';
import { errors } from '../responses.js';
import { emailField, jsonBody, jsonResponse, passwordField, personNameField, plainText, userSchema, workspaceNameField, workspaceSchema } from '../schemas.js';
import { schemaMessage } from '../../../src/lib/schema-text.js';
import { m } from '../../../src/lib/paraglide/messages.js';

const tags = ['Auth'];

export const signupBody = z
	.object({
		email: emailField,
		password: passwordField,
		name: personNameField,
		workspaceName: workspaceNameField.optional(),
		inviteToken: plainText().min(1).max(100).optional()
	})
	.strict()
	.refine((body) => (body.workspaceName === undefined) !== (body.inviteToken === undefined), {
		message: schemaMessage(m.error_signup_workspace_or_invite),
		path: ['workspaceName']
	})
	.openapi('SignupBody');

export const signup = createRoute({
	method: 'post',
	path: '/signup',
	tags,
	summary: 'Create an account with its first workspace, or join one by invite',
	request: { body: jsonBody(signupBody) },
	responses: {
		201: jsonResponse(z.object({ user: userSchema, workspace: workspaceSchema }), 'Signed up; the session cookie is set'),
		400: errors[400],
		409: errors[409],
		410: errors[410],
		422: errors[422],
		429: errors[429]
	}
});

export const login = createRoute({
	method: 'post',
	path: '/login',
	tags,
	summary: 'Log in with email and password',
	request: { body: jsonBody(z.object({ email: emailField, password: passwordField }).strict().openapi('LoginBody')) },
	responses: {
		200: jsonResponse(z.object({ user: userSchema }), 'Logged in; the session cookie is set'),
		400: errors[400],
		401: errors[401],
		422: errors[422],
		429: errors[429]
	}
});

export const logout = createRoute({
	method: 'post',
	path: '/logout',
	tags,
	summary: 'End the current session',
	responses: { 204: { description: 'Logged out; the cookie is cleared' } }
});

const resetParams = z.object({ token: z.string().min(1).max(100) });

export const previewPasswordResetRoute = createRoute({
	method: 'get',
	path: '/password-reset/{token}',
	tags,
	summary: 'Whose password a reset link sets (no login needed)',
	request: { params: resetParams },
	responses: {
		200: jsonResponse(z.object({ user: userSchema, expiresAt: z.string() }), 'The reset link'),
		404: errors[404],
		410: errors[410],
		422: errors[422]
	}
});

export const usePasswordResetRoute = createRoute({
	method: 'post',
	path: '/password-reset/{token}',
	tags,
	summary: 'Set a new password with a one-time reset link; ends every session of the user',
	request: { params: resetParams, body: jsonBody(z.object({ password: passwordField }).strict().openapi('PasswordResetBody')) },
	responses: {
		204: { description: 'The password is set; log in with it' },
		400: errors[400],
		404: errors[404],
		410: errors[410],
		422: errors[422]
	}
});
