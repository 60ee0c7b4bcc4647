import { createRoute, z } from '@hono/zod-openapi';
import { errors } from '../responses.js';
import { isTimeZone } from '../../workspaces/working-time.js';
import { schemaMessage } from '../../../src/lib/schema-text.js';
import { m } from '../../../src/lib/paraglide/messages.js';

// 00:00 to 23:59, two digits each: compared as strings, so 09:00 < 18:00.
const clockTime = /^([01]\d|2[0-3]):[0-5]\d$/;
import {
	idParam,
	inviteSchema,
	jsonBody,
	jsonResponse,
	memberSchema,
	roleField,
	workspaceNameField,
	workspaceSchema
} from '../schemas.js';

const workspaceParams = z.object({ workspaceId: idParam });
const workingHoursSchema = z
	.object({
		days: z.array(z.number().int().min(1).max(7)).max(7).openapi({ description: 'ISO weekdays the team works, 1 = Monday' }),
		start: z.string().regex(clockTime, schemaMessage(m.process_time_invalid)),
		end: z.string().regex(clockTime, schemaMessage(m.process_time_invalid))
	})
	.strict()
	.refine((hours) => hours.end > hours.start, { message: schemaMessage(m.process_hours_order), path: ['end'] })
	.openapi('WorkingHours');
const settingsSchema = z
	.object({
		closedDealDays: z.number().int(),
		timeZone: z.string().openapi({ description: 'IANA time zone of the team: due times and "today" of the scheduled processes' }),
		workingHours: z.object({ days: z.array(z.number().int()), start: z.string(), end: z.string() })
	})
	.openapi('WorkspaceSettings');
const memberParams = workspaceParams.extend({ userId: idParam });
const inviteParams = workspaceParams.extend({ inviteId: idParam });

export const createWorkspaceRoute = createRoute({
	method: 'post',
	path: '/',
	tags: ['Workspaces'],
	summary: 'Create a workspace owned by the caller',
	request: { body: jsonBody(z.object({ name: workspaceNameField }).strict()) },
	responses: {
		201: jsonResponse(z.object({ workspace: workspaceSchema }), 'Created'),
		400: errors[400],
		401: errors[401],
		422: errors[422]
	}
});

export const getWorkspaceRoute = createRoute({
	method: 'get',
	path: '/{workspaceId}',
	tags: ['Workspaces'],
	summary: 'A workspace the caller belongs to, with the caller’s role',
	request: { params: workspaceParams },
	responses: {
		200: jsonResponse(z.object({ workspace: workspaceSchema, settings: settingsSchema }), 'The workspace'),
		401: errors[401],
		404: errors[404]
	}
});

export const renameWorkspaceRoute = createRoute({
	method: 'patch',
	path: '/{workspaceId}',
	tags: ['Workspaces'],
	summary: 'Rename a workspace or change its settings (admin)',
	request: {
		params: workspaceParams,
		body: jsonBody(
			z.object({
				name: workspaceNameField.optional(),
				closedDealDays: z.number().int().min(0).max(365).optional().openapi({ description: 'Days a closed deal stays on the live boards' }),
				timeZone: z
					.string()
					.max(64)
					.refine(isTimeZone, schemaMessage(m.process_time_zone_invalid))
					.optional()
					.openapi({ description: 'IANA name, e.g. Europe/Moscow' }),
				workingHours: workingHoursSchema.optional()
			}).strict()
		)
	},
	responses: {
		200: jsonResponse(z.object({ workspace: workspaceSchema, settings: settingsSchema }), 'Updated'),
		400: errors[400],
		401: errors[401],
		403: errors[403],
		404: errors[404],
		422: errors[422]
	}
});

export const listMembersRoute = createRoute({
	method: 'get',
	path: '/{workspaceId}/members',
	tags: ['Members'],
	summary: 'Members of the workspace',
	request: { params: workspaceParams },
	responses: { 200: jsonResponse(z.object({ members: z.array(memberSchema) }), 'Members'), 401: errors[401], 404: errors[404] }
});

export const changeMemberRoute = createRoute({
	method: 'patch',
	path: '/{workspaceId}/members/{userId}',
	tags: ['Members'],
	summary: 'Change a member’s role (admin; only owners make owners)',
	request: { params: memberParams, body: jsonBody(z.object({ role: roleField }).strict()) },
	responses: {
		200: jsonResponse(z.object({ member: memberSchema }), 'Changed'),
		400: errors[400],
		401: errors[401],
		403: errors[403],
		404: errors[404],
		409: errors[409],
		422: errors[422]
	}
});

export const removeMemberRoute = createRoute({
	method: 'delete',
	path: '/{workspaceId}/members/{userId}',
	tags: ['Members'],
	summary: 'Remove a member (admin), or leave (yourself); access ends at once',
	request: { params: memberParams },
	responses: { 204: { description: 'Removed' }, 401: errors[401], 403: errors[403], 404: errors[404], 409: errors[409] }
});

export const createPasswordResetRoute = createRoute({
	method: 'post',
	path: '/{workspaceId}/members/{userId}/password-reset',
	tags: ['Members'],
	summary: 'Issue a one-time password reset link for a member (admin; only owners reset owners)',
	request: { params: memberParams },
	responses: {
		201: jsonResponse(
			z.object({ url: z.string(), expiresAt: z.string() }),
			'Created; the link is shown only in this answer and works once, for an hour'
		),
		401: errors[401],
		403: errors[403],
		404: errors[404]
	}
});

export const listInvitesRoute = createRoute({
	method: 'get',
	path: '/{workspaceId}/invites',
	tags: ['Invites'],
	summary: 'Invite links that still work (admin)',
	request: { params: workspaceParams },
	responses: {
		200: jsonResponse(z.object({ invites: z.array(inviteSchema) }), 'Invites'),
		401: errors[401],
		403: errors[403],
		404: errors[404]
	}
});

export const createInviteBody = z
	.object({
		role: roleField,
		expiresInDays: z.number().int().min(1).max(90).default(7),
		// null: anyone with the link may join until it expires.
		maxUses: z.number().int().min(1).max(1000).nullable().default(1)
	})
	.strict()
	.openapi('CreateInviteBody');

export const createInviteRoute = createRoute({
	method: 'post',
	path: '/{workspaceId}/invites',
	tags: ['Invites'],
	summary: 'Create an invite link with a role, an expiry and a number of uses (admin)',
	request: { params: workspaceParams, body: jsonBody(createInviteBody) },
	responses: {
		201: jsonResponse(
			z.object({ invite: inviteSchema, token: z.string(), url: z.string() }),
			'Created; the link is shown only in this answer'
		),
		400: errors[400],
		401: errors[401],
		403: errors[403],
		404: errors[404],
		422: errors[422]
	}
});

export const revokeInviteRoute = createRoute({
	method: 'delete',
	path: '/{workspaceId}/invites/{inviteId}',
	tags: ['Invites'],
	summary: 'Revoke an invite link (admin)',
	request: { params: inviteParams },
	responses: { 204: { description: 'Revoked' }, 401: errors[401], 403: errors[403], 404: errors[404] }
});
