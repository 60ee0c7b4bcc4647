/**
 * Lists as CSV, the way the person sees them (the same filters and order as
 * the list routes), streamed page by page: a list of 100,000 contacts is
 * never one string in memory. Column labels are in the reader's language;
 * contacts export the owner's email, which an import reads back.
 */
import { and, asc, desc, eq, ilike, inArray, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { companies, contacts, dealsProjection, stagesProjection, users, type PartyKind } from '../db/schema.js';
import { listAllParties, type PartyFilter, type PartySort } from '../contacts/party-store.js';
import { fieldConditionSql } from '../fields/field-filter.js';
import { customCells, customColumns } from '../fields/field-csv.js';
import type { CustomFieldDef } from '../../src/lib/model/fields.js';
import { escapeLike } from '../db/like.js';
import type { DealFilters } from '../pipelines/deal-query.js';
import type { CsvColumn } from './csv-write.js';
import type { Locale } from '../i18n/locale.js';
import { m } from '../../src/lib/paraglide/messages.js';

const statusLabels = {
	potential: m.parties_status_potential,
	customer: m.parties_status_customer,
	lapsed: m.parties_status_lapsed
};

export function partyColumns(kind: PartyKind, locale: Locale, fields: CustomFieldDef[] = []): CsvColumn[] {
	const label = (message: (inputs: object, options: { locale: Locale }) => string) => message({}, { locale });
	return [
		{ key: 'name', label: label(kind === 'contact' ? m.import_field_full_name : m.import_field_company_name) },
		...(kind === 'contact'
			? [
					{ key: 'companyName', label: label(m.import_field_company) },
					{ key: 'position', label: label(m.import_field_position) }
				]
			: [{ key: 'taxId', label: label(m.import_field_tax_id) }]),
		{ key: 'phones', label: label(m.import_field_phone) },
		{ key: 'emails', label: label(m.import_field_email) },
		{ key: 'status', label: label(m.import_field_status) },
		{ key: 'segment', label: label(m.import_field_segment) },
		{ key: 'tags', label: label(m.import_field_tags) },
		{ key: 'address', label: label(m.import_field_address) },
		{ key: 'website', label: label(m.import_field_website) },
		...(kind === 'contact' ? [{ key: 'birthday', label: label(m.import_field_birthday) }] : []),
		{ key: 'owner', label: label(m.import_field_owner) },
		...(kind === 'contact' ? [{ key: 'note', label: label(m.import_field_note) }] : []),
		{ key: 'createdAt', label: label(m.import_field_created_at) },
		{ key: 'updatedAt', label: label(m.export_column_updated) },
		...customColumns(fields)
	];
}

/** Members' emails by id: an export names a person by the email an import reads back. */
async function readEmails(db: Database, userIds: string[]): Promise<Map<string, string>> {
	const ids = [...new Set(userIds)];
	if (ids.length === 0) return new Map();
	const rows = await db.select({ id: users.id, email: users.email }).from(users).where(inArray(users.id, ids));
	return new Map(rows.map((row) => [row.id, row.email]));
}

/** The user ids custom "team member" values of these rows name. */
function customPeople(fields: CustomFieldDef[], rows: Array<{ custom: Record<string, unknown> | null }>): string[] {
	const people = fields.filter((field) => field.type === 'user');
	return rows.flatMap((row) => people.map((field) => row.custom?.[field.id]).filter((id): id is string => typeof id === 'string'));
}

/** Pages of a contact or company list as rows of the export's columns. */
export async function* exportPartyRows(
	db: Database,
	scope: { workspaceId: string; kind: PartyKind },
	filter: PartyFilter,
	sort: PartySort,
	order: 'asc' | 'desc',
	locale: Locale,
	fields: CustomFieldDef[] = []
): AsyncGenerator<Record<string, unknown>[]> {
	for await (const rows of listAllParties(db, scope, filter, sort, order)) {
		const emailOf = await readEmails(db, [...rows.flatMap((row) => (row.ownerId ? [row.ownerId] : [])), ...customPeople(fields, rows)]);
		yield rows.map((row) => ({
			...row,
			status: statusLabels[row.status]({}, { locale }),
			owner: row.ownerId ? (emailOf.get(row.ownerId) ?? '') : '',
			...customCells(fields, row.custom, (id) => emailOf.get(id))
		}));
	}
}

export function dealColumns(locale: Locale, fields: CustomFieldDef[] = []): CsvColumn[] {
	const label = (message: (inputs: object, options: { locale: Locale }) => string) => message({}, { locale });
	return [
		{ key: 'title', label: label(m.import_field_title) },
		{ key: 'value', label: label(m.import_field_value) },
		{ key: 'currency', label: label(m.import_field_currency) },
		{ key: 'stage', label: label(m.import_field_stage) },
		{ key: 'status', label: label(m.export_column_deal_status) },
		{ key: 'owner', label: label(m.export_column_owner) },
		{ key: 'contact', label: label(m.import_field_contact) },
		{ key: 'company', label: label(m.import_field_company) },
		{ key: 'source', label: label(m.import_field_source) },
		{ key: 'createdAt', label: label(m.import_field_created_at) },
		{ key: 'updatedAt', label: label(m.export_column_updated) },
		...customColumns(fields)
	];
}

const dealStatusLabels = { open: m.export_deal_open, won: m.export_deal_won, lost: m.export_deal_lost };

/** A value in minor units as the decimal a spreadsheet sums ("1200.50"), by the currency's own decimals. */
function formatMinor(valueMinor: number, currency: string): string {
	let digits = 2;
	try {
		digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
	} catch {
		// An unknown code keeps two decimals.
	}
	if (digits === 0) return String(valueMinor);
	const text = String(valueMinor).padStart(digits + 1, '0');
	return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

const dealSortColumns = {
	created: dealsProjection.createdAt,
	updated: dealsProjection.updatedAt,
	title: dealsProjection.title,
	value: dealsProjection.valueMinor,
	stageEntered: dealsProjection.stageEnteredAt
};

/** Every deal of a pipeline matching the list's filters, in pages, with the names of its stage, owner, contact and company. */
export async function* exportDealRows(
	db: Database,
	scope: { workspaceId: string; pipelineId: string },
	filters: Omit<DealFilters, 'limit' | 'offset'>,
	locale: Locale,
	fields: CustomFieldDef[] = []
): AsyncGenerator<Record<string, unknown>[]> {
	const conditions: SQL[] = [eq(dealsProjection.pipelineId, scope.pipelineId), eq(dealsProjection.workspaceId, scope.workspaceId)];
	if (filters.stageId) conditions.push(eq(dealsProjection.stageId, filters.stageId));
	if (filters.ownerId) conditions.push(eq(dealsProjection.ownerId, filters.ownerId));
	if (filters.status) conditions.push(eq(dealsProjection.status, filters.status));
	if (filters.search) conditions.push(ilike(dealsProjection.title, `%${escapeLike(filters.search)}%`));
	for (const condition of filters.fields ?? []) conditions.push(fieldConditionSql(dealsProjection.custom, condition));
	const direction = filters.order === 'desc' ? desc : asc;
	const ordering =
		filters.sort === 'board'
			? [direction(stagesProjection.rank), direction(dealsProjection.rank), asc(dealsProjection.id)]
			: [direction(dealSortColumns[filters.sort]), asc(dealsProjection.id)];
	const limit = 1000;
	for (let offset = 0; ; offset += limit) {
		const rows = await db
			.select({
				title: dealsProjection.title,
				valueMinor: dealsProjection.valueMinor,
				currency: dealsProjection.currency,
				stage: stagesProjection.name,
				status: dealsProjection.status,
				owner: users.name,
				// The contact and company of the deal's own workspace only.
				contact: sql<string | null>`(select c.name from ${contacts} c where c.id = ${dealsProjection.contactId} and c.workspace_id = ${scope.workspaceId})`,
				company: sql<string | null>`(select c.name from ${companies} c where c.id = ${dealsProjection.companyId} and c.workspace_id = ${scope.workspaceId})`,
				source: dealsProjection.source,
				createdAt: dealsProjection.createdAt,
				updatedAt: dealsProjection.updatedAt,
				custom: dealsProjection.custom
			})
			.from(dealsProjection)
			.leftJoin(stagesProjection, and(eq(stagesProjection.pipelineId, dealsProjection.pipelineId), eq(stagesProjection.id, dealsProjection.stageId)))
			.leftJoin(users, eq(users.id, dealsProjection.ownerId))
			.where(and(...conditions))
			.orderBy(...ordering)
			.limit(limit)
			.offset(offset);
		if (rows.length > 0) {
			const emailOf = await readEmails(db, customPeople(fields, rows));
			yield rows.map((row) => ({
				...row,
				...customCells(fields, row.custom, (id) => emailOf.get(id)),
				value: formatMinor(row.valueMinor, row.currency),
				status: dealStatusLabels[row.status as keyof typeof dealStatusLabels]?.({}, { locale }) ?? row.status
			}));
		}
		if (rows.length < limit) return;
	}
}
