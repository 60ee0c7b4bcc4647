import { createRoute, z } from '@hono/zod-openapi';
import { notificationKinds } from '../../db/schema.js';
import { errors } from '../responses.js';
import { idParam, jsonBody, jsonResponse, plainText } from '../schemas.js';
import { schemaMessage } from '../../../src/lib/schema-text.js';
import { m } from '../../../src/lib/paraglide/messages.js';

const tags = ['Notifications'];

const notificationJson = z
	.object({
		id: z.string(),
		kind: z.enum(notificationKinds),
		params: z.record(z.string(), z.union([z.string(), z.number(), z.null()])).openapi({ description: 'What the message names (`title`, `by`, `excerpt`); the app words it in the reader’s language' }),
		dealId: z.string().nullable(),
		taskId: z.string().nullable(),
		contactId: z.string().nullable(),
		createdAt: z.string(),
		readAt: z.string().nullable()
	})
	.openapi('Notification');

const preferenceJson = z
	.object({ kind: z.enum(notificationKinds), inApp: z.boolean(), push: z.boolean() })
	.strict()
	.openapi('NotificationPreference');

export const listNotificationsRoute = createRoute({
	method: 'get',
	path: '/workspaces/{workspaceId}/notifications',
	tags,
	summary: 'The caller’s own notifications in the workspace, newest first, with the unread count',
	request: {
		params: z.object({ workspaceId: idParam }),
		query: z
			.object({
				unread: z.enum(['true', 'false']).optional().openapi({ description: 'true: unread ones only' }),
				before: plainText().max(200).optional().openapi({ description: 'The `next` cursor of the previous page' }),
				limit: z.coerce.number().int().min(1).max(100).default(30)
			})
			.strict()
	},
	responses: {
		200: jsonResponse(
			z.object({ notifications: z.array(notificationJson), unreadCount: z.number().int(), next: z.string().nullable() }).openapi('NotificationPage'),
			'One page; `next` is null on the last'
		),
		401: errors[401],
		404: errors[404],
		422: errors[422]
	}
});

export const markNotificationReadRoute = createRoute({
	method: 'post',
	path: '/notifications/{notificationId}/read',
	tags,
	summary: 'Mark one of the caller’s notifications read',
	request: { params: z.object({ notificationId: idParam }) },
	responses: { 204: { description: 'Read' }, 401: errors[401], 404: errors[404], 422: errors[422] }
});

export const markAllNotificationsReadRoute = createRoute({
	method: 'post',
	path: '/workspaces/{workspaceId}/notifications/read-all',
	tags,
	summary: 'Mark all the caller’s notifications in the workspace read',
	request: { params: z.object({ workspaceId: idParam }) },
	responses: { 200: jsonResponse(z.object({ marked: z.number().int() }), 'How many were unread'), 401: errors[401], 404: errors[404], 422: errors[422] }
});

export const getPreferencesRoute = createRoute({
	method: 'get',
	path: '/me/notification-preferences',
	tags,
	summary: 'What the caller wants told, per kind, in the app and by push (every kind; all on by default). Account-wide',
	responses: { 200: jsonResponse(z.object({ preferences: z.array(preferenceJson) }), 'Every kind'), 401: errors[401] }
});

export const putPreferencesRoute = createRoute({
	method: 'put',
	path: '/me/notification-preferences',
	tags,
	summary: 'Change the caller’s choices; kinds left out keep theirs',
	request: {
		body: jsonBody(
			z
				.object({ preferences: z.array(preferenceJson).max(notificationKinds.length, schemaMessage(m.error_at_most_items, { count: notificationKinds.length })) })
				.strict()
				.openapi('NotificationPreferences')
		)
	},
	responses: { 200: jsonResponse(z.object({ preferences: z.array(preferenceJson) }), 'Every kind, as saved'), 400: errors[400], 401: errors[401], 422: errors[422] }
});

export const pushKeyRoute = createRoute({
	method: 'get',
	path: '/push/key',
	tags,
	summary: 'The server’s VAPID public key (base64url), for PushManager.subscribe’s applicationServerKey',
	responses: { 200: jsonResponse(z.object({ publicKey: z.string() }), 'The key'), 401: errors[401] }
});

// Base64url as browsers give a subscription's keys (PushSubscription.toJSON()).
const base64url = (max: number) =>
	plainText()
		.max(max)
		.regex(/^[A-Za-z0-9_-]+={0,2}$/, schemaMessage(m.notify_error_push_key));

const endpointField = plainText().url().max(2000);

export const subscribePushRoute = createRoute({
	method: 'post',
	path: '/me/push-subscriptions',
	tags,
	summary: 'Send the caller’s notifications to this device (a browser push subscription); https endpoints only',
	request: {
		body: jsonBody(
			z
				.object({ endpoint: endpointField, keys: z.object({ p256dh: base64url(200), auth: base64url(100) }).strict() })
				.strict()
				.openapi('PushSubscription')
		)
	},
	responses: { 204: { description: 'Subscribed' }, 400: errors[400], 401: errors[401], 422: errors[422] }
});

export const unsubscribePushRoute = createRoute({
	method: 'delete',
	path: '/me/push-subscriptions',
	tags,
	summary: 'Stop sending the caller’s notifications to the device with this endpoint',
	request: { query: z.object({ endpoint: endpointField }).strict() },
	responses: { 204: { description: 'Unsubscribed (or was not subscribed)' }, 401: errors[401], 422: errors[422] }
});
