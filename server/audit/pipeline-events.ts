import type { Pipeline } from '../db/schema.js';
import type { PipelineMember } from '../pipelines/pipeline.js';
import type { AuditActor, AuditEvent } from './audit-log.js';

export type PipelineChanges = Partial<Pick<Pipeline, 'name' | 'mode' | 'access' | 'archivedAt'>>;

/** The events of a change to a pipeline's settings: one per setting that really changed. */
export function pipelineChangeEvents(before: Pipeline, changes: PipelineChanges, actor: AuditActor, at: Date): AuditEvent[] {
	const target = { type: 'pipeline', id: before.id, label: changes.name ?? before.name } as const;
	const event = { ...actor, workspaceId: before.workspaceId, at, target };
	const events: AuditEvent[] = [];
	if (changes.name !== undefined && changes.name !== before.name) {
		events.push({ ...event, action: 'pipeline.renamed', detail: { from: before.name, to: changes.name } });
	}
	if (changes.mode !== undefined && changes.mode !== before.mode) {
		events.push({ ...event, action: 'pipeline.mode_changed', detail: { from: before.mode, to: changes.mode } });
	}
	if (changes.access !== undefined && changes.access !== before.access) {
		events.push({ ...event, action: 'pipeline.access_changed', detail: { from: before.access, to: changes.access } });
	}
	if (changes.archivedAt !== undefined && (changes.archivedAt === null) !== (before.archivedAt === null)) {
		events.push({ ...event, action: changes.archivedAt ? 'pipeline.archived' : 'pipeline.restored' });
	}
	return events;
}

/** The event of a new member list for a pipeline, with who was added and removed; none when it is the same list. */
export function pipelineMembersEvents(
	pipeline: Pipeline,
	before: PipelineMember[],
	userIds: string[],
	actor: AuditActor,
	at: Date
): AuditEvent[] {
	const listed = new Set(userIds);
	const person = (member: PipelineMember) => ({ id: member.userId, name: member.name });
	const added = before.filter((member) => !member.listed && listed.has(member.userId)).map(person);
	const removed = before.filter((member) => member.listed && !listed.has(member.userId)).map(person);
	if (added.length + removed.length === 0) return [];
	return [
		{
			...actor,
			workspaceId: pipeline.workspaceId,
			action: 'pipeline.members_changed',
			target: { type: 'pipeline', id: pipeline.id, label: pipeline.name },
			detail: { added, removed },
			at
		}
	];
}
