import { createHash } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { and, desc, eq, isNull, or } from 'drizzle-orm';
import { addTask, createDeal } from '../../src/lib/model/commands.js';
import { boardMaps, listStages, readDeal } from '../../src/lib/model/board.js';
import type { TaskType } from '../../src/lib/model/schema.js';
import { systemWriter } from '../board/writer.js';
import { dealsProjection, tasksProjection, type PartyKind } from '../db/schema.js';
import type { JobContext } from '../jobs/scheduler.js';
import { logAutomation } from '../automation/automation-log.js';
import { isStepLogged } from './steps.js';

/** The customer a process acts for. */
export interface ProcessParty {
	kind: PartyKind;
	id: string;
	name: string;
	ownerId: string;
}

export interface CallTaskInput {
	workspaceId: string;
	pipelineId: string;
	party: ProcessParty;
	task: { type: TaskType; title: string; dueAt: Date };
	/** The title of the deal created when the customer has no open deal in the pipeline. */
	newDealTitle: string;
	/** The step's idempotency key: the ids below derive from it. */
	key: string;
}

/**
 * An id derived from the step's key, in the shape of generated ids: a step
 * redone after a crash (its task written, its log entry not) writes the same
 * task again instead of a second one.
 */
export function derivedId(key: string): string {
	return encodeBase32LowerCaseNoPadding(createHash('sha256').update(key).digest().subarray(0, 10));
}

/**
 * Gives a customer's responsible user a task, on the boards like every other
 * task: added to the customer's open deal in the pipeline (the newest), or,
 * when they have none, to a new deal in the pipeline's first stage created
 * with it (every open deal has an active task, so a task needs a deal).
 * Null when the pipeline has no open stage to put a new deal in.
 */
export async function placeCallTask(context: JobContext, input: CallTaskInput): Promise<{ dealId: string; taskId: string; dealTitle: string } | null> {
	const { db, rooms } = context;
	const taskId = derivedId(`${input.key}:task`);
	const partyColumn = input.party.kind === 'contact' ? dealsProjection.contactId : dealsProjection.companyId;
	const [open] = await db
		.select({ id: dealsProjection.id, title: dealsProjection.title })
		.from(dealsProjection)
		.where(
			and(
				eq(dealsProjection.workspaceId, input.workspaceId),
				eq(dealsProjection.pipelineId, input.pipelineId),
				eq(partyColumn, input.party.id),
				eq(dealsProjection.status, 'open'),
				isNull(dealsProjection.archivedAt),
				isNull(dealsProjection.deletedAt)
			)
		)
		.orderBy(desc(dealsProjection.updatedAt))
		.limit(1);
	const [currency] = await db
		.select({ currency: dealsProjection.currency })
		.from(dealsProjection)
		.where(and(eq(dealsProjection.workspaceId, input.workspaceId), or(eq(dealsProjection.contactId, input.party.id), eq(dealsProjection.companyId, input.party.id))))
		.orderBy(desc(dealsProjection.createdAt))
		.limit(1);
	const [doneBefore] = await db.select({ dealId: tasksProjection.dealId }).from(tasksProjection).where(eq(tasksProjection.id, taskId));
	const clock = { now: () => context.now.toISOString() };
	const task = { id: taskId, type: input.task.type, title: input.task.title, dueAt: input.task.dueAt.toISOString(), assigneeId: input.party.ownerId };

	return rooms.withRoom(input.pipelineId, (room) =>
		room.change(systemWriter, (doc) => {
			const existing = boardMaps(doc).tasks.get(taskId);
			if (existing || doneBefore) {
				const dealId = (existing?.get('dealId') as string | undefined) ?? doneBefore!.dealId;
				return { dealId, taskId, dealTitle: readDeal(doc, dealId)?.title ?? open?.title ?? input.newDealTitle };
			}
			const onBoard = open ? readDeal(doc, open.id) : null;
			if (onBoard?.status === 'open') {
				addTask(doc, onBoard.id, task);
				return { dealId: onBoard.id, taskId, dealTitle: onBoard.title };
			}
			const firstStage = listStages(doc).find((stage) => stage.kind === 'open');
			if (!firstStage) return null;
			const dealId = derivedId(`${input.key}:deal`);
			createDeal(
				doc,
				{
					id: dealId,
					title: input.newDealTitle,
					valueMinor: 0,
					currency: currency?.currency ?? 'EUR',
					stageId: firstStage.id,
					ownerId: input.party.ownerId,
					...(input.party.kind === 'contact' ? { contactId: input.party.id } : { companyId: input.party.id })
				},
				task,
				clock
			);
			return { dealId, taskId, dealTitle: input.newDealTitle };
		})
	);
}

export interface CallStep extends CallTaskInput {
	/** The process, as the automation log names it. */
	source: string;
	notification: { kind: 'task_assigned' | 'customer_at_risk'; params: Record<string, string | number | null> };
	detail?: Record<string, unknown>;
}

/**
 * One step of a process that gives someone a call: done once per key (the
 * log says whether it was), placed on the board, the assignee notified, and
 * logged with links to the deal, the task and the contact. False when it had
 * been done before or there was nowhere to put it (logged as skipped).
 */
export async function runCallStep(context: JobContext, step: CallStep): Promise<boolean> {
	const { db, notifier } = context;
	if (await isStepLogged(db, step.workspaceId, step.key)) return false;
	const contactId = step.party.kind === 'contact' ? step.party.id : null;
	const placed = await placeCallTask(context, step);
	if (!placed) {
		await logAutomation(db, {
			workspaceId: step.workspaceId,
			kind: 'job',
			source: step.source,
			outcome: 'skipped',
			contactId,
			detail: { ...step.detail, reason: 'no_open_stage', pipelineId: step.pipelineId, party: step.party },
			key: step.key,
			at: context.now
		});
		return false;
	}
	await notifier.notify({
		workspaceId: step.workspaceId,
		userId: step.party.ownerId,
		kind: step.notification.kind,
		// `title` is what the notification's words name (src/lib/notifications/notification-text.ts): the customer
		// for "at risk", the task for "a task for you"; no `by`, so it reads as the automation's.
		params: {
			...step.notification.params,
			title: step.notification.kind === 'customer_at_risk' ? step.party.name : step.task.title,
			taskTitle: step.task.title,
			dealTitle: placed.dealTitle,
			dueAt: step.task.dueAt.toISOString()
		},
		dealId: placed.dealId,
		taskId: placed.taskId,
		contactId,
		key: step.key,
		at: context.now
	});
	await logAutomation(db, {
		workspaceId: step.workspaceId,
		kind: 'job',
		source: step.source,
		outcome: 'done',
		dealId: placed.dealId,
		taskId: placed.taskId,
		contactId,
		detail: {
			...step.detail,
			party: { kind: step.party.kind, id: step.party.id, name: step.party.name },
			assigneeId: step.party.ownerId,
			taskTitle: step.task.title,
			dealTitle: placed.dealTitle,
			dueAt: step.task.dueAt.toISOString(),
			pipelineId: step.pipelineId
		},
		key: step.key,
		at: context.now
	});
	return true;
}
