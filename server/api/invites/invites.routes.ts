import { createRoute, z } from '@hono/zod-openapi';
import { errors } from '../responses.js';
import { jsonResponse, plainText, roleField, workspaceSchema } from '../schemas.js';

const tokenParams = z.object({ token: plainText().min(1).max(100) });

export const previewInviteRoute = createRoute({
	method: 'get',
	path: '/{token}',
	tags: ['Invites'],
	summary: 'What an invite link offers (no login needed)',
	request: { params: tokenParams },
	responses: {
		200: jsonResponse(
			z.object({
				workspace: z.object({ id: z.string(), name: z.string() }),
				role: roleField,
				invitedBy: z.string().nullable(),
				expiresAt: z.string()
			}),
			'The invite'
		),
		404: errors[404],
		410: errors[410]
	}
});

export const acceptInviteRoute = createRoute({
	method: 'post',
	path: '/{token}/accept',
	tags: ['Invites'],
	summary: 'Join the workspace of an invite link as the logged-in user',
	request: { params: tokenParams },
	responses: {
		200: jsonResponse(z.object({ workspace: workspaceSchema }), 'Joined'),
		401: errors[401],
		404: errors[404],
		409: errors[409],
		410: errors[410]
	}
});
