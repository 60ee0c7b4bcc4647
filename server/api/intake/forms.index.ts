import type { Context } from 'hono';
import { createRouter } from '../../http/router.js';
import { requireAuth, requirePipeline, requireWorkspace } from '../../http/auth.js';
import type { AppEnv } from '../../http/context.js';
import { ApiError, notFound, unprocessable, type Issue } from '../../http/errors.js';
import type { Database } from '../../db/client.js';
import type { FormField, IntakeKind, IntakeSourceRow, OwnerRule } from '../../db/schema.js';
import { recordAuditEvent } from '../../audit/audit-log.js';
import { auditActor } from '../audit-actor.js';
import { listAutomationLog } from '../../automation/automation-log.js';
import { listPipelineStages } from '../../pipelines/pipeline.js';
import { getWorkspaceOfUser } from '../../workspaces/workspace.js';
import { hasRoleAtLeast } from '../../workspaces/roles.js';
import { findLocale, type Locale } from '../../i18n/locale.js';
import {
	createForm,
	createWebhook,
	findIntakeSource,
	honeypotField,
	listIntakeSources,
	rotateWebhookSecret,
	standardFields,
	updateIntakeSource,
	type IntakeSettings
} from '../../intake/intake-sources.js';
import { t } from '../../i18n/text.js';
import { m } from '../../../src/lib/paraglide/messages.js';
import * as routes from './forms.routes.js';

type SettingsBody = {
	name?: string;
	stageId?: string;
	fields?: FormField[];
	ownerRule?: OwnerRule;
	ownerId?: string | null;
	firstTask?: { type: IntakeSettings['taskType']; title: string };
	slaMinutes?: number;
	slaWorkingTime?: boolean;
	thankYouUrl?: string | null;
	allowedOrigins?: string[];
	locale?: Locale;
	enabled?: boolean;
};

function toJson(source: IntakeSourceRow) {
	return {
		id: source.id,
		pipelineId: source.pipelineId,
		kind: source.kind,
		key: source.kind === 'form' ? source.key : null,
		name: source.name,
		stageId: source.stageId,
		fields: source.fields,
		ownerRule: source.ownerRule,
		ownerId: source.ownerId,
		firstTask: { type: source.taskType, title: source.taskTitle },
		slaMinutes: source.slaMinutes,
		slaWorkingTime: source.slaWorkingTime,
		thankYouUrl: source.thankYouUrl,
		allowedOrigins: source.allowedOrigins,
		locale: source.locale,
		enabled: source.enabled,
		createdAt: source.createdAt.toISOString(),
		updatedAt: source.updatedAt.toISOString()
	};
}

/** A form's fields make sense: one required name, names unique and not the spam trap's, each target once (notes aside). */
function assertFields(fields: FormField[]): void {
	const issues: Issue[] = [];
	const names = new Set<string>();
	const targets = new Set<string>();
	fields.forEach((field, index) => {
		if (field.name === honeypotField) issues.push({ path: `fields.${index}.name`, message: t(m.forms_error_reserved_name) });
		else if (names.has(field.name)) issues.push({ path: `fields.${index}.name`, message: t(m.forms_error_field_twice, { name: field.name }) });
		names.add(field.name);
		if (field.target !== 'note' && targets.has(field.target)) issues.push({ path: `fields.${index}.target`, message: t(m.forms_error_target_twice) });
		targets.add(field.target);
	});
	const nameFields = fields.filter((field) => field.target === 'contact_name');
	if (nameFields.length !== 1 || !nameFields[0]!.required) issues.push({ path: 'fields', message: t(m.forms_error_name_field) });
	if (issues.length > 0) throw unprocessable('invalid_fields', issues[0]!.message, issues);
}

/** The stage is an open one of this pipeline, and a fixed owner a member who works deals. */
async function assertTargets(db: Database, source: { workspaceId: string; pipelineId: string }, settings: { stageId: string; ownerRule: OwnerRule; ownerId: string | null }) {
	const stages = await listPipelineStages(db, source.pipelineId);
	if (!stages.some((stage) => stage.id === settings.stageId && stage.kind === 'open')) {
		throw unprocessable('unknown_stage', t(m.error_not_open_stage), [{ path: 'stageId', message: t(m.error_not_open_stage) }]);
	}
	if (settings.ownerRule !== 'fixed') return;
	const owner = settings.ownerId ? await getWorkspaceOfUser(db, source.workspaceId, settings.ownerId) : null;
	if (!owner || !hasRoleAtLeast(owner.role, 'rep')) {
		throw unprocessable('unknown_owner', t(m.forms_error_owner_needed), [{ path: 'ownerId', message: t(m.forms_error_owner_needed) }]);
	}
}

/** The settings of a new source from the request, with the defaults the issue names. */
function newSettings(body: SettingsBody & { name: string; stageId: string }, kind: IntakeKind, locale: Locale): IntakeSettings {
	return {
		name: body.name,
		stageId: body.stageId,
		fields: kind === 'form' ? (body.fields ?? standardFields(locale)) : standardFields(locale),
		ownerRule: body.ownerRule ?? 'round_robin',
		ownerId: body.ownerId ?? null,
		taskType: body.firstTask?.type ?? 'call',
		taskTitle: body.firstTask?.title ?? m.intake_default_task_title({}, { locale }),
		slaMinutes: body.slaMinutes ?? 15,
		slaWorkingTime: body.slaWorkingTime ?? true,
		thankYouUrl: body.thankYouUrl ?? null,
		allowedOrigins: body.allowedOrigins ?? [],
		locale,
		enabled: body.enabled ?? true
	};
}

function changedSettings(body: SettingsBody): Partial<IntakeSettings> {
	const { firstTask, ...rest } = body;
	return { ...rest, taskType: firstTask?.type, taskTitle: firstTask?.title };
}

/** A form or webhook the caller administers; another workspace's is not found, like a missing one. */
async function requireSource(c: Context<AppEnv>, id: string, kind: IntakeKind): Promise<IntakeSourceRow> {
	const missing = t(kind === 'form' ? m.forms_error_not_found : m.forms_error_webhook_not_found);
	const source = await findIntakeSource(c.var.deps.db, id, kind);
	if (!source) throw notFound(missing);
	try {
		await requireWorkspace(c, source.workspaceId, 'admin');
	} catch (error) {
		if (error instanceof ApiError && error.status === 404) throw notFound(missing);
		throw error;
	}
	return source;
}

type SourceAction = 'form.created' | 'form.changed' | 'form.disabled' | 'webhook.created' | 'webhook.rotated';

function recordSourceEvent(c: Context<AppEnv>, tx: Database, source: IntakeSourceRow, action: SourceAction | 'webhook.changed', detail: Record<string, unknown> = {}) {
	// A webhook's plain changes read like a form's in the log: the kind says which it was.
	const logged = action === 'webhook.changed' ? 'form.changed' : action;
	return recordAuditEvent(tx, {
		...auditActor(c),
		workspaceId: source.workspaceId,
		action: logged,
		target: { type: 'pipeline', id: source.pipelineId, label: source.name },
		detail: { sourceId: source.id, kind: source.kind, name: source.name, ...detail },
		at: c.var.deps.now()
	});
}

/** The fields an update touched, for the audit log (values may be long; names say enough). */
function changedKeys(body: SettingsBody): string[] {
	return Object.keys(body).filter((key) => body[key as keyof SettingsBody] !== undefined);
}

async function applyChanges(c: Context<AppEnv>, source: IntakeSourceRow, body: SettingsBody) {
	const { db, now } = c.var.deps;
	if (body.fields) assertFields(body.fields);
	const ownerRule = body.ownerRule ?? source.ownerRule;
	const ownerId = body.ownerId === undefined ? source.ownerId : body.ownerId;
	await assertTargets(db, source, { stageId: body.stageId ?? source.stageId, ownerRule, ownerId });
	return db.transaction(async (tx) => {
		const updated = await updateIntakeSource(tx, source, changedSettings(body), now());
		const disabling = body.enabled === false && source.enabled;
		const action = disabling ? 'form.disabled' : source.kind === 'form' ? 'form.changed' : 'webhook.changed';
		await recordSourceEvent(c, tx, updated, action, { changed: changedKeys(body) });
		return updated;
	});
}

function webhookPath(secret: string): string {
	return `/api/public/webhooks/${secret}`;
}

const router = createRouter()
	.openapi(routes.listFormsRoute, async (c) => {
		const { pipeline } = await requirePipeline(c, c.req.valid('param').pipelineId, 'admin');
		const forms = await listIntakeSources(c.var.deps.db, { workspaceId: pipeline.workspaceId, pipelineId: pipeline.id }, 'form');
		return c.json({ forms: forms.map(toJson) }, 200);
	})
	.openapi(routes.createFormRoute, async (c) => {
		const { pipeline } = await requirePipeline(c, c.req.valid('param').pipelineId, 'admin');
		const body = c.req.valid('json');
		const { user } = requireAuth(c);
		const settings = newSettings(body, 'form', body.locale ?? findLocale(c, user.locale));
		assertFields(settings.fields);
		const scope = { workspaceId: pipeline.workspaceId, pipelineId: pipeline.id };
		await assertTargets(c.var.deps.db, scope, settings);
		const form = await c.var.deps.db.transaction(async (tx) => {
			const created = await createForm(tx, scope, settings, user.id);
			await recordSourceEvent(c, tx, created, 'form.created');
			return created;
		});
		return c.json(toJson(form), 201);
	})
	.openapi(routes.getFormRoute, async (c) => c.json(toJson(await requireSource(c, c.req.valid('param').formId, 'form')), 200))
	.openapi(routes.updateFormRoute, async (c) => {
		const form = await requireSource(c, c.req.valid('param').formId, 'form');
		return c.json(toJson(await applyChanges(c, form, c.req.valid('json'))), 200);
	})
	.openapi(routes.deleteFormRoute, async (c) => {
		const form = await requireSource(c, c.req.valid('param').formId, 'form');
		if (form.enabled) await applyChanges(c, form, { enabled: false });
		return c.body(null, 204);
	})
	.openapi(routes.formLogRoute, async (c) => {
		const id = c.req.valid('param').formId;
		const { db } = c.var.deps;
		// Forms and webhooks share the log: the id says which.
		const source = (await findIntakeSource(db, id, 'form')) ?? (await findIntakeSource(db, id, 'webhook'));
		if (!source) throw notFound(t(m.forms_error_not_found));
		await requireSource(c, id, source.kind);
		const query = c.req.valid('query');
		const rows = await listAutomationLog(db, source.workspaceId, { kind: 'intake', source: source.id, before: query.before, limit: query.limit ?? 50 });
		return c.json(
			{
				entries: rows.map((row) => ({ id: row.id, outcome: row.outcome, dealId: row.dealId, contactId: row.contactId, taskId: row.taskId, detail: row.detail, at: row.at.toISOString() }))
			},
			200
		);
	})
	.openapi(routes.listWebhooksRoute, async (c) => {
		const { pipeline } = await requirePipeline(c, c.req.valid('param').pipelineId, 'admin');
		const webhooks = await listIntakeSources(c.var.deps.db, { workspaceId: pipeline.workspaceId, pipelineId: pipeline.id }, 'webhook');
		return c.json({ webhooks: webhooks.map(toJson) }, 200);
	})
	.openapi(routes.createWebhookRoute, async (c) => {
		const { pipeline } = await requirePipeline(c, c.req.valid('param').pipelineId, 'admin');
		const body = c.req.valid('json');
		const { user } = requireAuth(c);
		const settings = newSettings(body, 'webhook', body.locale ?? findLocale(c, user.locale));
		const scope = { workspaceId: pipeline.workspaceId, pipelineId: pipeline.id };
		await assertTargets(c.var.deps.db, scope, settings);
		const { webhook, secret } = await c.var.deps.db.transaction(async (tx) => {
			const created = await createWebhook(tx, scope, settings, user.id);
			await recordSourceEvent(c, tx, created.webhook, 'webhook.created');
			return created;
		});
		return c.json({ webhook: toJson(webhook), secret, path: webhookPath(secret) }, 201);
	})
	.openapi(routes.updateWebhookRoute, async (c) => {
		const webhook = await requireSource(c, c.req.valid('param').webhookId, 'webhook');
		return c.json(toJson(await applyChanges(c, webhook, c.req.valid('json'))), 200);
	})
	.openapi(routes.rotateWebhookRoute, async (c) => {
		const webhook = await requireSource(c, c.req.valid('param').webhookId, 'webhook');
		const { db, now } = c.var.deps;
		const secret = await db.transaction(async (tx) => {
			const rotated = await rotateWebhookSecret(tx, webhook, now());
			await recordSourceEvent(c, tx, webhook, 'webhook.rotated');
			return rotated;
		});
		return c.json({ webhook: toJson({ ...webhook, updatedAt: now() }), secret, path: webhookPath(secret) }, 200);
	});

export default router;
