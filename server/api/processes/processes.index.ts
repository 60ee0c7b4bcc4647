import type { Context } from 'hono';
import type { AppEnv } from '../../http/context.js';
import { createRouter } from '../../http/router.js';
import { requireWorkspace } from '../../http/auth.js';
import { describeIssues, errorBody, localeOfCaller, notFound, unprocessable } from '../../http/errors.js';
import { listAutomationLog } from '../../automation/automation-log.js';
import { recordAuditEvent } from '../../audit/audit-log.js';
import { auditActor } from '../audit-actor.js';
import { isLivePipeline, listProcesses, processSettingsSchemas, saveProcess, type ProcessSettings } from '../../processes/settings.js';
import { isWorkspaceMember } from '../../workspaces/member.js';
import { listReportsTo, setReportsTo } from '../../workspaces/reports-to.js';
import { t } from '../../i18n/text.js';
import { m } from '../../../src/lib/paraglide/messages.js';
import type { ProcessName } from '../../db/schema.js';
import * as routes from './processes.routes.js';

/** The pipelines a process's settings name: each must be a live pipeline of the workspace. */
function pipelinesNamed(process: ProcessName, settings: ProcessSettings[ProcessName]): Array<{ path: string; id: string }> {
	if (process === 'check-in') return (settings as ProcessSettings['check-in']).rules.map((rule, index) => ({ path: `settings.rules.${index}.pipelineId`, id: rule.pipelineId }));
	const chosen = (settings as { pipelineId?: string | null }).pipelineId;
	return chosen ? [{ path: 'settings.pipelineId', id: chosen }] : [];
}

const router = createRouter()
	.openapi(routes.listProcessesRoute, async (c) => {
		const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId, 'admin');
		const { db } = c.var.deps;
		return c.json({ processes: await listProcesses(db, workspace.id), reportsTo: await listReportsTo(db, workspace.id) }, 200);
	})
	.openapi(routes.saveProcessRoute, async (c) => {
		const { workspaceId, process } = c.req.valid('param');
		const workspace = await requireWorkspace(c, workspaceId, 'admin');
		const body = c.req.valid('json');
		const { db, now } = c.var.deps;
		const current = (await listProcesses(db, workspace.id)).find((state) => state.process === process)!;
		const parsed = processSettingsSchemas[process].safeParse(body.settings ?? current.settings);
		if (!parsed.success) {
			const issues = parsed.error.issues.map((issue) => ({ ...issue, path: ['settings', ...issue.path] }));
			const { message, issues: rendered } = describeIssues(issues, localeOfCaller(c), body);
			return c.json(errorBody('validation_failed', message, rendered), 422);
		}
		const settings = parsed.data as ProcessSettings[typeof process];
		for (const named of pipelinesNamed(process, settings)) {
			if (!(await isLivePipeline(db, workspace.id, named.id))) {
				throw unprocessable('unknown_pipeline', t(m.process_pipeline_unknown), [{ path: named.path, message: t(m.process_pipeline_unknown) }]);
			}
		}
		await db.transaction(async (tx) => {
			await saveProcess(tx, workspace.id, process, { enabled: body.enabled, settings }, now());
			await recordAuditEvent(tx, {
				...auditActor(c),
				workspaceId: workspace.id,
				action: 'workspace.settings_changed',
				target: { type: 'workspace', id: workspace.id, label: workspace.name },
				detail: { setting: `process:${process}`, from: { enabled: current.enabled, settings: current.settings }, to: { enabled: body.enabled, settings } },
				at: now()
			});
		});
		return c.json({ process: { process, enabled: body.enabled, settings: settings as Record<string, unknown> } }, 200);
	})
	.openapi(routes.processLogRoute, async (c) => {
		const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId, 'admin');
		const query = c.req.valid('query');
		const rows = await listAutomationLog(c.var.deps.db, workspace.id, { kind: 'job', source: query.source, before: query.before, limit: query.limit });
		const entries = rows.map((row) => ({
			id: row.id,
			kind: row.kind,
			source: row.source,
			outcome: row.outcome,
			dealId: row.dealId,
			contactId: row.contactId,
			taskId: row.taskId,
			detail: row.detail,
			at: row.at.toISOString()
		}));
		return c.json({ entries }, 200);
	})
	.openapi(routes.setReportsToRoute, async (c) => {
		const { workspaceId, userId } = c.req.valid('param');
		const workspace = await requireWorkspace(c, workspaceId, 'admin');
		const { reportsTo } = c.req.valid('json');
		if (reportsTo === userId || !(await isWorkspaceMember(c.var.deps.db, workspace.id, reportsTo))) {
			throw unprocessable('unknown_manager', t(m.process_reports_to_unknown), [{ path: 'reportsTo', message: t(m.process_reports_to_unknown) }]);
		}
		await changeReportsTo(c, workspace.id, userId, reportsTo);
		return c.json({ userId, reportsTo }, 200);
	})
	.openapi(routes.clearReportsToRoute, async (c) => {
		const { workspaceId, userId } = c.req.valid('param');
		const workspace = await requireWorkspace(c, workspaceId, 'admin');
		await changeReportsTo(c, workspace.id, userId, null);
		return c.json({ userId, reportsTo: null }, 200);
	});

/** Sets whom a member reports to, audited like the workspace's other settings; 404 for a non-member. */
async function changeReportsTo(c: Context<AppEnv>, workspaceId: string, userId: string, reportsTo: string | null): Promise<void> {
	const { db, now } = c.var.deps;
	const changed = await db.transaction(async (tx) => {
		const result = await setReportsTo(tx, workspaceId, userId, reportsTo);
		if (!result || result.previous === reportsTo) return result;
		await recordAuditEvent(tx, {
			...auditActor(c),
			workspaceId,
			action: 'workspace.settings_changed',
			target: { type: 'user', id: userId, label: null },
			detail: { setting: 'reportsTo', from: result.previous, to: reportsTo },
			at: now()
		});
		return result;
	});
	if (!changed) throw notFound(t(m.error_member_not_found));
}

export default router;
