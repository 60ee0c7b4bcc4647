import { createRouter } from '../../http/router.js';
import { requirePipeline, requireWorkspace } from '../../http/auth.js';
import { notFound, unprocessable } from '../../http/errors.js';
import { generateId } from '../../auth/tokens.js';
import { listStages } from '../../../src/lib/model/board.js';
import { listMemberIds } from '../../workspaces/member.js';
import { listStageRulesOfPipeline, listStageRulesOfWorkspace, replaceStageRules } from '../../automation/stage-rule-store.js';
import { listAutomationLog, type FinishedOutcome } from '../../automation/automation-log.js';
import { recordAuditEvent } from '../../audit/audit-log.js';
import { auditActor } from '../audit-actor.js';
import type { StageRuleTemplate } from '../../../src/lib/model/stage-rules.js';
import * as routes from './stage-rules.routes.js';
import { t } from '../../i18n/text.js';
import { m } from '../../../src/lib/paraglide/messages.js';

const defaultLogPage = 50;

function text(value: unknown): string | null {
	return typeof value === 'string' ? value : null;
}

const router = createRouter()
	.openapi(routes.listPipelineStageRulesRoute, async (c) => {
		const { pipeline } = await requirePipeline(c, c.req.valid('param').pipelineId);
		return c.json({ rules: await listStageRulesOfPipeline(c.var.deps.db, pipeline.id) }, 200);
	})
	.openapi(routes.setStageRulesRoute, async (c) => {
		const { pipelineId, stageId } = c.req.valid('param');
		const { pipeline } = await requirePipeline(c, pipelineId, 'admin');
		const body = c.req.valid('json');
		const { db, rooms, now } = c.var.deps;
		// The board is the truth about stages: the projection may not have a stage added a moment ago.
		const stage = await rooms.withRoom(pipeline.id, async (room) => listStages(room.doc).find((one) => one.id === stageId));
		if (!stage) throw notFound(t(m.rules_error_stage_not_found));
		if (stage.kind !== 'open') throw unprocessable('closed_stage', t(m.rules_error_closed_stage), [{ path: 'stageId', message: t(m.rules_error_closed_stage) }]);
		const members = await listMemberIds(db, pipeline.workspaceId);
		const current = await listStageRulesOfPipeline(db, pipeline.id);
		const ownIds = new Set(current.filter((rule) => rule.stageId === stageId).map((rule) => rule.id));
		const otherIds = new Set(current.filter((rule) => rule.stageId !== stageId).map((rule) => rule.id));
		const seen = new Set<string>();
		const templates: StageRuleTemplate[] = body.rules.map((rule, index) => {
			if (rule.assigneeId !== null && !members.has(rule.assigneeId)) {
				throw unprocessable('invalid_assignee', t(m.rules_error_assignee_not_member), [{ path: `rules.${index}.assigneeId`, message: t(m.rules_error_assignee_not_member) }]);
			}
			if (rule.id && otherIds.has(rule.id)) {
				throw unprocessable('unknown_rule', t(m.rules_error_unknown_rule), [{ path: `rules.${index}.id`, message: t(m.rules_error_unknown_rule) }]);
			}
			// An id the stage does not have (or given twice) is taken as a new template.
			const id = rule.id && ownIds.has(rule.id) && !seen.has(rule.id) ? rule.id : generateId();
			seen.add(id);
			return { id, title: rule.title, type: rule.type, dueAmount: rule.dueAmount, dueUnit: rule.dueUnit, assigneeId: rule.assigneeId, enabled: rule.enabled ?? true };
		});
		const before = current.filter((rule) => rule.stageId === stageId);
		const saved = await db.transaction(async (tx) => {
			const stored = await replaceStageRules(tx, { workspaceId: pipeline.workspaceId, pipelineId: pipeline.id, stageId }, templates, now());
			await recordAuditEvent(tx, {
				...auditActor(c),
				workspaceId: pipeline.workspaceId,
				action: 'stage_rules.changed',
				target: { type: 'stage', id: stageId, label: stage.name },
				detail: { pipelineId: pipeline.id, pipelineName: pipeline.name, from: before.map((rule) => rule.title), to: stored.map((rule) => rule.title) },
				at: now()
			});
			return stored;
		});
		await rooms.stageRulesChanged(pipeline.workspaceId);
		return c.json({ rules: saved }, 200);
	})
	.openapi(routes.listWorkspaceStageRulesRoute, async (c) => {
		const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId, 'admin');
		return c.json({ rules: await listStageRulesOfWorkspace(c.var.deps.db, workspace.id) }, 200);
	})
	.openapi(routes.listStageRuleLogRoute, async (c) => {
		const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId, 'admin');
		const query = c.req.valid('query');
		const limit = query.limit ?? defaultLogPage;
		const rows = await listAutomationLog(c.var.deps.db, workspace.id, { kind: 'stage-rule', before: query.before, limit });
		const entries = rows.map((row) => ({
			id: row.id,
			at: row.at.toISOString(),
			// The stage rule log writes each task's entry after the fact: never pending.
			outcome: row.outcome as FinishedOutcome,
			ruleId: row.source,
			pipelineId: text(row.detail.pipelineId),
			stageId: text(row.detail.stageId),
			dealId: row.dealId,
			dealTitle: text(row.detail.dealTitle),
			taskId: row.taskId,
			title: text(row.detail.title),
			dueAt: text(row.detail.dueAt),
			assigneeId: text(row.detail.assigneeId),
			fallbackFrom: text(row.detail.fallbackFrom),
			refused: Array.isArray(row.detail.refused) ? row.detail.refused.filter((reason): reason is string => typeof reason === 'string') : []
		}));
		return c.json({ entries, next: rows.length === limit ? rows[rows.length - 1]!.id : null }, 200);
	});

export default router;
