import { createRoute, z } from '@hono/zod-openapi';
import { customFieldEntities, customFieldTypes, fieldLimits } from '../../../src/lib/model/fields.js';
import { errors } from '../responses.js';
import { idParam, jsonBody, jsonResponse, plainText } from '../schemas.js';
import { schemaMessage } from '../../../src/lib/schema-text.js';
import { m } from '../../../src/lib/paraglide/messages.js';

const label = plainText()
	.trim()
	.min(1, schemaMessage(m.error_field_label_empty))
	.max(fieldLimits.labelLength, schemaMessage(m.error_at_most_characters, { count: fieldLimits.labelLength }));

const option = z.object({
	// Absent for a new option: the server gives it a stable id.
	id: idParam.optional(),
	label: plainText()
		.trim()
		.min(1, schemaMessage(m.error_field_label_empty))
		.max(fieldLimits.optionLabelLength, schemaMessage(m.error_at_most_characters, { count: fieldLimits.optionLabelLength }))
}).strict();
const options = z.array(option).max(fieldLimits.options, schemaMessage(m.error_at_most_items, { count: fieldLimits.options }));

export const fieldJson = z
	.object({
		id: z.string(),
		entity: z.enum(customFieldEntities),
		label: z.string(),
		type: z.enum(customFieldTypes),
		options: z.array(z.object({ id: z.string(), label: z.string() })),
		pinned: z.boolean().openapi({ description: 'Deal: shown on the board card; contact or company: a column of the list' }),
		position: z.number().int(),
		archived: z.boolean()
	})
	.openapi('CustomField');

export const listFieldsRoute = createRoute({
	method: 'get',
	path: '/workspaces/{workspaceId}/fields',
	tags: ['Fields'],
	summary: 'The workspace’s custom fields of deals, contacts and companies, in order',
	request: {
		params: z.object({ workspaceId: idParam }),
		query: z
			.object({
				entity: z.enum(customFieldEntities).optional(),
				archived: z.enum(['true', 'false']).optional().openapi({ description: 'true: archived fields too' })
			})
			.strict()
	},
	responses: { 200: jsonResponse(z.object({ fields: z.array(fieldJson) }), 'Fields'), 401: errors[401], 404: errors[404], 422: errors[422] }
});

export const createFieldRoute = createRoute({
	method: 'post',
	path: '/workspaces/{workspaceId}/fields',
	tags: ['Fields'],
	summary: 'Add a custom field (admin); choice fields need options',
	request: {
		params: z.object({ workspaceId: idParam }),
		body: jsonBody(
			z
				.object({
					entity: z.enum(customFieldEntities),
					label,
					type: z.enum(customFieldTypes),
					options: options.optional(),
					pinned: z.boolean().optional()
				})
				.strict()
				.openapi('NewCustomField')
		)
	},
	responses: {
		201: jsonResponse(fieldJson, 'Created'),
		400: errors[400],
		401: errors[401],
		403: errors[403],
		404: errors[404],
		409: errors[409],
		422: errors[422]
	}
});

export const updateFieldRoute = createRoute({
	method: 'patch',
	path: '/fields/{fieldId}',
	tags: ['Fields'],
	summary: 'Rename a field, change its options (ids keep values), pin, reorder, archive or restore it (admin). The type never changes.',
	request: {
		params: z.object({ fieldId: idParam }),
		body: jsonBody(
			z
				.object({
					label: label.optional(),
					options: options.optional(),
					pinned: z.boolean().optional(),
					position: z.number().int().min(0).max(10_000).optional(),
					archived: z.boolean().optional()
				})
				.strict()
				.openapi('CustomFieldChanges')
		)
	},
	responses: {
		200: jsonResponse(fieldJson, 'Updated'),
		400: errors[400],
		401: errors[401],
		403: errors[403],
		404: errors[404],
		409: errors[409],
		422: errors[422]
	}
});

export const deleteFieldRoute = createRoute({
	method: 'delete',
	path: '/fields/{fieldId}',
	tags: ['Fields'],
	summary: 'Archive a field (admin): it leaves forms, cards, lists and exports; stored values stay, and restoring it brings them back',
	request: { params: z.object({ fieldId: idParam }) },
	responses: { 204: { description: 'Archived' }, 401: errors[401], 403: errors[403], 404: errors[404] }
});
