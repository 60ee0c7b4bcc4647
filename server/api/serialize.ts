import type { DealRow, TaskRow } from '../db/schema.js';
import type { DealWithNextTask } from '../pipelines/deal-query.js';
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

export function toDealListJson({ pipelineId: _p, workspaceId: _w, rank: _r, ...deal }: DealWithNextTask) {
	return {
		...deal,
		status: deal.status as 'open' | 'won' | 'lost',
		createdAt: deal.createdAt.toISOString(),
		updatedAt: deal.updatedAt.toISOString(),
		closedAt: deal.closedAt?.toISOString() ?? null,
		stageEnteredAt: deal.stageEnteredAt.toISOString(),
		archivedAt: deal.archivedAt?.toISOString() ?? null,
		nextTask: deal.nextTask && { ...deal.nextTask, dueAt: deal.nextTask.dueAt.toISOString() }
	};
}

export function toDealJson({ workspaceId: _w, rank: _r, ...deal }: DealRow) {
	return {
		...deal,
		status: deal.status as 'open' | 'won' | 'lost',
		createdAt: deal.createdAt.toISOString(),
		updatedAt: deal.updatedAt.toISOString(),
		closedAt: deal.closedAt?.toISOString() ?? null,
		stageEnteredAt: deal.stageEnteredAt.toISOString(),
		archivedAt: deal.archivedAt?.toISOString() ?? null
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
