import type { Locale } from '../i18n/locale.js';
import { dealSources, dealStatuses, pipelineModes, stageKinds, taskTypes } from '../../src/lib/model/schema.js';
import { stageRuleDueUnits } from '../../src/lib/model/stage-rules.js';
import { sql } from 'drizzle-orm';
import {
	bigint,
	bigserial,
	boolean,
	customType,
	integer,
	pgEnum,
	pgTable,
	primaryKey,
	text,
	timestamp,
	index,
	uniqueIndex,
	check,
	date,
	jsonb,
	doublePrecision,
	type AnyPgColumn
} from 'drizzle-orm/pg-core';

export const roles = ['owner', 'admin', 'manager', 'rep', 'viewer'] as const;
export type Role = (typeof roles)[number];
export const memberRole = pgEnum('member_role', roles);

/** When a team works, in its workspace's time zone: ISO weekdays (1 = Monday) and "HH:MM" times. */
export interface WorkingHours {
	days: number[];
	start: string;
	end: string;
}

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const users = pgTable('users', {
	id: text('id').primaryKey(),
	// Stored lower-cased: one person, one account, however they type it.
	email: text('email').notNull().unique(),
	name: text('name').notNull(),
	passwordHash: text('password_hash').notNull(),
	// 'en' or 'ru'; null follows the language the browser asks for.
	locale: text('locale').$type<Locale>(),
	createdAt: createdAt()
});

export const sessions = pgTable(
	'sessions',
	{
		// The SHA-256 of the token, never the token itself.
		id: text('id').primaryKey(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		createdAt: createdAt()
	},
	(t) => [index('sessions_user_idx').on(t.userId)]
);

export const workspaces = pgTable('workspaces', {
	id: text('id').primaryKey(),
	name: text('name').notNull(),
	// Closed deals leave the live boards this many days after closing.
	closedDealDays: integer('closed_deal_days').notNull().default(7),
	// The team's clock: automation's due times, working hours and "the first of the month" are read in it.
	timeZone: text('time_zone').notNull().default('UTC'),
	workingHours: jsonb('working_hours').$type<WorkingHours>().notNull().default({ days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' }),
	createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
	createdAt: createdAt()
});

export const memberships = pgTable(
	'memberships',
	{
		workspaceId: text('workspace_id')
			.notNull()
			.references(() => workspaces.id, { onDelete: 'cascade' }),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		role: memberRole('role').notNull(),
		// Lead routing gives new leads only to members marked available (away, on leave: not).
		available: boolean('available').notNull().default(true),
		// Whom this member's overdue tasks are escalated to; unset: the workspace's managers and admins.
		reportsTo: text('reports_to').references(() => users.id, { onDelete: 'set null' }),
		joinedAt: timestamp('joined_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.workspaceId, t.userId] }), index('memberships_user_idx').on(t.userId)]
);

export const invites = pgTable(
	'invites',
	{
		id: text('id').primaryKey(),
		workspaceId: text('workspace_id')
			.notNull()
			.references(() => workspaces.id, { onDelete: 'cascade' }),
		tokenHash: text('token_hash').notNull().unique(),
		role: memberRole('role').notNull(),
		createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: createdAt(),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		// null: any number of people may join with the link until it expires.
		maxUses: integer('max_uses'),
		useCount: integer('use_count').notNull().default(0),
		revokedAt: timestamp('revoked_at', { withTimezone: true })
	},
	(t) => [
		index('invites_workspace_idx').on(t.workspaceId),
		check('invites_use_count_within_max', sql`${t.maxUses} is null or ${t.useCount} <= ${t.maxUses}`)
	]
);

export const apiTokens = pgTable(
	'api_tokens',
	{
		id: text('id').primaryKey(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		name: text('name').notNull(),
		tokenHash: text('token_hash').notNull().unique(),
		createdAt: createdAt(),
		lastUsedAt: timestamp('last_used_at', { withTimezone: true })
	},
	(t) => [index('api_tokens_user_idx').on(t.userId)]
);

/**
 * Browsers that logged in to an account with its password (OWASP's device
 * cookie): they are exempt from the per-address login limit.
 */
export const loginDevices = pgTable(
	'login_devices',
	{
		// The SHA-256 of the cookie's token, never the token itself.
		id: text('id').primaryKey(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		createdAt: createdAt()
	},
	(t) => [index('login_devices_user_idx').on(t.userId)]
);

/** One-time links an admin issues so a member can set a new password. */
export const passwordResets = pgTable(
	'password_resets',
	{
		id: text('id').primaryKey(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		// The workspace whose admin issued it; the link works while the user is a member.
		workspaceId: text('workspace_id')
			.notNull()
			.references(() => workspaces.id, { onDelete: 'cascade' }),
		tokenHash: text('token_hash').notNull().unique(),
		createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: createdAt(),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		usedAt: timestamp('used_at', { withTimezone: true })
	},
	(t) => [index('password_resets_user_idx').on(t.userId)]
);

// ---- Pipelines and their live board documents ----

export { pipelineModes };
export const pipelineAccess = ['workspace', 'members'] as const;

// Every closed list of values is a PostgreSQL enum built from the same
// constant the model and the API use: the database refuses a value the code
// does not know, and drizzle-zod derives the API's validators from the column.
export const pipelineMode = pgEnum('pipeline_mode', pipelineModes);
export const pipelineAccessEnum = pgEnum('pipeline_access', pipelineAccess);
export const stageKind = pgEnum('stage_kind', stageKinds);
export const dealStatus = pgEnum('deal_status', dealStatuses);
export const dealSource = pgEnum('deal_source', dealSources);
export const taskType = pgEnum('task_type', taskTypes);

export const pipelines = pgTable(
	'pipelines',
	{
		id: text('id').primaryKey(),
		workspaceId: text('workspace_id')
			.notNull()
			.references(() => workspaces.id, { onDelete: 'cascade' }),
		name: text('name').notNull(),
		mode: pipelineMode('mode').notNull().default('free'),
		// 'workspace': every member of the workspace; 'members': only those listed
		// in pipeline_members (owners and admins always).
		access: pipelineAccessEnum('access').notNull().default('workspace'),
		position: integer('position').notNull().default(0),
		archivedAt: timestamp('archived_at', { withTimezone: true }),
		createdAt: createdAt()
	},
	(t) => [index('pipelines_workspace_idx').on(t.workspaceId)]
);

export const pipelineMembers = pgTable(
	'pipeline_members',
	{
		pipelineId: text('pipeline_id')
			.notNull()
			.references(() => pipelines.id, { onDelete: 'cascade' }),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' })
	},
	(t) => [primaryKey({ columns: [t.pipelineId, t.userId] })]
);

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
	dataType: () => 'bytea'
});

/** The append-only log of accepted Yjs updates; the id orders them. */
export const docUpdates = pgTable(
	'doc_updates',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		docId: text('doc_id').notNull(),
		bytes: bytea('bytes').notNull(),
		/** The epoch the update was made in (see doc_snapshots.epoch): with several nodes, a node still holding an older epoch is told apart. */
		epoch: integer('epoch').notNull().default(0),
		createdAt: createdAt()
	},
	(t) => [index('doc_updates_doc_idx').on(t.docId, t.id)]
);

/** A compacted document state covering every update up to lastUpdateId. */
export const docSnapshots = pgTable('doc_snapshots', {
	docId: text('doc_id').primaryKey(),
	bytes: bytea('bytes').notNull(),
	lastUpdateId: bigint('last_update_id', { mode: 'number' }).notNull(),
	updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
	/** The document's epoch: 0 until it is first rebuilt (docs/BOARD-DOCUMENT.md, "Epochs"). */
	epoch: integer('epoch').notNull().default(0),
	/** The client id that wrote the rebuilt document; null in epoch 0. */
	baseClient: bigint('base_client', { mode: 'number' })
});

/**
 * The final state of each earlier epoch of a document, kept so a client
 * holding that epoch can have its unsaved edits carried into the current one.
 * `finalState` is dropped after the retention period; the row stays, so such
 * a client is still recognised (and told its copy is too old).
 */
export const docEpochs = pgTable(
	'doc_epochs',
	{
		docId: text('doc_id').notNull(),
		epoch: integer('epoch').notNull(),
		baseClient: bigint('base_client', { mode: 'number' }),
		finalState: bytea('final_state'),
		frozenAt: timestamp('frozen_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.docId, t.epoch] })]
);

// ---- The relational projection of the boards, kept current from the documents ----

export const stagesProjection = pgTable(
	'stages',
	{
		pipelineId: text('pipeline_id')
			.notNull()
			.references(() => pipelines.id, { onDelete: 'cascade' }),
		id: text('id').notNull(),
		name: text('name').notNull(),
		kind: stageKind('kind').notNull(),
		probability: integer('probability').notNull(),
		rank: text('rank').notNull(),
		rotDays: integer('rot_days'),
		color: text('color')
	},
	(t) => [primaryKey({ columns: [t.pipelineId, t.id] })]
);

export const dealsProjection = pgTable(
	'deals',
	{
		id: text('id').primaryKey(),
		pipelineId: text('pipeline_id')
			.notNull()
			.references(() => pipelines.id, { onDelete: 'cascade' }),
		workspaceId: text('workspace_id').notNull(),
		title: text('title').notNull(),
		valueMinor: bigint('value_minor', { mode: 'number' }).notNull(),
		currency: text('currency').notNull(),
		stageId: text('stage_id').notNull(),
		rank: text('rank').notNull(),
		ownerId: text('owner_id').notNull(),
		contactId: text('contact_id'),
		companyId: text('company_id'),
		source: dealSource('source').notNull(),
		status: dealStatus('status').notNull(),
		lostReason: text('lost_reason'),
		lostNote: text('lost_note'),
		expectedCloseDate: date('expected_close_date', { mode: 'string' }),
		// The deal's custom field values (field id -> value), copied from the board's `f:<id>` keys.
		custom: jsonb('custom').$type<Record<string, unknown>>().notNull().default({}),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
		closedAt: timestamp('closed_at', { withTimezone: true }),
		stageEnteredAt: timestamp('stage_entered_at', { withTimezone: true }).notNull(),
		// Set when the closed deal left the live board; it stays here, findable.
		archivedAt: timestamp('archived_at', { withTimezone: true }),
		// In the trash since then (off the board, out of every list); purged 30 days later.
		deletedAt: timestamp('deleted_at', { withTimezone: true }),
		deletedBy: text('deleted_by'),
		// Every stage the deal's history ever entered (its stage events' to_stage_id), sorted, kept by the
		// projection as it records the events: the funnel reads a deal's furthest stage from one row
		// instead of its history. Ids, not positions, so that reordering stages changes no stored value.
		reachedStageIds: text('reached_stage_ids').array().notNull().default(sql`'{}'::text[]`),
		// Won at least once, even if reopened since (the funnel counts such a deal through every stage). Closing
		// writes no stage entry, so the history cannot tell; a trigger sets it whenever the status becomes won.
		everWon: boolean('ever_won').notNull().default(false)
	},
	(t) => [
		index('deals_owner_idx').on(t.ownerId),
		index('deals_workspace_idx').on(t.workspaceId),
		index('deals_contact_idx').on(t.workspaceId, t.contactId),
		index('deals_company_idx').on(t.workspaceId, t.companyId),
		index('deals_title_search_idx').using('gin', sql`lower(${t.title}) gin_trgm_ops`),
		// Reports take the deals created, or closed, in a period of one pipeline.
		index('deals_pipeline_created_idx').on(t.pipelineId, t.createdAt),
		index('deals_pipeline_closed_idx').on(t.pipelineId, t.closedAt),
		// The few deals in a pipeline's trash, which reports over stage history leave out.
		index('deals_pipeline_trash_idx').on(t.pipelineId).where(sql`${t.deletedAt} is not null`)
	]
);

export const tasksProjection = pgTable(
	'tasks',
	{
		id: text('id').primaryKey(),
		pipelineId: text('pipeline_id')
			.notNull()
			.references(() => pipelines.id, { onDelete: 'cascade' }),
		dealId: text('deal_id').notNull(),
		type: taskType('type').notNull(),
		title: text('title').notNull(),
		dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
		assigneeId: text('assignee_id').notNull(),
		done: boolean('done').notNull(),
		doneAt: timestamp('done_at', { withTimezone: true }),
		auto: boolean('auto').notNull().default(false)
	},
	(t) => [
		index('tasks_deal_idx').on(t.dealId),
		index('tasks_assignee_idx').on(t.assigneeId, t.done),
		// A board's open tasks in each deal's order of work: the deal list's next task for a whole board in one pass.
		index('tasks_open_by_deal_idx').on(t.pipelineId, t.dealId, t.dueAt, t.id).where(sql`not ${t.done}`)
	]
);

/** Each entry of a deal into a stage: who moved it and when (conversion, time in stage). */
export const stageEvents = pgTable(
	'stage_events',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		pipelineId: text('pipeline_id')
			.notNull()
			.references(() => pipelines.id, { onDelete: 'cascade' }),
		dealId: text('deal_id').notNull(),
		fromStageId: text('from_stage_id'),
		toStageId: text('to_stage_id').notNull(),
		userId: text('user_id'),
		at: timestamp('at', { withTimezone: true }).notNull(),
		// When this stay ended: the `at` of the deal's next stage entry (a move, closing or reopening), null
		// while the deal is still here. Kept by the projection, so time in stage reads no neighbouring rows.
		leftAt: timestamp('left_at', { withTimezone: true }),
		// The stay's length class (null while it lasts): classes grow by 15 % from one minute (class 0 is
		// up to 69 seconds, class 94 about a year), its bucket in stage_stay_buckets.
		stayBucket: integer('stay_bucket').generatedAlwaysAs(sql`floor(ln(greatest(extract(epoch from (left_at - at)), 60) / 60) / ln(1.15))::int`)
	},
	(t) => [
		// A deal's history in order, with to_stage_id so that reports read the index alone.
		index('stage_events_deal_idx').on(t.dealId, t.at, t.toStageId),
		// One deal's history on one board, in order: what the stays trigger reworks after each stage entry.
		// Without it the planner may walk the pipeline's whole index (deal_id is its fifth column).
		index('stage_events_deal_history_idx').on(t.pipelineId, t.dealId, t.at, t.id),
		// A pipeline's entries in a period with everything time in stage needs, read from the index alone.
		index('stage_events_pipeline_idx').on(t.pipelineId, t.at, t.toStageId, t.leftAt, t.dealId),
		// The ended stays of one stage and one length class: where an exact median is looked up.
		index('stage_events_stay_idx').on(t.pipelineId, t.toStageId, t.stayBucket, t.at, t.leftAt, t.dealId).where(sql`left_at is not null`)
	]
);

/**
 * Ended stays counted by stage, UTC day of entry and length class, with
 * their summed length: time in stage adds these up for a period instead of
 * reading every stay. Kept by a trigger on stage_events (migration 0016), so
 * no writer can leave it behind.
 */
export const stageStayBuckets = pgTable(
	'stage_stay_buckets',
	{
		pipelineId: text('pipeline_id')
			.notNull()
			.references(() => pipelines.id, { onDelete: 'cascade' }),
		stageId: text('stage_id').notNull(),
		day: date('day', { mode: 'string' }).notNull(),
		stayBucket: integer('stay_bucket').notNull(),
		stays: integer('stays').notNull(),
		seconds: doublePrecision('seconds').notNull()
	},
	// A period of one pipeline is one range of the key.
	(t) => [primaryKey({ columns: [t.pipelineId, t.day, t.stageId, t.stayBucket] })]
);

/**
 * How far each board's projection is: every update of the board's log up to
 * this id is in the deals, tasks and stages tables. A board loaded with a
 * mark behind its log (a crash, a failed batch) is projected again in full.
 */
export const projectionMarks = pgTable('projection_marks', {
	pipelineId: text('pipeline_id')
		.primaryKey()
		.references(() => pipelines.id, { onDelete: 'cascade' }),
	projectedUpdateId: bigint('projected_update_id', { mode: 'number' }).notNull()
});

/** The workspace's list of reasons a deal is lost, editable by admins. */
export const lostReasons = pgTable(
	'lost_reasons',
	{
		id: text('id').primaryKey(),
		workspaceId: text('workspace_id')
			.notNull()
			.references(() => workspaces.id, { onDelete: 'cascade' }),
		label: text('label').notNull(),
		position: integer('position').notNull()
	},
	(t) => [index('lost_reasons_workspace_idx').on(t.workspaceId, t.position)]
);

export const customFieldEntities = ['deal', 'contact', 'company'] as const;
export const customFieldEntity = pgEnum('custom_field_entity', customFieldEntities);
export const customFieldTypes = ['text', 'number', 'money', 'date', 'choice', 'multi_choice', 'user', 'link'] as const;
export const customFieldType = pgEnum('custom_field_type', customFieldTypes);

/**
 * Fields a workspace adds to its deals, contacts or companies. Values live
 * with the record (a `custom` jsonb keyed by field id; a deal's on the board).
 * Deleting a field archives it, so stored values keep their meaning and the
 * field can be restored; archived fields are hidden, not checked, not exported.
 */
export const customFields = pgTable(
	'custom_fields',
	{
		id: text('id').primaryKey(),
		workspaceId: text('workspace_id')
			.notNull()
			.references(() => workspaces.id, { onDelete: 'cascade' }),
		entity: customFieldEntity('entity').notNull(),
		label: text('label').notNull(),
		type: customFieldType('type').notNull(),
		options: jsonb('options').$type<{ id: string; label: string }[]>().notNull().default([]),
		pinned: boolean('pinned').notNull().default(false),
		position: integer('position').notNull(),
		archivedAt: timestamp('archived_at', { withTimezone: true }),
		createdAt: createdAt()
	},
	(t) => [index('custom_fields_workspace_idx').on(t.workspaceId, t.entity, t.position)]
);

export const interactionKinds = ['call', 'meeting', 'email', 'note'] as const;
export const interactionKind = pgEnum('interaction_kind', interactionKinds);

/** The timeline of a deal: calls, meetings, emails and notes, with who and when. */
export const interactions = pgTable(
	'interactions',
	{
		id: text('id').primaryKey(),
		workspaceId: text('workspace_id')
			.notNull()
			.references(() => workspaces.id, { onDelete: 'cascade' }),
		// An interaction is about a deal, a contact or a company (at least one):
		// a call with a person before any deal exists still belongs in their history.
		dealId: text('deal_id'),
		contactId: text('contact_id'),
		companyId: text('company_id'),
		kind: interactionKind('kind').notNull(),
		text: text('text').notNull(),
		at: timestamp('at', { withTimezone: true }).notNull(),
		userId: text('user_id').references(() => users.id, { onDelete: 'set null' }),
		createdAt: createdAt()
	},
	(t) => [
		index('interactions_deal_idx').on(t.dealId, t.at),
		index('interactions_contact_idx').on(t.contactId, t.at),
		index('interactions_company_idx').on(t.companyId, t.at)
	]
);

// ---- Contacts (people) and companies (organisations) ----

export const partyStatuses = ['potential', 'customer', 'lapsed'] as const;
export type PartyStatus = (typeof partyStatuses)[number];
export const partyStatus = pgEnum('party_status', partyStatuses);
export const partyKinds = ['contact', 'company'] as const;
export type PartyKind = (typeof partyKinds)[number];
export const partyKind = pgEnum('party_kind', partyKinds);

/**
 * The columns contacts and companies share. Phones, emails and the tax id
 * are kept as typed and, beside them, as normalised keys (E.164, folded
 * email) that duplicate control and search match on; `search_text` joins
 * the searchable forms into one string with a trigram index, so one query
 * finds a record by any of them, typos included.
 */
const partyColumns = () => ({
	id: text('id').primaryKey(),
	workspaceId: text('workspace_id')
		.notNull()
		.references(() => workspaces.id, { onDelete: 'cascade' }),
	name: text('name').notNull(),
	nameKey: text('name_key').notNull(),
	phones: text('phones').array().notNull().default(sql`'{}'`),
	emails: text('emails').array().notNull().default(sql`'{}'`),
	phoneKeys: text('phone_keys').array().notNull().default(sql`'{}'`),
	emailKeys: text('email_keys').array().notNull().default(sql`'{}'`),
	searchText: text('search_text').notNull(),
	address: text('address'),
	website: text('website'),
	segment: text('segment'),
	status: partyStatus('status').notNull().default('potential'),
	ownerId: text('owner_id').references(() => users.id, { onDelete: 'set null' }),
	tags: text('tags').array().notNull().default(sql`'{}'`),
	note: text('note'),
	// Custom field values keyed by field id, checked against the workspace's definitions at the API edge.
	custom: jsonb('custom').$type<Record<string, unknown>>().notNull().default({}),
	createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
	createdAt: createdAt(),
	updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
	// In the trash since then; purged 30 days later. Lists and search leave it out.
	deletedAt: timestamp('deleted_at', { withTimezone: true }),
	deletedBy: text('deleted_by'),
	// Flagged by the at-risk process (server/processes/at-risk.ts) when the customer's usual ordering interval
	// passed several times without a won deal; cleared by their next won deal.
	atRiskSince: timestamp('at_risk_since', { withTimezone: true })
});

export const companies = pgTable(
	'companies',
	{
		...partyColumns(),
		taxId: text('tax_id'),
		taxKey: text('tax_key')
	},
	(t) => [
		index('companies_workspace_idx').on(t.workspaceId, t.nameKey),
		index('companies_phone_keys_idx').using('gin', t.phoneKeys),
		index('companies_email_keys_idx').using('gin', t.emailKeys),
		index('companies_tax_key_idx').on(t.workspaceId, t.taxKey),
		index('companies_search_idx').using('gin', t.searchText.op('gin_trgm_ops')),
		index('companies_name_trgm_idx').using('gin', t.nameKey.op('gin_trgm_ops')),
		// The purge job's lookup of the trash: without it, a scan of every company (see contacts).
		index('companies_trash_idx').on(t.deletedAt).where(sql`${t.deletedAt} is not null`)
	]
);

export const contacts = pgTable(
	'contacts',
	{
		...partyColumns(),
		companyId: text('company_id').references((): AnyPgColumn => companies.id, { onDelete: 'set null' }),
		position: text('position'),
		birthday: date('birthday', { mode: 'string' })
	},
	(t) => [
		index('contacts_workspace_idx').on(t.workspaceId, t.nameKey),
		index('contacts_company_idx').on(t.companyId),
		index('contacts_phone_keys_idx').using('gin', t.phoneKeys),
		index('contacts_email_keys_idx').using('gin', t.emailKeys),
		index('contacts_search_idx').using('gin', t.searchText.op('gin_trgm_ops')),
		index('contacts_name_trgm_idx').using('gin', t.nameKey.op('gin_trgm_ops')),
		// The purge job's lookup of the trash. Without it the job read all 100,000 contacts of a
		// large workspace (80 ms), holding PGlite's one connection while every request waited.
		index('contacts_trash_idx').on(t.deletedAt).where(sql`${t.deletedAt} is not null`)
	]
);

/**
 * Every word of the workspace's contact and company names, with how many
 * names use it: the vocabulary that search corrects a mistyped word against
 * ("Peetrson" is one letter pair away from "peterson"), a few thousand words
 * where the names are a hundred thousand. Kept by statement triggers on both
 * tables (migration 0024), the trash included; a word leaves with its last name.
 */
export const nameWords = pgTable(
	'name_words',
	{
		workspaceId: text('workspace_id')
			.notNull()
			.references(() => workspaces.id, { onDelete: 'cascade' }),
		word: text('word').notNull(),
		uses: integer('uses').notNull()
	},
	(t) => [
		primaryKey({ columns: [t.workspaceId, t.word] }),
		// A typo rarely hits the first letter: corrections are looked for among words of the same first letter and about the same length.
		index('name_words_first_letter_idx').on(t.workspaceId, sql`left(${t.word}, 1)`, sql`length(${t.word})`),
		index('name_words_unused_idx').on(t.workspaceId).where(sql`${t.uses} <= 0`)
	]
);

/** A link between two records of a workspace with a free-text relation ("who can help move this deal"). */
export const partyLinks = pgTable(
	'party_links',
	{
		id: text('id').primaryKey(),
		workspaceId: text('workspace_id')
			.notNull()
			.references(() => workspaces.id, { onDelete: 'cascade' }),
		fromKind: partyKind('from_kind').notNull(),
		fromId: text('from_id').notNull(),
		toKind: partyKind('to_kind').notNull(),
		toId: text('to_id').notNull(),
		relation: text('relation').notNull(),
		createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: createdAt()
	},
	(t) => [index('party_links_from_idx').on(t.workspaceId, t.fromId), index('party_links_to_idx').on(t.workspaceId, t.toId)]
);

export const importEntities = ['contacts', 'companies', 'deals'] as const;
export type ImportEntity = (typeof importEntities)[number];
export const importStatuses = ['queued', 'running', 'done', 'failed'] as const;
export type ImportStatus = (typeof importStatuses)[number];
export const importEntity = pgEnum('import_entity', importEntities);
export const importStatus = pgEnum('import_status', importStatuses);

/**
 * A CSV import: the file and the choices made for it, and how far it got.
 * The file is kept so that an import goes on after a restart and its
 * progress survives a page reload; it is dropped when the import ends.
 */
export const imports = pgTable(
	'imports',
	{
		id: text('id').primaryKey(),
		workspaceId: text('workspace_id')
			.notNull()
			.references(() => workspaces.id, { onDelete: 'cascade' }),
		userId: text('user_id').references(() => users.id, { onDelete: 'set null' }),
		entity: importEntity('entity').notNull(),
		status: importStatus('status').notNull(),
		dryRun: boolean('dry_run').notNull(),
		options: jsonb('options').$type<Record<string, unknown>>().notNull(),
		fileName: text('file_name'),
		file: bytea('file'),
		total: integer('total').notNull().default(0),
		processed: integer('processed').notNull().default(0),
		created: integer('created').notNull().default(0),
		updated: integer('updated').notNull().default(0),
		skipped: integer('skipped').notNull().default(0),
		// Each reason in every language the app speaks, so the report is read in the reader's.
		errors: jsonb('errors').$type<{ line: number; reason: Record<Locale, string> }[]>().notNull().default(sql`'[]'::jsonb`),
		createdAt: createdAt(),
		finishedAt: timestamp('finished_at', { withTimezone: true })
	},
	(t) => [index('imports_workspace_idx').on(t.workspaceId, t.createdAt)]
);

export const recordEventActions = ['created', 'merged', 'deleted', 'restored'] as const;
export type RecordEventAction = (typeof recordEventActions)[number];
export const recordEventAction = pgEnum('record_event_action', recordEventActions);

/** What happened to a contact or company itself, for its timeline (a merge names the record merged in). */
export const recordEvents = pgTable(
	'record_events',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		workspaceId: text('workspace_id')
			.notNull()
			.references(() => workspaces.id, { onDelete: 'cascade' }),
		subjectKind: partyKind('subject_kind').notNull(),
		subjectId: text('subject_id').notNull(),
		action: recordEventAction('action').notNull(),
		detail: jsonb('detail').$type<Record<string, unknown>>(),
		userId: text('user_id').references(() => users.id, { onDelete: 'set null' }),
		at: timestamp('at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('record_events_subject_idx').on(t.workspaceId, t.subjectId, t.at)]
);

/**
 * A rep's goal for one calendar month, set by admins and managers: deals won
 * and revenue (in one currency; revenue in other currencies is not counted
 * against it, since the app keeps no exchange rates).
 */
export const salesTargets = pgTable(
	'sales_targets',
	{
		workspaceId: text('workspace_id')
			.notNull()
			.references(() => workspaces.id, { onDelete: 'cascade' }),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		// 'YYYY-MM'
		month: text('month').notNull(),
		wonDeals: integer('won_deals').notNull(),
		revenueMinor: bigint('revenue_minor', { mode: 'number' }).notNull(),
		currency: text('currency').notNull(),
		updatedBy: text('updated_by').references(() => users.id, { onDelete: 'set null' }),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.workspaceId, t.month, t.userId] }),
		check('sales_targets_month_format', sql`${t.month} ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'`),
		check('sales_targets_not_negative', sql`${t.wonDeals} >= 0 and ${t.revenueMinor} >= 0`)
	]
);

// ---- The audit log: who did what and when, append-only ----

/** Every action the audit log records; a closed list, so the UI can word each one. */
export const auditActions = [
	'auth.login',
	'auth.login_failed',
	'auth.password_changed',
	'auth.password_reset_issued',
	'auth.password_reset_used',
	'workspace.created',
	'workspace.renamed',
	'workspace.settings_changed',
	'member.joined',
	'member.role_changed',
	'member.removed',
	'member.left',
	'invite.created',
	'invite.revoked',
	'token.created',
	'token.revoked',
	'pipeline.created',
	'pipeline.renamed',
	'pipeline.mode_changed',
	'pipeline.access_changed',
	'pipeline.members_changed',
	'pipeline.archived',
	'pipeline.restored',
	'stage.deleted',
	'deal.stage_changed',
	'deal.owner_changed',
	'deal.value_changed',
	'deal.close_date_changed',
	'deal.closed',
	'deal.reopened',
	'deal.deleted',
	'deal.restored',
	'lost_reasons.changed',
	'field.created',
	'field.changed',
	'field.archived',
	'field.restored',
	'form.created',
	'form.changed',
	'form.disabled',
	'webhook.created',
	'webhook.rotated',
	'member.availability_changed',
	'stage_rules.changed'
] as const;
export type AuditAction = (typeof auditActions)[number];

/** Who acted: a member in the app, a script with an API token, the server itself, or nobody known. */
export const auditActorKinds = ['member', 'api-token', 'system', 'anonymous'] as const;
export type AuditActorKind = (typeof auditActorKinds)[number];

export const auditTargetTypes = ['user', 'workspace', 'invite', 'api-token', 'pipeline', 'stage', 'deal'] as const;
export type AuditTargetType = (typeof auditTargetTypes)[number];

export const auditAction = pgEnum('audit_action', auditActions);
export const auditActorKind = pgEnum('audit_actor_kind', auditActorKinds);
export const auditTargetType = pgEnum('audit_target_type', auditTargetTypes);

/**
 * One row per event per workspace. Events about a user rather than a
 * workspace (logins, API tokens, passwords) are written once into each
 * workspace the user belongs to at that moment, so every row has a workspace
 * and its admins see only what happened while the person was their member.
 * The database refuses UPDATE, TRUNCATE and DELETE (a trigger in the
 * migration); the only delete it allows is the cascade of deleting the
 * workspace itself. Actor and target ids carry no foreign key: the log
 * outlives the users, tokens and pipelines it names, so it keeps their
 * names as they were in `target_label` and `detail`.
 */
export const auditEvents = pgTable(
	'audit_events',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		workspaceId: text('workspace_id')
			.notNull()
			.references(() => workspaces.id, { onDelete: 'cascade' }),
		actorId: text('actor_id'),
		actorKind: auditActorKind('actor_kind').notNull(),
		// The API token the actor used, when they used one.
		actorTokenId: text('actor_token_id'),
		action: auditAction('action').notNull(),
		targetType: auditTargetType('target_type').notNull(),
		targetId: text('target_id').notNull(),
		targetLabel: text('target_label'),
		detail: jsonb('detail').$type<Record<string, unknown>>(),
		address: text('address'),
		at: timestamp('at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('audit_events_workspace_idx').on(t.workspaceId, t.id),
		index('audit_events_workspace_action_idx').on(t.workspaceId, t.action, t.id)
	]
);

// ---- Automation: what the processes did, and what they tell people ----

export const automationKinds = ['intake', 'stage-rule', 'job'] as const;
export type AutomationKind = (typeof automationKinds)[number];
export const automationKind = pgEnum('automation_kind', automationKinds);
// 'pending': begun and not yet finished (an intake whose deal is not on the board yet); a recovery job finishes it.
export const automationOutcomes = ['done', 'skipped', 'failed', 'pending'] as const;
export type AutomationOutcome = (typeof automationOutcomes)[number];
export const automationOutcome = pgEnum('automation_outcome', automationOutcomes);

/**
 * The log of what the automation did and when (Settings shows it per form,
 * stage rule and process). `key` makes a step idempotent: a job that runs
 * twice, or on two nodes, logs (and does) each step once.
 */
export const automationLog = pgTable(
	'automation_log',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		workspaceId: text('workspace_id')
			.notNull()
			.references(() => workspaces.id, { onDelete: 'cascade' }),
		kind: automationKind('kind').notNull(),
		// The form, stage rule or job that acted (a form id, a stage id, a job name).
		source: text('source').notNull(),
		outcome: automationOutcome('outcome').notNull(),
		// What it acted on, when anything: no foreign keys, the log outlives deals and contacts.
		dealId: text('deal_id'),
		contactId: text('contact_id'),
		taskId: text('task_id'),
		detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
		key: text('key'),
		at: timestamp('at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		index('automation_log_workspace_idx').on(t.workspaceId, t.kind, t.source, t.id),
		uniqueIndex('automation_log_key_idx').on(t.workspaceId, t.key)
	]
);

export const notificationKinds = [
	'lead_assigned',
	'task_assigned',
	'task_due_soon',
	'task_overdue',
	'task_escalated',
	'deal_reassigned',
	'mention',
	'customer_at_risk'
] as const;
export type NotificationKind = (typeof notificationKinds)[number];
export const notificationKind = pgEnum('notification_kind', notificationKinds);

/**
 * A user's notification centre. `params` holds what the message names (deal
 * title, who, when), so it is worded in the reader's language when shown;
 * `key` keeps a notification from being sent twice (a job on two nodes).
 */
export const notifications = pgTable(
	'notifications',
	{
		id: text('id').primaryKey(),
		workspaceId: text('workspace_id')
			.notNull()
			.references(() => workspaces.id, { onDelete: 'cascade' }),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		kind: notificationKind('kind').notNull(),
		params: jsonb('params').$type<Record<string, string | number | null>>().notNull().default({}),
		dealId: text('deal_id'),
		taskId: text('task_id'),
		contactId: text('contact_id'),
		key: text('key'),
		readAt: timestamp('read_at', { withTimezone: true }),
		createdAt: createdAt()
	},
	(t) => [
		index('notifications_user_idx').on(t.userId, t.workspaceId, t.createdAt),
		uniqueIndex('notifications_key_idx').on(t.workspaceId, t.userId, t.key)
	]
);

// ---- Notifications: each user's choices, Web Push, server settings, calendar feeds ----

/**
 * What a user wants told, per kind, account-wide (one person, one choice in
 * every workspace). No row means the default: in the centre and by push.
 */
export const notificationPreferences = pgTable(
	'notification_preferences',
	{
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		kind: notificationKind('kind').notNull(),
		inApp: boolean('in_app').notNull().default(true),
		push: boolean('push').notNull().default(true)
	},
	(t) => [primaryKey({ columns: [t.userId, t.kind] })]
);

/**
 * A browser (device) that asked for Web Push. The endpoint is the browser's
 * own address at its push service: one device, one row, whoever signed in last.
 */
export const pushSubscriptions = pgTable(
	'push_subscriptions',
	{
		id: text('id').primaryKey(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		endpoint: text('endpoint').notNull().unique(),
		p256dh: text('p256dh').notNull(),
		auth: text('auth').notNull(),
		createdAt: createdAt()
	},
	(t) => [index('push_subscriptions_user_idx').on(t.userId)]
);

/** Values the whole installation shares and keeps across restarts (the VAPID key pair). */
export const serverSettings = pgTable('server_settings', {
	key: text('key').primaryKey(),
	value: jsonb('value').$type<Record<string, unknown>>().notNull(),
	createdAt: createdAt()
});

/** A user's private calendar feed: only the SHA-256 of its secret is kept, like API tokens. */
export const calendarFeeds = pgTable('calendar_feeds', {
	userId: text('user_id')
		.primaryKey()
		.references(() => users.id, { onDelete: 'cascade' }),
	secretHash: text('secret_hash').notNull().unique(),
	createdAt: createdAt()
});

// ---- Intake: web forms, inbound webhooks and lead routing (issue 12) ----

/** Where a request comes in: a web form on a site, or a service's JSON webhook. */
export const intakeKinds = ['form', 'webhook'] as const;
export type IntakeKind = (typeof intakeKinds)[number];
export const intakeKind = pgEnum('intake_kind', intakeKinds);
/** Who gets a new lead: the next available member in turn, the one with fewest open deals, or one fixed member. */
export const ownerRules = ['round_robin', 'fewest_open', 'fixed'] as const;
export type OwnerRule = (typeof ownerRules)[number];
export const ownerRuleEnum = pgEnum('owner_rule', ownerRules);
/** What a submitted field fills in: the contact, the company, the deal title's suffix, or a line of the interaction. */
export const formFieldTargets = ['contact_name', 'contact_email', 'contact_phone', 'company_name', 'message', 'deal_title', 'note'] as const;
export type FormFieldTarget = (typeof formFieldTargets)[number];
export interface FormField {
	/** The name the HTML form posts it under. */
	name: string;
	label: string;
	required: boolean;
	target: FormFieldTarget;
}

/**
 * A form or a webhook of a pipeline: what it asks, where its deals go and
 * who gets them. `key` is a form's public id (in its URL, unguessable) or the
 * SHA-256 of a webhook's secret (the secret itself is shown once).
 */
export const intakeSources = pgTable(
	'intake_sources',
	{
		id: text('id').primaryKey(),
		workspaceId: text('workspace_id')
			.notNull()
			.references(() => workspaces.id, { onDelete: 'cascade' }),
		pipelineId: text('pipeline_id')
			.notNull()
			.references(() => pipelines.id, { onDelete: 'cascade' }),
		kind: intakeKind('kind').notNull(),
		key: text('key').notNull().unique(),
		name: text('name').notNull(),
		stageId: text('stage_id').notNull(),
		fields: jsonb('fields').$type<FormField[]>().notNull(),
		ownerRule: ownerRuleEnum('owner_rule').notNull().default('round_robin'),
		ownerId: text('owner_id').references(() => users.id, { onDelete: 'set null' }),
		taskType: taskType('task_type').notNull().default('call'),
		taskTitle: text('task_title').notNull(),
		slaMinutes: integer('sla_minutes').notNull().default(15),
		// true: the SLA counts the workspace's working time only (a lead at 3 a.m. is due shortly after opening).
		slaWorkingTime: boolean('sla_working_time').notNull().default(true),
		thankYouUrl: text('thank_you_url'),
		allowedOrigins: text('allowed_origins').array().notNull().default(sql`'{}'`),
		// The language of the deal's title, the thank-you page and the refusals the public gets.
		locale: text('locale').$type<Locale>().notNull().default('en'),
		enabled: boolean('enabled').notNull().default(true),
		createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: createdAt(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('intake_sources_pipeline_idx').on(t.workspaceId, t.pipelineId, t.kind)]
);

/** Round robin's place per pipeline, shared by every node: whom the last lead went to. */
export const routingTurns = pgTable('routing_turns', {
	pipelineId: text('pipeline_id')
		.primaryKey()
		.references(() => pipelines.id, { onDelete: 'cascade' }),
	lastUserId: text('last_user_id'),
	updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
});

export type IntakeSourceRow = typeof intakeSources.$inferSelect;

// ---- Stage rules: tasks made from templates when a deal enters a stage ----

export const stageRuleDueUnit = pgEnum('stage_rule_due_unit', stageRuleDueUnits);

/**
 * One task template of a stage: when a deal enters the stage (moved, or
 * created in it), the board's room adds a task from each enabled template
 * (server/rules/stage-entry.ts). Keyed by pipeline and stage id; the stage
 * lives in the board document, so no foreign key reaches it: the API checks
 * it exists, and a deleted stage's templates never fire again. A null
 * assignee means the deal's owner.
 */
export const stageRules = pgTable(
	'stage_rules',
	{
		id: text('id').primaryKey(),
		workspaceId: text('workspace_id')
			.notNull()
			.references(() => workspaces.id, { onDelete: 'cascade' }),
		pipelineId: text('pipeline_id')
			.notNull()
			.references(() => pipelines.id, { onDelete: 'cascade' }),
		stageId: text('stage_id').notNull(),
		position: integer('position').notNull(),
		title: text('title').notNull(),
		type: taskType('type').notNull(),
		dueAmount: integer('due_amount').notNull(),
		dueUnit: stageRuleDueUnit('due_unit').notNull(),
		assigneeId: text('assignee_id'),
		enabled: boolean('enabled').notNull().default(true),
		createdAt: createdAt(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('stage_rules_pipeline_idx').on(t.pipelineId, t.stageId, t.position), index('stage_rules_workspace_idx').on(t.workspaceId)]
);

// ---- Scheduled processes: each workspace's settings, and the periods the scheduler has done ----

export const processNames = ['check-in', 'status-promotion', 'at-risk', 'escalation', 'birthday'] as const;
export type ProcessName = (typeof processNames)[number];
export const processName = pgEnum('process_name', processNames);

/** A workspace's scheduled process: on or off, and its settings (validated by the API, see server/processes/settings.ts). */
export const workspaceProcesses = pgTable(
	'workspace_processes',
	{
		workspaceId: text('workspace_id')
			.notNull()
			.references(() => workspaces.id, { onDelete: 'cascade' }),
		process: processName('process').notNull(),
		enabled: boolean('enabled').notNull().default(false),
		settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.workspaceId, t.process] })]
);

/**
 * The last period each periodic job finished, per scope (a workspace, or ''
 * for the installation): after downtime the scheduler knows which periods it
 * missed, and a period once done is never done again.
 */
export const jobRuns = pgTable(
	'job_runs',
	{
		job: text('job').notNull(),
		scope: text('scope').notNull(),
		// 'YYYY-MM-DD', 'YYYY-MM' or 'YYYY-Qn' in the workspace's time zone: compared as strings within one job.
		lastPeriod: text('last_period').notNull(),
		ranAt: timestamp('ran_at', { withTimezone: true }).notNull()
	},
	(t) => [primaryKey({ columns: [t.job, t.scope] })]
);

export type User = typeof users.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type Workspace = typeof workspaces.$inferSelect;
export type Membership = typeof memberships.$inferSelect;
export type Invite = typeof invites.$inferSelect;
export type ApiToken = typeof apiTokens.$inferSelect;
export type PasswordReset = typeof passwordResets.$inferSelect;
export type Pipeline = typeof pipelines.$inferSelect;
export type DealRow = typeof dealsProjection.$inferSelect;
export type CustomFieldRow = typeof customFields.$inferSelect;
export type TaskRow = typeof tasksProjection.$inferSelect;
export type AuditEventRow = typeof auditEvents.$inferSelect;
export type ContactRow = typeof contacts.$inferSelect;
export type CompanyRow = typeof companies.$inferSelect;
