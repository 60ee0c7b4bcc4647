/** The audit log's events in plain words, and the kinds the page filters by. */
import type { InferResponseType } from 'hono/client';
import type { api } from '$lib/api/client';
import type { Role } from '$lib/api/types';
import { modeLabels, type PipelineMode } from '$lib/pipelines';
import { roleLabels } from '$lib/roles';

type AuditApi = (typeof api.api.workspaces)[':workspaceId']['audit'];
export type AuditPage = InferResponseType<AuditApi['$get'], 200>;
export type AuditEvent = AuditPage['events'][number];
export type AuditAction = AuditEvent['action'];

export interface AuditKind {
	id: string;
	label: string;
	/** Empty: every action. */
	actions: AuditAction[];
}

export const auditKinds: AuditKind[] = [
	{ id: 'all', label: 'All activity', actions: [] },
	{ id: 'sign-ins', label: 'Sign-ins and passwords', actions: ['auth.login', 'auth.login_failed', 'auth.password_changed', 'auth.password_reset_issued', 'auth.password_reset_used'] },
	{
		id: 'people',
		label: 'Members and invites',
		actions: ['member.joined', 'member.role_changed', 'member.removed', 'member.left', 'invite.created', 'invite.revoked']
	},
	{ id: 'tokens', label: 'API tokens', actions: ['token.created', 'token.revoked'] },
	{
		id: 'pipelines',
		label: 'Pipelines and stages',
		actions: [
			'pipeline.created',
			'pipeline.renamed',
			'pipeline.mode_changed',
			'pipeline.access_changed',
			'pipeline.members_changed',
			'pipeline.archived',
			'pipeline.restored',
			'stage.deleted'
		]
	},
	{ id: 'deals', label: 'Deal stages and owners', actions: ['deal.stage_changed', 'deal.owner_changed'] },
	{
		id: 'workspace',
		label: 'Workspace settings',
		actions: ['workspace.created', 'workspace.renamed', 'workspace.settings_changed', 'lost_reasons.changed']
	}
];

/** A piece of a sentence; names are emphasised. */
export interface Words {
	text: string;
	strong?: boolean;
}

const name = (text: string | null | undefined, fallback: string): Words => ({ text: text ?? fallback, strong: true });
const plain = (text: string): Words => ({ text });

/** Who did it, as the list names them. */
export function actorName(event: AuditEvent): string {
	if (event.actor.kind === 'system') return 'Voronka';
	if (event.actor.kind === 'anonymous') return 'Someone';
	return event.actor.name ?? 'A former member';
}

function text(value: unknown): string | null {
	return typeof value === 'string' ? value : null;
}

function role(value: unknown): string {
	return roleLabels[value as Role] ?? String(value);
}

function people(value: unknown): string {
	const list = Array.isArray(value) ? (value as Array<{ name?: string }>) : [];
	return list.map((person) => person.name ?? 'a former member').join(', ');
}

function labels(value: unknown): string[] {
	return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function quoted(list: string[]): string {
	return list.map((item) => `“${item}”`).join(', ');
}

/** What the actor did, in words, after their name: "changed the role of Rita from Sales rep to Manager". */
export function describeEvent(event: AuditEvent): Words[] {
	const detail = event.detail ?? {};
	const target = event.target.label;
	const inPipeline = detail.pipelineName ? [plain(' in '), name(text(detail.pipelineName), '')] : [];
	switch (event.action) {
		case 'auth.login':
			return [plain('signed in')];
		case 'auth.login_failed':
			return [plain('tried to sign in as '), name(target, 'a member'), plain(' with a wrong password')];
		case 'auth.password_changed':
			return [plain('changed their password')];
		case 'auth.password_reset_issued':
			return [plain('created a password reset link for '), name(target, 'a member')];
		case 'auth.password_reset_used':
			return [plain('set a new password with a reset link')];
		case 'workspace.created':
			return [plain('created the workspace '), name(target, 'this workspace')];
		case 'workspace.renamed':
			return [plain('renamed the workspace from '), name(text(detail.from), '?'), plain(' to '), name(text(detail.to), '?')];
		case 'workspace.settings_changed':
			return [plain(`changed how many days closed deals stay on the boards from ${detail.from} to ${detail.to}`)];
		case 'member.joined':
			return [plain('joined the workspace as '), plain(role(detail.role))];
		case 'member.role_changed':
			return [plain('changed the role of '), name(target, 'a member'), plain(` from ${role(detail.from)} to ${role(detail.to)}`)];
		case 'member.removed':
			return [plain('removed '), name(target, 'a member'), plain(' from the workspace')];
		case 'member.left':
			return [plain('left the workspace')];
		case 'invite.created':
			return [plain(`created an invite link for a ${role(detail.role)}`)];
		case 'invite.revoked':
			return [plain(`revoked an invite link for a ${role(detail.role)}`)];
		case 'token.created':
			return [plain('created the API token '), name(target, 'a token')];
		case 'token.revoked':
			return [plain('revoked the API token '), name(target, 'a token')];
		case 'pipeline.created':
			return [plain('created the pipeline '), name(target, 'a pipeline')];
		case 'pipeline.renamed':
			return [plain('renamed the pipeline '), name(text(detail.from), 'a pipeline'), plain(' to '), name(text(detail.to), '?')];
		case 'pipeline.mode_changed':
			return [
				plain('switched '),
				name(target, 'a pipeline'),
				plain(` from ${modeLabels[detail.from as PipelineMode] ?? detail.from} to ${modeLabels[detail.to as PipelineMode] ?? detail.to} mode`)
			];
		case 'pipeline.access_changed':
			return detail.to === 'members'
				? [plain('limited '), name(target, 'a pipeline'), plain(' to selected members')]
				: [plain('opened '), name(target, 'a pipeline'), plain(' to everyone in the workspace')];
		case 'pipeline.members_changed':
			return pipelineMembersWords(target, detail);
		case 'pipeline.archived':
			return [plain('archived the pipeline '), name(target, 'a pipeline')];
		case 'pipeline.restored':
			return [plain('restored the pipeline '), name(target, 'a pipeline')];
		case 'stage.deleted':
			return [plain('deleted the stage '), name(target, 'a stage'), ...inPipeline];
		case 'deal.stage_changed':
			return detail.from
				? [plain('moved '), name(target, 'a deal'), plain(' from '), name(text(detail.fromName), 'a stage'), plain(' to '), name(text(detail.toName), 'a stage'), ...inPipeline]
				: [plain('put '), name(target, 'a deal'), plain(' in '), name(text(detail.toName), 'a stage'), ...inPipeline];
		case 'deal.owner_changed':
			return [plain('handed '), name(target, 'a deal'), plain(' from '), name(text(detail.fromName), 'nobody'), plain(' to '), name(text(detail.toName), 'a former member')];
		case 'lost_reasons.changed':
			return lostReasonsWords(labels(detail.from), labels(detail.to));
	}
}

function pipelineMembersWords(target: string | null, detail: Record<string, unknown>): Words[] {
	const added = people(detail.added);
	const removed = people(detail.removed);
	const parts = [added && `added ${added}`, removed && `removed ${removed}`].filter(Boolean).join(' and ');
	return [plain('changed who works in '), name(target, 'a pipeline'), plain(parts ? `: ${parts}` : '')];
}

function lostReasonsWords(from: string[], to: string[]): Words[] {
	const added = to.filter((label) => !from.includes(label));
	const removed = from.filter((label) => !to.includes(label));
	const parts = [added.length > 0 && `added ${quoted(added)}`, removed.length > 0 && `removed ${quoted(removed)}`].filter(Boolean);
	return [plain(`changed the lost reasons${parts.length > 0 ? `: ${parts.join('; ')}` : ' (new order)'}`)];
}
