import type { Context, TypedResponse } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { DealRow, TaskRow } from '../db/schema.js';
import type { Member } from '../workspaces/member.js';
import type { InviteSummary } from '../workspaces/invite.js';

// JSON carries times as ISO 8601 UTC strings.
export function toMemberJson(member: Member) {
	return { ...member, joinedAt: member.joinedAt.toISOString() };
}

export function toInviteJson(invite: InviteSummary) {
	return { ...invite, expiresAt: invite.expiresAt.toISOString(), createdAt: invite.createdAt.toISOString() };
}

export function toApiTokenJson(token: { id: string; name: string; createdAt: Date; lastUsedAt: Date | null }) {
	return { ...token, createdAt: token.createdAt.toISOString(), lastUsedAt: token.lastUsedAt?.toISOString() ?? null };
}

export function toDealJson({ workspaceId: _w, rank: _r, ...deal }: DealRow) {
	return {
		...deal,
		status: deal.status as 'open' | 'won' | 'lost',
		createdAt: deal.createdAt.toISOString(),
		updatedAt: deal.updatedAt.toISOString(),
		closedAt: deal.closedAt?.toISOString() ?? null,
		stageEnteredAt: deal.stageEnteredAt.toISOString(),
		archivedAt: deal.archivedAt?.toISOString() ?? null,
		deletedAt: deal.deletedAt?.toISOString() ?? null
	};
}

export function toTaskJson({ pipelineId: _p, ...task }: TaskRow) {
	return {
		...task,
		type: task.type as 'call' | 'meeting' | 'email' | 'todo',
		dueAt: task.dueAt.toISOString(),
		doneAt: task.doneAt?.toISOString(),
		auto: task.auto || undefined
	};
}

/**
 * An answer whose body is JSON text already (PostgreSQL wrote it, see
 * deal-query.ts), sent as it is and typed as the value it holds.
 */
export function sendJsonText<T, S extends ContentfulStatusCode>(c: Context, text: string, status: S): TypedResponse<T, S, 'json'> {
	return c.body(text, status, { 'content-type': 'application/json' }) as unknown as TypedResponse<T, S, 'json'>;
}
