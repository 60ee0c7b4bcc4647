/** The audit log's events in plain words, and the kinds the page filters by. */
import type { InferResponseType } from 'hono/client';
import type { api } from '$lib/api/client';
import type { Role } from '$lib/api/types';
import { emphasise, type Words } from '$lib/emphasis';
import { formatRecordedValue } from '$lib/board/money';
import { formatDay } from '$lib/format';
import { m } from '$lib/i18n';
import { modeLabel, type PipelineMode } from '$lib/pipelines';
import { roleLabel } from '$lib/roles';
import { processNames, processTitles, type ProcessName } from '../processes/process-types';

export type { Words };

type AuditApi = (typeof api.api.workspaces)[':workspaceId']['audit'];
export type AuditPage = InferResponseType<AuditApi['$get'], 200>;
export type AuditEvent = AuditPage['events'][number];
export type AuditAction = AuditEvent['action'];

export interface AuditKind {
	id: string;
	label: () => string;
	/** Empty: every action. */
	actions: AuditAction[];
}

export const auditKinds: AuditKind[] = [
	{ id: 'all', label: m.settings_audit_kind_all, actions: [] },
	{ id: 'sign-ins', label: m.settings_audit_kind_sign_ins, actions: ['auth.login', 'auth.login_failed', 'auth.password_changed', 'auth.password_reset_issued', 'auth.password_reset_used'] },
	{
		id: 'people',
		label: m.settings_audit_kind_people,
		actions: ['member.joined', 'member.role_changed', 'member.removed', 'member.left', 'member.availability_changed', 'invite.created', 'invite.revoked']
	},
	{ id: 'tokens', label: m.settings_audit_kind_tokens, actions: ['token.created', 'token.revoked'] },
	{
		id: 'pipelines',
		label: m.settings_audit_kind_pipelines,
		actions: [
			'pipeline.created',
			'pipeline.renamed',
			'pipeline.mode_changed',
			'pipeline.access_changed',
			'pipeline.members_changed',
			'pipeline.archived',
			'pipeline.restored',
			'stage.deleted',
			'form.created',
			'form.changed',
			'form.disabled',
			'webhook.created',
			'webhook.rotated',
			'stage_rules.changed'
		]
	},
	{ id: 'deals', label: m.settings_audit_kind_deals, actions: ['deal.stage_changed', 'deal.owner_changed', 'deal.value_changed', 'deal.close_date_changed', 'deal.closed', 'deal.reopened', 'deal.deleted', 'deal.restored'] },
	{
		id: 'workspace',
		label: m.settings_audit_kind_workspace,
		actions: ['workspace.created', 'workspace.renamed', 'workspace.settings_changed', 'lost_reasons.changed', 'field.created', 'field.changed', 'field.archived', 'field.restored']
	}
];

/** Who did it, as the list names them. */
export function actorName(event: AuditEvent): string {
	if (event.actor.kind === 'system') return 'Voronka';
	if (event.actor.kind === 'anonymous') return m.settings_audit_actor_someone();
	return event.actor.name ?? m.settings_audit_former_member();
}

function text(value: unknown): string | null {
	return typeof value === 'string' ? value : null;
}

function role(value: unknown): string {
	return roleLabel(value as Role);
}

function mode(value: unknown): string {
	return modeLabel(value as PipelineMode);
}

function people(value: unknown): string {
	const list = Array.isArray(value) ? (value as Array<{ name?: string }>) : [];
	return list.map((person) => person.name ?? m.settings_audit_some_former_member()).join(', ');
}

function labels(value: unknown): string[] {
	return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function quoted(list: string[]): string {
	return list.map((item) => m.settings_audit_quoted({ text: item })).join(', ');
}

/**
 * The event as a sentence, its actor first: "Olga changed the role of Rita
 * from Sales rep to Manager". Names are emphasised; each language orders the
 * sentence its own way, so the actor is part of the message.
 */
export function describeEvent(event: AuditEvent): Words[] {
	const detail = event.detail ?? {};
	const actor = actorName(event);
	const target = event.target.label;
	const pipeline = text(detail.pipelineName);
	switch (event.action) {
		case 'auth.login':
			return emphasise(m.settings_audit_login, { actor });
		case 'auth.login_failed':
			return emphasise(m.settings_audit_login_failed, { actor, target: target ?? m.settings_audit_some_member() });
		case 'auth.password_changed':
			return emphasise(m.settings_audit_password_changed, { actor });
		case 'auth.password_reset_issued':
			return emphasise(m.settings_audit_password_reset_issued, { actor, target: target ?? m.settings_audit_some_member() });
		case 'auth.password_reset_used':
			return emphasise(m.settings_audit_password_reset_used, { actor });
		case 'workspace.created':
			return emphasise(m.settings_audit_workspace_created, { actor, target: target ?? m.settings_audit_this_workspace() });
		case 'workspace.renamed':
			return emphasise(m.settings_audit_workspace_renamed, { actor, from: text(detail.from) ?? '?', to: text(detail.to) ?? '?' });
		case 'workspace.settings_changed':
			return settingChanged(actor, target, detail);
		case 'member.joined':
			return emphasise(m.settings_audit_member_joined, { actor, role: role(detail.role) }, ['role']);
		case 'member.role_changed':
			return emphasise(
				m.settings_audit_member_role_changed,
				{ actor, target: target ?? m.settings_audit_some_member(), from: role(detail.from), to: role(detail.to) },
				['from', 'to']
			);
		case 'member.removed':
			return emphasise(m.settings_audit_member_removed, { actor, target: target ?? m.settings_audit_some_member() });
		case 'member.left':
			return emphasise(m.settings_audit_member_left, { actor });
		case 'invite.created':
			return emphasise(m.settings_audit_invite_created, { actor, role: role(detail.role) }, ['role']);
		case 'invite.revoked':
			return emphasise(m.settings_audit_invite_revoked, { actor, role: role(detail.role) }, ['role']);
		case 'token.created':
			return emphasise(m.settings_audit_token_created, { actor, target: target ?? m.settings_audit_some_token() });
		case 'token.revoked':
			return emphasise(m.settings_audit_token_revoked, { actor, target: target ?? m.settings_audit_some_token() });
		case 'pipeline.created':
			return emphasise(m.settings_audit_pipeline_created, { actor, target: target ?? m.settings_audit_some_pipeline() });
		case 'pipeline.renamed':
			return emphasise(m.settings_audit_pipeline_renamed, { actor, from: text(detail.from) ?? m.settings_audit_some_pipeline(), to: text(detail.to) ?? '?' });
		case 'pipeline.mode_changed':
			return emphasise(
				m.settings_audit_pipeline_mode_changed,
				{ actor, target: target ?? m.settings_audit_some_pipeline(), from: mode(detail.from), to: mode(detail.to) },
				['from', 'to']
			);
		case 'pipeline.access_changed':
			return emphasise(detail.to === 'members' ? m.settings_audit_pipeline_limited : m.settings_audit_pipeline_opened, {
				actor,
				target: target ?? m.settings_audit_some_pipeline()
			});
		case 'pipeline.members_changed':
			return pipelineMembersWords(actor, target ?? m.settings_audit_some_pipeline(), detail);
		case 'pipeline.archived':
			return emphasise(m.settings_audit_pipeline_archived, { actor, target: target ?? m.settings_audit_some_pipeline() });
		case 'pipeline.restored':
			return emphasise(m.settings_audit_pipeline_restored, { actor, target: target ?? m.settings_audit_some_pipeline() });
		case 'stage.deleted': {
			const stage = target ?? m.settings_audit_some_stage();
			return pipeline ? emphasise(m.settings_audit_stage_deleted_in, { actor, target: stage, pipeline }) : emphasise(m.settings_audit_stage_deleted, { actor, target: stage });
		}
		case 'stage_rules.changed':
			return emphasise(m.rules_audit_changed, { actor, target: target ?? m.settings_audit_some_stage(), pipeline: pipeline ?? m.settings_audit_some_pipeline() });
		case 'deal.stage_changed':
			return dealMovedWords(actor, target ?? m.settings_audit_some_deal(), detail, pipeline);
		case 'deal.owner_changed':
			return emphasise(m.settings_audit_deal_owner_changed, {
				actor,
				target: target ?? m.settings_audit_some_deal(),
				from: text(detail.fromName) ?? m.settings_audit_nobody(),
				to: text(detail.toName) ?? m.settings_audit_some_former_member()
			});
		case 'deal.value_changed':
			return emphasise(m.settings_audit_deal_value_changed, {
				actor,
				target: target ?? m.settings_audit_some_deal(),
				from: formatRecordedValue(detail.from),
				to: formatRecordedValue(detail.to)
			});
		case 'deal.close_date_changed':
			return emphasise(m.settings_audit_deal_close_date_changed, {
				actor,
				target: target ?? m.settings_audit_some_deal(),
				from: formatDay(detail.from),
				to: formatDay(detail.to)
			});
		case 'deal.closed':
			return detail.to === 'lost'
				? emphasise(m.settings_audit_deal_lost, { actor, target: target ?? m.settings_audit_some_deal(), reason: text(detail.reason) ?? m.settings_audit_no_reason() })
				: emphasise(m.settings_audit_deal_won, { actor, target: target ?? m.settings_audit_some_deal() });
		case 'deal.reopened':
			return emphasise(m.settings_audit_deal_reopened, { actor, target: target ?? m.settings_audit_some_deal() });
		case 'deal.deleted':
			return emphasise(m.settings_audit_deal_deleted, { actor, target: target ?? m.settings_audit_some_deal() });
		case 'deal.restored':
			return emphasise(m.settings_audit_deal_restored, { actor, target: target ?? m.settings_audit_some_deal() });
		case 'lost_reasons.changed':
			return lostReasonsWords(actor, labels(detail.from), labels(detail.to));
		case 'field.created':
		case 'field.changed':
		case 'field.archived':
		case 'field.restored': {
			const words = {
				'field.created': m.settings_audit_field_created,
				'field.changed': m.settings_audit_field_changed,
				'field.archived': m.settings_audit_field_archived,
				'field.restored': m.settings_audit_field_restored
			}[event.action];
			return emphasise(words, { actor, label: quoted([text(detail.label) ?? '?']) }, ['label']);
		}
		case 'form.created':
		case 'form.changed':
		case 'form.disabled':
		case 'webhook.created':
		case 'webhook.rotated': {
			const words = {
				'form.created': detail.kind === 'webhook' ? m.settings_audit_webhook_created : m.settings_audit_form_created,
				'form.changed': detail.kind === 'webhook' ? m.settings_audit_webhook_changed : m.settings_audit_form_changed,
				'form.disabled': detail.kind === 'webhook' ? m.settings_audit_webhook_disabled : m.settings_audit_form_disabled,
				'webhook.created': m.settings_audit_webhook_created,
				'webhook.rotated': m.settings_audit_webhook_rotated
			}[event.action];
			return emphasise(words, { actor, label: quoted([target ?? '?']) }, ['label']);
		}
		case 'member.availability_changed':
			return emphasise(detail.available ? m.settings_audit_member_available : m.settings_audit_member_away, { actor, target: target ?? m.settings_audit_some_member() });
	}
}

function dealMovedWords(actor: string, target: string, detail: Record<string, unknown>, pipeline: string | null): Words[] {
	const to = text(detail.toName) ?? m.settings_audit_some_stage();
	if (!detail.from) {
		return pipeline ? emphasise(m.settings_audit_deal_put_in, { actor, target, to, pipeline }) : emphasise(m.settings_audit_deal_put, { actor, target, to });
	}
	const from = text(detail.fromName) ?? m.settings_audit_some_stage();
	return pipeline
		? emphasise(m.settings_audit_deal_moved_in, { actor, target, from, to, pipeline })
		: emphasise(m.settings_audit_deal_moved, { actor, target, from, to });
}

function pipelineMembersWords(actor: string, target: string, detail: Record<string, unknown>): Words[] {
	const added = people(detail.added);
	const removed = people(detail.removed);
	if (added && removed) return emphasise(m.settings_audit_pipeline_members_both, { actor, target, added, removed }, ['added', 'removed']);
	if (added) return emphasise(m.settings_audit_pipeline_members_added, { actor, target, added }, ['added']);
	if (removed) return emphasise(m.settings_audit_pipeline_members_removed, { actor, target, removed }, ['removed']);
	return emphasise(m.settings_audit_pipeline_members, { actor, target });
}

function lostReasonsWords(actor: string, from: string[], to: string[]): Words[] {
	const added = quoted(to.filter((label) => !from.includes(label)));
	const removed = quoted(from.filter((label) => !to.includes(label)));
	if (added && removed) return emphasise(m.settings_audit_lost_reasons_both, { actor, added, removed }, ['added', 'removed']);
	if (added) return emphasise(m.settings_audit_lost_reasons_added, { actor, added }, ['added']);
	if (removed) return emphasise(m.settings_audit_lost_reasons_removed, { actor, removed }, ['removed']);
	return emphasise(m.settings_audit_lost_reasons_order, { actor });
}

/** A changed workspace setting, by the setting the detail names (closed-deal days when it names none). */
function settingChanged(actor: string, target: string | null, detail: Record<string, unknown>): Words[] {
	const setting = typeof detail.setting === 'string' ? detail.setting : 'closedDealDays';
	if (setting === 'timeZone') return emphasise(m.process_audit_time_zone, { actor, from: String(detail.from), to: String(detail.to) }, ['from', 'to']);
	if (setting === 'workingHours') {
		const to = detail.to as { start?: string; end?: string } | null;
		return emphasise(m.process_audit_working_hours, { actor, to: `${to?.start ?? '?'}–${to?.end ?? '?'}` }, ['to']);
	}
	if (setting === 'reportsTo') return emphasise(m.process_audit_reports_to, { actor, target: target ?? m.settings_audit_some_member() });
	if (setting.startsWith('process:')) {
		const enabled = (detail.to as { enabled?: boolean } | null)?.enabled;
		const name = setting.slice('process:'.length);
		const process = (processNames as readonly string[]).includes(name) ? processTitles[name as ProcessName]() : name;
		return emphasise(m.process_audit_process, { actor, process, state: enabled ? m.process_enabled() : m.process_disabled() }, ['process']);
	}
	return emphasise(m.settings_audit_workspace_settings, { actor, from: String(detail.from), to: String(detail.to) }, ['from', 'to']);
}
