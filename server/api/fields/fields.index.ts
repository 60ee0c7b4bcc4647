import type { Context } from 'hono';
import { createRouter } from '../../http/router.js';
import { requireWorkspace } from '../../http/auth.js';
import type { AppEnv } from '../../http/context.js';
import { ApiError, conflict, notFound, unprocessable } from '../../http/errors.js';
import { generateId } from '../../auth/tokens.js';
import { countActiveFields, createField, findFieldById, listFields, updateField, type FieldRecord } from '../../fields/field-store.js';
import { fieldLimits, type CustomFieldType, type FieldOption } from '../../../src/lib/model/fields.js';
import * as routes from './fields.routes.js';
import type { Database } from '../../db/client.js';
import { recordAuditEvent } from '../../audit/audit-log.js';
import { auditActor } from '../audit-actor.js';
import { t } from '../../i18n/text.js';
import { m } from '../../../src/lib/paraglide/messages.js';

const choiceTypes = new Set<CustomFieldType>(['choice', 'multi_choice']);

/** The audit log's line for an admin's change to a field (the workspace's shape, like its lost reasons). */
function recordFieldEvent(c: Context<AppEnv>, tx: Database, field: FieldRecord, action: 'field.created' | 'field.changed' | 'field.archived' | 'field.restored') {
	return recordAuditEvent(tx, {
		...auditActor(c),
		workspaceId: field.workspaceId,
		action,
		target: { type: 'workspace', id: field.workspaceId, label: null },
		detail: { fieldId: field.id, entity: field.entity, label: field.label, type: field.type },
		at: c.var.deps.now()
	});
}

/** Options with ids: a new option gets one, a known one keeps its own (values refer to it). */
function withIds(type: CustomFieldType, options: Array<{ id?: string; label: string }> | undefined): FieldOption[] {
	const list = options ?? [];
	if (!choiceTypes.has(type)) {
		if (list.length > 0) throw unprocessable('field_options', t(m.error_field_options_only_choice), [{ path: 'options', message: t(m.error_field_options_only_choice) }]);
		return [];
	}
	if (list.length === 0) throw unprocessable('field_options', t(m.error_field_needs_options), [{ path: 'options', message: t(m.error_field_needs_options) }]);
	const seen = new Set<string>();
	return list.map((option) => {
		const id = option.id && !seen.has(option.id) ? option.id : generateId();
		seen.add(id);
		return { id, label: option.label };
	});
}

/** A field the caller administers: another workspace's field is not found, not forbidden. */
async function requireField(c: Context<AppEnv>, fieldId: string): Promise<FieldRecord> {
	const field = await findFieldById(c.var.deps.db, fieldId);
	if (!field) throw notFound(t(m.error_field_not_found));
	try {
		await requireWorkspace(c, field.workspaceId, 'admin');
	} catch (error) {
		// Not a member: the field does not exist for the caller.
		if (error instanceof ApiError && error.status === 404) throw notFound(t(m.error_field_not_found));
		throw error;
	}
	return field;
}

function toJson(field: FieldRecord) {
	const { workspaceId: _workspaceId, ...json } = field;
	return json;
}

const router = createRouter()
	.openapi(routes.listFieldsRoute, async (c) => {
		const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId);
		const query = c.req.valid('query');
		const fields = await listFields(c.var.deps.db, workspace.id, { entity: query.entity, includeArchived: query.archived === 'true' });
		return c.json({ fields: fields.map(toJson) }, 200);
	})
	.openapi(routes.createFieldRoute, async (c) => {
		const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId, 'admin');
		const body = c.req.valid('json');
		const { db, rooms } = c.var.deps;
		const options = withIds(body.type, body.options);
		const field = await db.transaction(async (tx) => {
			if ((await countActiveFields(tx, workspace.id, body.entity)) >= fieldLimits.perEntity) {
				throw conflict('too_many_fields', t(m.error_too_many_fields, { max: String(fieldLimits.perEntity) }));
			}
			const created = await createField(tx, workspace.id, { entity: body.entity, label: body.label, type: body.type, options, pinned: body.pinned ?? false });
			await recordFieldEvent(c, tx, created, 'field.created');
			return created;
		});
		if (field.entity === 'deal') await rooms.fieldsChanged(workspace.id);
		return c.json(toJson(field), 201);
	})
	.openapi(routes.updateFieldRoute, async (c) => {
		const field = await requireField(c, c.req.valid('param').fieldId);
		const body = c.req.valid('json');
		const { db, rooms, now } = c.var.deps;
		const updated = await db.transaction(async (tx) => {
			if (body.archived === false && field.archived && (await countActiveFields(tx, field.workspaceId, field.entity)) >= fieldLimits.perEntity) {
				throw conflict('too_many_fields', t(m.error_too_many_fields, { max: String(fieldLimits.perEntity) }));
			}
			const changed = await updateField(tx, field, {
				label: body.label,
				options: body.options === undefined ? undefined : withIds(field.type, body.options),
				pinned: body.pinned,
				position: body.position,
				archivedAt: body.archived === undefined ? undefined : body.archived ? now() : null
			});
			const archiving = body.archived !== undefined && body.archived !== field.archived;
			await recordFieldEvent(c, tx, changed, archiving ? (body.archived ? 'field.archived' : 'field.restored') : 'field.changed');
			return changed;
		});
		if (field.entity === 'deal') await rooms.fieldsChanged(field.workspaceId);
		return c.json(toJson(updated), 200);
	})
	.openapi(routes.deleteFieldRoute, async (c) => {
		const field = await requireField(c, c.req.valid('param').fieldId);
		const { db, rooms, now } = c.var.deps;
		if (!field.archived) {
			await db.transaction(async (tx) => {
				const archived = await updateField(tx, field, { archivedAt: now() });
				await recordFieldEvent(c, tx, archived, 'field.archived');
			});
		}
		if (field.entity === 'deal') await rooms.fieldsChanged(field.workspaceId);
		return c.body(null, 204);
	});

export default router;
