import { createRoute, z } from '@hono/zod-openapi';
import { dealStatusField, importEntityField, importStatusField, partyStatusField } from '../column-fields.js';
import { partySorts } from '../../contacts/party-store.js';
import { dealSorts } from '../../pipelines/deal-query.js';
import { csvEncodings } from '../../imports/csv-read.js';
import { duplicateChoices } from '../../imports/import-store.js';
import { errors } from '../responses.js';
import { fieldFilterQuery } from '../parties/party.routes.js';
import { idParam, jsonResponse, plainText } from '../schemas.js';
import { schemaMessage } from '../../../src/lib/schema-text.js';
import { m } from '../../../src/lib/paraglide/messages.js';

const workspaceParams = z.object({ workspaceId: idParam });

const fileField = z
	.custom<File>((value) => value instanceof File, { message: schemaMessage(m.import_file_missing) })
	.openapi({ type: 'string', format: 'binary', description: 'The CSV file, up to 50 MB' });
const encodingField = z
	.enum(['auto', ...csvEncodings])
	.default('auto')
	.openapi({ description: '`auto` reads UTF-8 (with or without a BOM) when the bytes are UTF-8, else Windows-1251' });
const delimiterField = z
	.enum(['auto', ';', ',', '\t', 'tab'])
	.default('auto')
	.openapi({ description: '`auto` guesses it from the first rows; `tab` is the same as a tab character' });

function multipart<T extends z.ZodType>(schema: T) {
	return { content: { 'multipart/form-data': { schema } }, required: true };
}

const importForm = z
	.object({
		file: fileField,
		entity: importEntityField,
		encoding: encodingField,
		delimiter: delimiterField,
		mapping: plainText()
			.max(100_000)
			.openapi({ description: 'JSON: an object of column name to field key (or null to leave the column out), e.g. `{"Имя":"name","Телефон":"phone"}`' }),
		duplicates: z.enum(duplicateChoices).default('skip').openapi({
			description: 'A row that is a record already there (same phone, email or tax id, or the same name when the row has none): skip it, update the record (add phones, emails and tags, fill blank fields) or create another'
		}),
		dryRun: z.enum(['true', 'false']).default('false').openapi({ description: 'Check everything and report, writing nothing' }),
		pipelineId: idParam.optional().openapi({ description: 'Deals only: the pipeline they go to' })
	})
	.openapi('ImportForm');

const previewForm = z.object({ file: fileField, encoding: encodingField, delimiter: delimiterField, entity: importEntityField.default('contacts') }).openapi('ImportPreviewForm');

const issueJson = z.object({ line: z.number().int(), reason: z.string() });

export const importJson = z
	.object({
		id: z.string(),
		entity: importEntityField,
		status: importStatusField,
		dryRun: z.boolean(),
		fileName: z.string().nullable(),
		total: z.number().int(),
		processed: z.number().int(),
		created: z.number().int(),
		updated: z.number().int(),
		skipped: z.number().int(),
		errors: z.array(issueJson).openapi({ description: 'The rows not imported, by line, the reason in the caller’s language; the first 1,000' }),
		errorCount: z.number().int().openapi({ description: 'Every row not imported, listed or not' }),
		failure: z.string().nullable().openapi({ description: 'Why the import stopped, when it failed' }),
		createdAt: z.string(),
		finishedAt: z.string().nullable()
	})
	.openapi('Import');

const fieldJson = z.object({ key: z.string(), label: z.string(), required: z.boolean(), multiple: z.boolean(), anyOf: z.array(z.string()).optional() });

export const previewImportRoute = createRoute({
	method: 'post',
	path: '/workspaces/{workspaceId}/imports/preview',
	tags: ['Imports'],
	summary: 'Read a CSV file without importing it: its columns, first rows, encoding, delimiter, and a suggested mapping (manager)',
	request: { params: workspaceParams, body: multipart(previewForm) },
	responses: {
		200: jsonResponse(
			z.object({
				columns: z.array(z.string()),
				rows: z.array(z.object({ line: z.number().int(), values: z.record(z.string(), z.string()) })),
				encoding: z.enum(csvEncodings),
				bom: z.boolean(),
				delimiter: z.string(),
				total: z.number().int(),
				problems: z.array(issueJson),
				fields: z.array(fieldJson),
				suggestedMapping: z.record(z.string(), z.string().nullable())
			}),
			'What the file holds'
		),
		401: errors[401],
		403: errors[403],
		404: errors[404],
		413: errors[413],
		422: errors[422]
	}
});

export const startImportRoute = createRoute({
	method: 'post',
	path: '/workspaces/{workspaceId}/imports',
	tags: ['Imports'],
	summary: 'Import contacts, companies or deals from a CSV file (manager); runs in the background',
	description:
		'Answers 202 with the import’s id at once; `GET /imports/{importId}` reports the progress. Rows are imported in batches, each ' +
		'all or nothing; every row is imported or reported with its line and reason. New deals get a “Call back” task for their owner, ' +
		'due the next working day at 10:00 (server time). The body may be up to 50 MB.',
	request: { params: workspaceParams, body: multipart(importForm) },
	responses: {
		202: jsonResponse(z.object({ id: z.string() }), 'Queued'),
		401: errors[401],
		403: errors[403],
		404: errors[404],
		413: errors[413],
		422: errors[422]
	}
});

export const getImportRoute = createRoute({
	method: 'get',
	path: '/imports/{importId}',
	tags: ['Imports'],
	summary: 'An import’s progress and report (manager)',
	request: { params: z.object({ importId: idParam }) },
	responses: { 200: jsonResponse(importJson, 'The import'), 401: errors[401], 403: errors[403], 404: errors[404] }
});

export const listImportsRoute = createRoute({
	method: 'get',
	path: '/workspaces/{workspaceId}/imports',
	tags: ['Imports'],
	summary: 'The workspace’s recent imports, newest first, without their error lists (manager)',
	request: { params: workspaceParams },
	responses: {
		200: jsonResponse(z.object({ imports: z.array(importJson.omit({ errors: true, failure: true })) }), 'Recent imports'),
		401: errors[401],
		403: errors[403],
		404: errors[404]
	}
});

const csvResponse = (description: string) => ({
	content: { 'text/csv': { schema: z.string().openapi({ description: 'UTF-8 with a BOM, CRLF line ends, comma-separated' }) } },
	description
});

const partyExportQuery = z
	.object({
		q: plainText().max(200).optional(),
		status: partyStatusField.optional(),
		owner: idParam.optional(),
		segment: plainText().max(100).optional(),
		tag: plainText().max(50).optional(),
		companyId: idParam.optional(),
		trash: z.enum(['true', 'false']).optional(),
		field: fieldFilterQuery,
		sort: z.enum(partySorts).default('name'),
		order: z.enum(['asc', 'desc']).default('asc')
	})
	.strict();

export const exportPartiesRoute = (plural: 'contacts' | 'companies') =>
	createRoute({
		method: 'get',
		path: `/workspaces/{workspaceId}/${plural}/export`,
		tags: [plural === 'contacts' ? 'Contacts' : 'Companies'],
		summary: `The ${plural} list as a CSV file, with the list’s filters and order`,
		request: { params: workspaceParams, query: partyExportQuery },
		responses: { 200: csvResponse(`Every matching ${plural === 'contacts' ? 'contact' : 'company'}`), 401: errors[401], 404: errors[404], 422: errors[422] }
	});

export const exportDealsRoute = createRoute({
	method: 'get',
	path: '/pipelines/{pipelineId}/deals/export',
	tags: ['Deals'],
	summary: 'The deals list as a CSV file, with the list’s filters and order, naming each deal’s stage, owner, contact and company',
	request: {
		params: z.object({ pipelineId: idParam }),
		query: z.object({
			stage: idParam.optional(),
			owner: idParam.optional(),
			status: dealStatusField.optional(),
			q: plainText().trim().max(200).optional(),
			field: fieldFilterQuery,
			sort: z.enum(dealSorts).default('board'),
			order: z.enum(['asc', 'desc']).default('asc')
		})
			// The whole list: a page's limit or offset is a mistake to report, not to ignore.
			.strict()
	},
	responses: { 200: csvResponse('Every matching deal'), 401: errors[401], 404: errors[404], 422: errors[422] }
});
