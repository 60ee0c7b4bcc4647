import { createRoute, z } from '@hono/zod-openapi';
import { interactionKindField, partyStatusField } from '../column-fields.js';
import { createSchemaFactory } from 'drizzle-zod';
import { companies, contacts } from '../../db/schema.js';
import { partySorts } from '../../contacts/party-store.js';
import { errors } from '../responses.js';
import { idParam, jsonBody, jsonResponse, plainText } from '../schemas.js';
import { schemaMessage } from '../../../src/lib/schema-text.js';
import { fieldLimits } from '../../../src/lib/model/fields.js';
import { m } from '../../../src/lib/paraglide/messages.js';

const { createInsertSchema } = createSchemaFactory({ zodInstance: z });

const optionalText = (max: number) =>
	plainText()
		.trim()
		.max(max, schemaMessage(m.error_at_most_characters, { count: max }))
		.nullable()
		.optional();
const list = (max: number, length: number) =>
	z
		.array(plainText().trim().max(length, schemaMessage(m.error_at_most_characters, { count: length })))
		.max(max, schemaMessage(m.error_at_most_items, { count: max }))
		.optional();

// drizzle-zod derives the fields from the tables, so the API and the columns
// cannot drift apart; each text field is then bounded and checked for storable text.
const partyRefinements = {
	name: () => plainText().trim().min(1, schemaMessage(m.error_party_name_empty)).max(200, schemaMessage(m.error_at_most_characters, { count: 200 })),
	phones: () => list(10, 50),
	emails: () => list(10, 254),
	tags: () => list(20, 50),
	address: () => optionalText(500),
	website: () => optionalText(300),
	segment: () => optionalText(100),
	note: () => optionalText(5000),
	ownerId: () => idParam.nullable().optional()
};
const partyFields = ['name', 'phones', 'emails', 'tags', 'address', 'website', 'segment', 'status', 'ownerId', 'note'] as const;
const pick = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((key) => [key, true])) as { [P in K]: true };

const contactFields = createInsertSchema(contacts, {
	...partyRefinements,
	companyId: () => idParam.nullable().optional(),
	position: () => optionalText(200),
	birthday: () => z.iso.date(schemaMessage(m.error_date_invalid)).nullable().optional()
}).pick(pick([...partyFields, 'companyId', 'position', 'birthday']));

const companyFields = createInsertSchema(companies, {
	...partyRefinements,
	taxId: () => optionalText(50)
}).pick(pick([...partyFields, 'taxId']));

/** Custom field values by field id (null clears one); each is checked against its field, 422 naming it. */
export const customValuesBody = z
	.record(idParam, z.unknown())
	.refine((values) => Object.keys(values).length <= fieldLimits.perEntity, schemaMessage(m.error_at_most_items, { count: fieldLimits.perEntity }))
	.optional()
	.openapi({ description: 'Custom field values by field id; null clears one. Text, number, money `{amountMinor, currency}`, date `YYYY-MM-DD`, choice (an option id), multi-choice (option ids), user (a member id), link (http or https URL)' });

/**
 * List filters on custom fields, `field=<fieldId>:<value>`, repeatable (all
 * must hold): equality for a choice (option id), user, number or date;
 * "contains" for text and links; "includes" for a multi-choice.
 */
export const fieldFilterQuery = z
	.union([plainText().max(200), z.array(plainText().max(200)).max(10)])
	.optional()
	.openapi({ description: 'A custom field filter `<fieldId>:<value>`; repeat for several' });

const force = z.boolean().optional().openapi({ description: 'Create (or save) even when duplicate candidates were found' });

export const contactBody = contactFields.extend({ custom: customValuesBody, force }).strict().openapi('NewContact');
export const companyBody = companyFields.extend({ custom: customValuesBody, force }).strict().openapi('NewCompany');
export const contactPatch = contactFields.partial().extend({ custom: customValuesBody, force }).strict().openapi('ContactChanges');
export const companyPatch = companyFields.partial().extend({ custom: customValuesBody, force }).strict().openapi('CompanyChanges');

const partyJsonFields = {
	id: z.string(),
	name: z.string(),
	phones: z.array(z.string()),
	emails: z.array(z.string()),
	address: z.string().nullable(),
	website: z.string().nullable(),
	segment: z.string().nullable(),
	status: partyStatusField,
	ownerId: z.string().nullable(),
	tags: z.array(z.string()),
	note: z.string().nullable(),
	createdAt: z.string(),
	updatedAt: z.string(),
	deletedAt: z.string().nullable().openapi({ description: 'In the trash since then; purged 30 days later' }),
	atRiskSince: z.string().nullable().openapi({ description: 'Flagged at risk by the at-risk process since then; cleared by the next won deal' }),
	custom: z.record(z.string(), z.unknown()).openapi({ description: 'Custom field values by field id' })
};
export const contactJson = z
	.object({
		...partyJsonFields,
		companyId: z.string().nullable(),
		companyName: z.string().nullable(),
		position: z.string().nullable(),
		birthday: z.string().nullable()
	})
	.openapi('Contact');
export const companyJson = z.object({ ...partyJsonFields, taxId: z.string().nullable() }).openapi('Company');

const partyDeal = z
	.object({
		id: z.string(),
		pipelineId: z.string(),
		pipelineName: z.string(),
		title: z.string(),
		valueMinor: z.number(),
		currency: z.string(),
		stageId: z.string(),
		stageName: z.string().nullable(),
		status: z.string(),
		ownerId: z.string(),
		ownerName: z.string().nullable(),
		createdAt: z.string(),
		closedAt: z.string().nullable()
	})
	.openapi('PartyDeal');

export const partyLinkJson = z
	.object({
		id: z.string(),
		relation: z.string(),
		kind: z.enum(['contact', 'company']),
		otherId: z.string(),
		otherName: z.string()
	})
	.openapi('PartyLink');

const dealRef = z.object({ id: z.string(), title: z.string(), pipelineId: z.string() });
const entryBase = { id: z.string(), at: z.string(), userId: z.string().nullable(), userName: z.string().nullable() };
export const timelineEntryJson = z
	.discriminatedUnion('type', [
		z.object({ ...entryBase, type: z.literal('interaction'), kind: interactionKindField, text: z.string(), deal: dealRef.nullable() }),
		z.object({ ...entryBase, type: z.literal('deal'), deal: dealRef }),
		z.object({ ...entryBase, type: z.literal('stage'), deal: dealRef, fromStage: z.string().nullable(), toStage: z.string().nullable() }),
		z.object({ ...entryBase, type: z.literal('task'), deal: dealRef, taskType: z.string(), title: z.string() }),
		z.object({ ...entryBase, type: z.literal('record'), action: z.string(), detail: z.record(z.string(), z.unknown()).nullable() })
	])
	.openapi('TimelineEntry');

const candidateJson = z
	.object({
		id: z.string(),
		name: z.string(),
		matchedOn: z.array(z.enum(['phone', 'email', 'taxId', 'name'])),
		status: partyStatusField,
		phones: z.array(z.string()),
		emails: z.array(z.string()),
		companyName: z.string().nullable()
	})
	.openapi('DuplicateCandidate');

const workspaceParams = z.object({ workspaceId: idParam });
const params = z.object({ id: idParam });
const changeErrors = { 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: errors[409], 422: errors[422] } as const;

const listQuery = z.object({
	q: plainText().max(200).optional(),
	status: partyStatusField.optional(),
	owner: idParam.optional(),
	segment: plainText().max(100).optional(),
	tag: plainText().max(50).optional(),
	companyId: idParam.optional().openapi({ description: 'Contacts only: the people of this company' }),
	trash: z.enum(['true', 'false']).optional().openapi({ description: 'The trash instead of the live records' }),
	field: fieldFilterQuery,
	sort: z.enum(partySorts).default('name'),
	order: z.enum(['asc', 'desc']).default('asc'),
	limit: z.coerce.number().int().min(1).max(200).default(50),
	offset: z.coerce.number().int().min(0).max(10_000_000).default(0)
})
	// A parameter of another list (owner=, stage=) is a mistake to report, not to ignore.
	.strict();
export type PartyListQuery = z.infer<typeof listQuery>;

/** The routes of contacts or companies; the same shapes, under their own paths and schemas. */
export function partyRoutes<P extends 'contacts' | 'companies'>(plural: P) {
	const isContact = plural === 'contacts';
	const tag = isContact ? 'Contacts' : 'Companies';
	const one = isContact ? 'contact' : 'company';
	const body = (isContact ? contactBody : companyBody) as typeof contactBody;
	const patch = (isContact ? contactPatch : companyPatch) as typeof contactPatch;
	const json = (isContact ? contactJson : companyJson) as typeof contactJson;
	// One schema for both: the answer holds `contact` or `company`, by the path.
	const recordSchema = z.union([z.object({ contact: contactJson }), z.object({ company: companyJson })]).openapi('PartyRecord');
	const duplicateNote = `409 \`duplicate_candidates\` lists the ${plural} that are probably the same (matched on phone, email${isContact ? '' : ', tax id'} or a similar name), unless \`force\` is true.`;
	return {
		list: createRoute({
			method: 'get',
			path: `/workspaces/{workspaceId}/${plural}` as `/workspaces/{workspaceId}/${P}`,
			tags: [tag],
			summary: `A page of the workspace's ${plural}, filtered and sorted`,
			request: { params: workspaceParams, query: listQuery },
			responses: {
				200: jsonResponse(z.object({ items: z.array(json), total: z.number().int() }), 'One page, and how many match'),
				401: errors[401],
				404: errors[404],
				422: errors[422]
			}
		}),
		create: createRoute({
			method: 'post',
			path: `/workspaces/{workspaceId}/${plural}` as `/workspaces/{workspaceId}/${P}`,
			tags: [tag],
			summary: `Create a ${one}`,
			description: duplicateNote,
			request: { params: workspaceParams, body: jsonBody(body) },
			responses: { 201: jsonResponse(recordSchema, 'Created'), ...changeErrors }
		}),
		check: createRoute({
			method: 'post',
			path: `/workspaces/{workspaceId}/${plural}/duplicates` as `/workspaces/{workspaceId}/${P}/duplicates`,
			tags: [tag],
			summary: `The ${plural} a new or edited ${one} would duplicate, without saving anything`,
			request: {
				params: workspaceParams,
				body: jsonBody(patch.extend({ exceptId: idParam.optional().openapi({ description: `The ${one} being edited` }) }).strict())
			},
			responses: { 200: jsonResponse(z.object({ candidates: z.array(candidateJson) }), 'Candidates'), 401: errors[401], 404: errors[404], 422: errors[422] }
		}),
		get: createRoute({
			method: 'get',
			path: `/${plural}/{id}` as `/${P}/{id}`,
			tags: [tag],
			summary: `A ${one} with its deals and links`,
			request: { params },
			responses: {
				200: jsonResponse(
					z.object({
						record: json,
						deals: z.array(partyDeal),
						links: z.array(partyLinkJson),
						people: z.array(contactJson).openapi({ description: 'Companies: the contacts who work there' }),
						canDelete: z.boolean()
					}),
					`The ${one}`
				),
				401: errors[401],
				404: errors[404]
			}
		}),
		update: createRoute({
			method: 'patch',
			path: `/${plural}/{id}` as `/${P}/{id}`,
			tags: [tag],
			summary: `Change a ${one}`,
			description: duplicateNote,
			request: { params, body: jsonBody(patch) },
			responses: { 200: jsonResponse(recordSchema, 'Changed'), ...changeErrors }
		}),
		remove: createRoute({
			method: 'delete',
			path: `/${plural}/{id}` as `/${P}/{id}`,
			tags: [tag],
			summary: `Move a ${one} to the trash (admins and its owner); restorable for 30 days`,
			request: { params },
			responses: { 200: jsonResponse(recordSchema, 'In the trash'), ...changeErrors }
		}),
		restore: createRoute({
			method: 'post',
			path: `/${plural}/{id}/restore` as `/${P}/{id}/restore`,
			tags: [tag],
			summary: `Bring a ${one} back from the trash`,
			request: { params },
			responses: { 200: jsonResponse(recordSchema, 'Restored'), ...changeErrors }
		}),
		merge: createRoute({
			method: 'post',
			path: `/${plural}/{id}/merge` as `/${P}/{id}/merge`,
			tags: [tag],
			summary: `Merge another ${one} into this one, keeping every deal, task, interaction, phone, email and link of both`,
			request: { params, body: jsonBody(z.object({ otherId: idParam }).strict()) },
			responses: { 200: jsonResponse(recordSchema, 'Merged'), ...changeErrors }
		}),
		timeline: createRoute({
			method: 'get',
			path: `/${plural}/{id}/timeline` as `/${P}/{id}/timeline`,
			tags: [tag],
			summary: `The ${one}'s history, newest first, paged`,
			request: {
				params,
				query: z.object({
					before: z.iso.datetime({ offset: true }).optional().openapi({ description: 'The `next` of the previous page' }),
					limit: z.coerce.number().int().min(1).max(100).default(30)
				})
				.strict()
			},
			responses: {
				200: jsonResponse(z.object({ entries: z.array(timelineEntryJson), next: z.string().nullable() }), 'A page of the history'),
				401: errors[401],
				404: errors[404],
				422: errors[422]
			}
		}),
		addInteraction: createRoute({
			method: 'post',
			path: `/${plural}/{id}/interactions` as `/${P}/{id}/interactions`,
			tags: [tag],
			summary: `Log a call, meeting, email or note with the ${one}`,
			request: {
				params,
				body: jsonBody(
					z.object({
						kind: interactionKindField,
						text: plainText().trim().min(1, schemaMessage(m.error_note_empty)).max(10_000),
						at: z.iso.datetime({ offset: true }).optional()
					}).strict()
				)
			},
			responses: { 201: jsonResponse(z.object({ id: z.string() }), 'Logged'), ...changeErrors }
		})
	};
}
