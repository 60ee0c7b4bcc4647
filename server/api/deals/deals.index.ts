import { notifyMentions } from '../../notifications/mentions.js';
import type { Context } from 'hono';
import {
	addTask,
	closeDeal,
	moveDeal,
	readDeal,
	readTask,
	reassignDeal,
	reopenDeal,
	restoreDeal,
	updateDeal,
	type Clock
} from '../../../src/lib/model/index.js';
import { generateId } from '../../auth/tokens.js';
import {
	addInteraction,
	findDealPipeline,
	getDealRow,
	listDealTasks,
	listDealHistory,
	dealHistoryActions,
	listInteractions,
	listStageHistory,
	markDealOnBoard,
	toBoardDeal
} from '../../deals/deal-lookup.js';
import { findInProjection, requireAuth, requirePipeline } from '../../http/auth.js';
import type { AppEnv } from '../../http/context.js';
import { conflict, forbidden, notFound, unprocessable } from '../../http/errors.js';
import { moveDealToTrash, restoreDealFromTrash } from '../../deals/deal-trash.js';
import { hasRoleAtLeast } from '../../workspaces/roles.js';
import { recordAuditEvent } from '../../audit/audit-log.js';
import { auditActor } from '../audit-actor.js';
import type { DealRow } from '../../db/schema.js';
import { createRouter } from '../../http/router.js';
import type { Writer } from '../../board/writer.js';
import { listLostReasons } from '../../workspaces/lost-reasons.js';
import type { Role } from '../../workspaces/roles.js';
import { assertMember, assertOpenStage, assertParties, changeBoard } from '../board-change.js';
import { toDealJson, toTaskJson } from '../serialize.js';
import * as routes from './deals.routes.js';
import { assertCustomValues } from '../../fields/field-values.js';
import { t } from '../../i18n/text.js';
import { m } from '../../../src/lib/paraglide/messages.js';

interface DealAccess {
	pipelineId: string;
	workspaceId: string;
	role: Role;
	writer: Writer;
	clock: Clock;
}

/** The caller's access to a deal through its pipeline; 404 when they may not see it. */
async function requireDeal(c: Context<AppEnv>, dealId: string, minimumRole: Role = 'viewer'): Promise<DealAccess> {
	const pipelineId = await findInProjection(c, () => findDealPipeline(c.var.deps.db, dealId));
	if (!pipelineId) throw notFound(t(m.error_deal_not_found));
	const access = await requirePipeline(c, pipelineId, minimumRole);
	const { user } = requireAuth(c);
	return {
		pipelineId,
		workspaceId: access.pipeline.workspaceId,
		role: access.role,
		writer: { kind: 'member', userId: user.id, role: access.role },
		clock: { now: () => c.var.deps.now().toISOString() }
	};
}

/** Runs a change on the deal's board; a deal archived off the board cannot be changed there. */
function changeDeal<T>(c: Context<AppEnv>, dealId: string, access: DealAccess, run: Parameters<typeof changeBoard<T>>[3]) {
	return changeBoard(c, access.pipelineId, access.writer, (doc) => {
		if (!readDeal(doc, dealId)) throw notFound(t(m.error_deal_not_on_board));
		return run(doc);
	});
}

/** The audit log's line for something done to a deal as a whole (into the trash, back). */
function recordDealEvent(c: Context<AppEnv>, access: DealAccess, row: DealRow, action: 'deal.deleted' | 'deal.restored') {
	return recordAuditEvent(c.var.deps.db, {
		...auditActor(c),
		workspaceId: access.workspaceId,
		action,
		target: { type: 'deal', id: row.id, label: row.title },
		detail: { pipelineId: access.pipelineId },
		at: c.var.deps.now()
	});
}

async function dealJson(c: Context<AppEnv>, access: DealAccess, dealId: string) {
	const row = await getDealRow(c.var.deps.db, access, dealId);
	if (!row) throw notFound(t(m.error_deal_not_found));
	return toDealJson(row);
}

const router = createRouter()
	.openapi(routes.getDealRoute, async (c) => {
		const { dealId } = c.req.valid('param');
		const access = await requireDeal(c, dealId);
		const { db } = c.var.deps;
		const [deal, tasks, history, timeline, events] = await Promise.all([
			dealJson(c, access, dealId),
			listDealTasks(db, access, dealId),
			listStageHistory(db, access, dealId),
			listInteractions(db, access, dealId),
			listDealHistory(db, access, dealId)
		]);
		return c.json(
			{
				deal,
				role: access.role,
				tasks: tasks.map(toTaskJson),
				stageHistory: history.map((event) => ({ ...event, at: event.at.toISOString() })),
				interactions: timeline.map((entry) => ({ ...entry, at: entry.at.toISOString() })),
				history: events.map((event) => ({ ...event, action: event.action as (typeof dealHistoryActions)[number], at: event.at.toISOString(), detail: event.detail ?? null }))
			},
			200
		);
	})
	.openapi(routes.updateDealRoute, async (c) => {
		const { dealId } = c.req.valid('param');
		const access = await requireDeal(c, dealId, 'rep');
		const { ownerId, custom, ...fields } = c.req.valid('json');
		if (ownerId) await assertMember(c, access.workspaceId, ownerId, 'ownerId');
		await assertParties(c, access.workspaceId, [fields]);
		await assertCustomValues(c.var.deps.db, access.workspaceId, 'deal', custom);
		await changeDeal(c, dealId, access, (doc) => {
			updateDeal(doc, dealId, { ...fields, fields: custom }, access.clock);
			if (ownerId) reassignDeal(doc, dealId, ownerId, access.clock);
		});
		return c.json({ deal: await dealJson(c, access, dealId) }, 200);
	})
	.openapi(routes.moveDealRoute, async (c) => {
		const { dealId } = c.req.valid('param');
		const access = await requireDeal(c, dealId, 'rep');
		const { stageId, rank } = c.req.valid('json');
		await changeDeal(c, dealId, access, (doc) => moveDeal(doc, dealId, assertOpenStage(doc, stageId, 'stageId'), rank, access.clock));
		return c.json({ deal: await dealJson(c, access, dealId) }, 200);
	})
	.openapi(routes.closeDealRoute, async (c) => {
		const { dealId } = c.req.valid('param');
		const access = await requireDeal(c, dealId, 'rep');
		const { outcome, reason, note, completeTaskIds = [] } = c.req.valid('json');
		if (outcome === 'lost') {
			const known = (await listLostReasons(c.var.deps.db, access.workspaceId)).map((entry) => entry.label);
			// With an empty list any reason is accepted; otherwise it must be one of the list.
			if (known.length > 0 && !known.includes(reason!)) {
				throw unprocessable('unknown_reason', t(m.error_unknown_reason, { reasons: known.join(', ') }), [
					{ path: 'reason', message: t(m.error_unknown_reason_issue) }
				]);
			}
		}
		await changeDeal(c, dealId, access, (doc) => {
			const foreign = completeTaskIds.filter((taskId) => readTask(doc, taskId)?.dealId !== dealId);
			if (foreign.length > 0) {
				throw unprocessable('unknown_task', t(m.error_unknown_task, { ids: foreign.join(', ') }), [
					{ path: 'completeTaskIds', message: t(m.error_unknown_task_issue) }
				]);
			}
			closeDeal(doc, dealId, outcome, { reason, note }, access.clock, completeTaskIds);
		});
		return c.json({ deal: await dealJson(c, access, dealId) }, 200);
	})
	.openapi(routes.reopenDealRoute, async (c) => {
		const { dealId } = c.req.valid('param');
		const access = await requireDeal(c, dealId, 'rep');
		const { task } = c.req.valid('json');
		if (task.assigneeId) await assertMember(c, access.workspaceId, task.assigneeId, 'task.assigneeId');
		const row = await getDealRow(c.var.deps.db, access, dealId);
		if (!row) throw notFound(t(m.error_deal_not_found));
		const created = await changeBoard(c, access.pipelineId, access.writer, (doc) => {
			// A deal archived off the board comes back as it was, then reopens.
			if (!readDeal(doc, dealId)) restoreDeal(doc, toBoardDeal(row));
			if (readDeal(doc, dealId)!.status === 'open') throw unprocessable('already_open', t(m.error_already_open));
			return reopenDeal(doc, dealId, { id: generateId(), ...task, dueAt: new Date(task.dueAt).toISOString() }, access.clock);
		});
		if (row.archivedAt) await markDealOnBoard(c.var.deps.db, access, dealId);
		return c.json({ deal: await dealJson(c, access, dealId), task: created }, 200);
	})
	.openapi(routes.addTaskRoute, async (c) => {
		const { dealId } = c.req.valid('param');
		const access = await requireDeal(c, dealId, 'rep');
		const body = c.req.valid('json');
		if (body.assigneeId) await assertMember(c, access.workspaceId, body.assigneeId, 'assigneeId');
		const task = await changeDeal(c, dealId, access, (doc) =>
			addTask(doc, dealId, { id: generateId(), ...body, dueAt: new Date(body.dueAt).toISOString() })
		);
		return c.json({ task }, 201);
	})
	.openapi(routes.deleteDealRoute, async (c) => {
		const { dealId } = c.req.valid('param');
		const access = await requireDeal(c, dealId, 'rep');
		const row = await getDealRow(c.var.deps.db, access, dealId);
		if (!row) throw notFound(t(m.error_deal_not_found));
		if (!hasRoleAtLeast(access.role, 'admin') && row.ownerId !== access.writer.userId) throw forbidden(t(m.error_delete_deal_forbidden));
		await moveDealToTrash(c.var.deps.db, c.var.deps.rooms, access, dealId, access.writer, c.var.deps.now());
		await recordDealEvent(c, access, row, 'deal.deleted');
		return c.json({ deal: await dealJson(c, access, dealId) }, 200);
	})
	.openapi(routes.restoreDealRoute, async (c) => {
		const { dealId } = c.req.valid('param');
		const access = await requireDeal(c, dealId, 'rep');
		const row = await getDealRow(c.var.deps.db, access, dealId);
		if (!row) throw notFound(t(m.error_deal_not_found));
		if (!hasRoleAtLeast(access.role, 'admin') && row.ownerId !== access.writer.userId) throw forbidden(t(m.error_delete_deal_forbidden));
		if (!(await restoreDealFromTrash(c.var.deps.db, c.var.deps.rooms, access, dealId, access.writer))) {
			throw unprocessable('not_in_trash', t(m.error_deal_not_in_trash));
		}
		await recordDealEvent(c, access, row, 'deal.restored');
		return c.json({ deal: await dealJson(c, access, dealId) }, 200);
	})
	.openapi(routes.addInteractionRoute, async (c) => {
		const { dealId } = c.req.valid('param');
		const access = await requireDeal(c, dealId, 'rep');
		const { user } = requireAuth(c);
		const body = c.req.valid('json');
		const added = await addInteraction(c.var.deps.db, {
			workspaceId: access.workspaceId,
			dealId,
			kind: body.kind,
			text: body.text,
			at: body.at ? new Date(body.at) : c.var.deps.now(),
			userId: user.id,
			clientId: body.clientId
		});
		if (!added) throw conflict('client_id_taken', t(m.error_client_id_taken));
		const { row } = added;
		if (!added.replayed) {
			await notifyMentions(c.var.deps.db, c.var.deps.notifier, {
				workspaceId: access.workspaceId,
				interactionId: row.id,
				authorId: user.id,
				authorName: user.name,
				text: row.text,
				dealId
			});
		}
		return c.json({ interaction: { id: row.id, kind: row.kind, text: row.text, at: row.at.toISOString(), userId: user.id, userName: user.name } }, 201);
	});

export default router;
