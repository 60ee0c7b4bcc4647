import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { customFields, type CustomFieldRow } from '../db/schema.js';
import { generateId } from '../auth/tokens.js';
import type { CustomFieldDef, CustomFieldEntity, CustomFieldType, FieldOption } from '../../src/lib/model/fields.js';

export type FieldRecord = CustomFieldDef & { workspaceId: string; archived: boolean };

function toRecord(row: CustomFieldRow): FieldRecord {
	return {
		id: row.id,
		workspaceId: row.workspaceId,
		entity: row.entity,
		label: row.label,
		type: row.type,
		options: row.options,
		pinned: row.pinned,
		position: row.position,
		archived: row.archivedAt !== null
	};
}

/** The workspace's fields in their order; archived ones only when asked. */
export async function listFields(
	db: Database,
	workspaceId: string,
	filter: { entity?: CustomFieldEntity; includeArchived?: boolean } = {}
): Promise<FieldRecord[]> {
	const rows = await db
		.select()
		.from(customFields)
		.where(
			and(
				eq(customFields.workspaceId, workspaceId),
				filter.entity ? eq(customFields.entity, filter.entity) : undefined,
				filter.includeArchived ? undefined : isNull(customFields.archivedAt)
			)
		)
		.orderBy(asc(customFields.entity), asc(customFields.position), asc(customFields.createdAt));
	return rows.map(toRecord);
}

/** A field of the workspace, archived or not; null for another workspace's id. */
export async function findField(db: Database, workspaceId: string, fieldId: string): Promise<FieldRecord | null> {
	const [row] = await db
		.select()
		.from(customFields)
		.where(and(eq(customFields.id, fieldId), eq(customFields.workspaceId, workspaceId)));
	return row ? toRecord(row) : null;
}

/** A field by id alone, for routes that name only the field; the caller checks membership of its workspace. */
export async function findFieldById(db: Database, fieldId: string): Promise<FieldRecord | null> {
	const [row] = await db.select().from(customFields).where(eq(customFields.id, fieldId));
	return row ? toRecord(row) : null;
}

export async function countActiveFields(db: Database, workspaceId: string, entity: CustomFieldEntity): Promise<number> {
	const [row] = await db
		.select({ count: sql<number>`count(*)::int` })
		.from(customFields)
		.where(and(eq(customFields.workspaceId, workspaceId), eq(customFields.entity, entity), isNull(customFields.archivedAt)));
	return row?.count ?? 0;
}

export interface NewField {
	entity: CustomFieldEntity;
	label: string;
	type: CustomFieldType;
	options: FieldOption[];
	pinned: boolean;
}

/** Adds a field at the end of its entity's list. */
export async function createField(db: Database, workspaceId: string, input: NewField): Promise<FieldRecord> {
	const [last] = await db
		.select({ position: sql<number>`coalesce(max(${customFields.position}), -1)::int` })
		.from(customFields)
		.where(and(eq(customFields.workspaceId, workspaceId), eq(customFields.entity, input.entity)));
	const [row] = await db
		.insert(customFields)
		.values({ id: generateId(), workspaceId, ...input, position: (last?.position ?? -1) + 1 })
		.returning();
	return toRecord(row!);
}

export interface FieldChanges {
	label?: string;
	options?: FieldOption[];
	pinned?: boolean;
	position?: number;
	archivedAt?: Date | null;
}

export async function updateField(db: Database, field: FieldRecord, changes: FieldChanges): Promise<FieldRecord> {
	const [row] = await db
		.update(customFields)
		.set(changes)
		.where(and(eq(customFields.id, field.id), eq(customFields.workspaceId, field.workspaceId)))
		.returning();
	return toRecord(row!);
}
