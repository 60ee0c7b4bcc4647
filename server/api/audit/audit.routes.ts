import { createRoute, z } from '@hono/zod-openapi';
import { auditActionField, auditActorKindField, auditTargetTypeField } from '../column-fields.js';
import { errors } from '../responses.js';
import { idParam, jsonResponse } from '../schemas.js';
import { schemaMessage } from '../../../src/lib/schema-text.js';
import { m } from '../../../src/lib/paraglide/messages.js';

const auditEventSchema = z
	.object({
		id: z.string().openapi({ description: 'Increases with every event; the cursor for the next page' }),
		at: z.string(),
		action: auditActionField,
		actor: z.object({
			id: z.string().nullable(),
			name: z.string().nullable().openapi({ description: 'The actor’s name now; null for the system or a deleted account' }),
			kind: auditActorKindField,
			tokenId: z.string().nullable()
		}),
		target: z.object({ type: auditTargetTypeField, id: z.string(), label: z.string().nullable() }),
		detail: z.record(z.string(), z.unknown()).nullable(),
		address: z.string().nullable()
	})
	.openapi('AuditEvent');

// A comma-separated list, e.g. `member.joined,member.removed`.
const actionList = z
	.string()
	.max(2000)
	.transform((value) => value.split(',').filter(Boolean))
	.pipe(z.array(auditActionField).min(1, schemaMessage(m.error_audit_action_needed)))
	.openapi({ type: 'string', description: 'Only these actions, comma-separated', example: 'member.role_changed,member.removed' });

export const listAuditEventsRoute = createRoute({
	method: 'get',
	path: '/workspaces/{workspaceId}/audit',
	tags: ['Audit log'],
	summary: 'The workspace’s audit log, newest first (owners and admins). Read-only: nothing in the API writes or deletes it',
	request: {
		params: z.object({ workspaceId: idParam }),
		query: z.object({
			before: z.coerce.number().int().min(1).optional().openapi({ type: 'string', description: 'The `nextCursor` of the previous page' }),
			limit: z.coerce.number().int().min(1).max(200).default(50),
			action: actionList.optional(),
			actorId: idParam.optional()
		})
	},
	responses: {
		200: jsonResponse(
			z.object({ events: z.array(auditEventSchema), nextCursor: z.string().nullable() }).openapi('AuditPage'),
			'One page of events; `nextCursor` is null on the last page'
		),
		401: errors[401],
		403: errors[403],
		404: errors[404],
		422: errors[422]
	}
});
