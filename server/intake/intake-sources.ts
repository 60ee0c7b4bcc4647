import { and, asc, eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { intakeSources, type FormField, type IntakeKind, type IntakeSourceRow, type OwnerRule } from '../db/schema.js';
import type { TaskType } from '../../src/lib/model/schema.js';
import { generateId, generateSecret, hashSecret } from '../auth/tokens.js';
import type { Locale } from '../i18n/locale.js';
import { m } from '../../src/lib/paraglide/messages.js';

/**
 * Forms and webhooks of a pipeline ("intake sources"): both feed the same
 * intake, so they share one table and differ in how they are reached (a
 * form's public key, a webhook's secret) and in who chooses their fields.
 */

/** The field a bot fills and a person never sees: a form with it filled is spam. */
export const honeypotField = 'homepage';

/** What a form asks when the admin did not say: name (required), email, phone, company and message. */
export function standardFields(locale: Locale): FormField[] {
	return [
		{ name: 'name', label: m.intake_field_name({}, { locale }), required: true, target: 'contact_name' },
		{ name: 'email', label: m.intake_field_email({}, { locale }), required: false, target: 'contact_email' },
		{ name: 'phone', label: m.intake_field_phone({}, { locale }), required: false, target: 'contact_phone' },
		{ name: 'company', label: m.intake_field_company({}, { locale }), required: false, target: 'company_name' },
		{ name: 'message', label: m.intake_field_message({}, { locale }), required: false, target: 'message' }
	];
}

export interface IntakeSettings {
	name: string;
	stageId: string;
	fields: FormField[];
	ownerRule: OwnerRule;
	ownerId: string | null;
	taskType: TaskType;
	taskTitle: string;
	slaMinutes: number;
	slaWorkingTime: boolean;
	thankYouUrl: string | null;
	allowedOrigins: string[];
	locale: Locale;
	enabled: boolean;
}

export interface IntakeScope {
	workspaceId: string;
	pipelineId: string;
}

/** A new form; its key is the unguessable public id in its URL. */
export async function createForm(db: Database, scope: IntakeScope, settings: IntakeSettings, userId: string | null): Promise<IntakeSourceRow> {
	const [row] = await db
		.insert(intakeSources)
		.values({ id: generateId(), ...scope, kind: 'form', key: generateSecret(), ...settings, createdBy: userId })
		.returning();
	return row!;
}

/** A new webhook and its secret, which is shown this once: only its hash is kept. */
export async function createWebhook(db: Database, scope: IntakeScope, settings: IntakeSettings, userId: string | null) {
	const secret = generateSecret();
	const [row] = await db
		.insert(intakeSources)
		.values({ id: generateId(), ...scope, kind: 'webhook', key: hashSecret(secret), ...settings, createdBy: userId })
		.returning();
	return { webhook: row!, secret };
}

/** A new secret for a webhook; the old URL stops working at once. */
export async function rotateWebhookSecret(db: Database, source: IntakeSourceRow, at: Date): Promise<string> {
	const secret = generateSecret();
	await db
		.update(intakeSources)
		.set({ key: hashSecret(secret), updatedAt: at })
		.where(and(eq(intakeSources.id, source.id), eq(intakeSources.workspaceId, source.workspaceId)));
	return secret;
}

export function listIntakeSources(db: Database, scope: IntakeScope, kind: IntakeKind): Promise<IntakeSourceRow[]> {
	return db
		.select()
		.from(intakeSources)
		.where(and(eq(intakeSources.workspaceId, scope.workspaceId), eq(intakeSources.pipelineId, scope.pipelineId), eq(intakeSources.kind, kind)))
		.orderBy(asc(intakeSources.createdAt), asc(intakeSources.id));
}

/** A form or webhook by id, before the caller's access is checked against its workspace. */
export async function findIntakeSource(db: Database, id: string, kind: IntakeKind): Promise<IntakeSourceRow | null> {
	const [row] = await db
		.select()
		.from(intakeSources)
		.where(and(eq(intakeSources.id, id), eq(intakeSources.kind, kind)));
	return row ?? null;
}

/** The form behind a public key, switched on or not (the caller tells the two apart). */
export async function findFormByKey(db: Database, key: string): Promise<IntakeSourceRow | null> {
	const [row] = await db
		.select()
		.from(intakeSources)
		.where(and(eq(intakeSources.key, key), eq(intakeSources.kind, 'form')));
	return row ?? null;
}

/** The webhook whose secret this is; the secret is compared by its hash. */
export async function findWebhookBySecret(db: Database, secret: string): Promise<IntakeSourceRow | null> {
	const [row] = await db
		.select()
		.from(intakeSources)
		.where(and(eq(intakeSources.key, hashSecret(secret)), eq(intakeSources.kind, 'webhook')));
	return row ?? null;
}

export async function updateIntakeSource(db: Database, source: IntakeSourceRow, changes: Partial<IntakeSettings>, at: Date): Promise<IntakeSourceRow> {
	const set = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
	const [row] = await db
		.update(intakeSources)
		.set({ ...set, updatedAt: at })
		.where(and(eq(intakeSources.id, source.id), eq(intakeSources.workspaceId, source.workspaceId)))
		.returning();
	return row!;
}
