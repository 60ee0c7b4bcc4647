import type { Context } from 'hono';
import { requireAuth, requirePipeline } from '../../http/auth.js';
import type { AppEnv } from '../../http/context.js';
import { forbidden } from '../../http/errors.js';
import { createRouter } from '../../http/router.js';
import { hasRoleAtLeast } from '../../workspaces/roles.js';
import { readActivity } from '../../reports/activity.js';
import { readDynamics } from '../../reports/dynamics.js';
import { readFunnel } from '../../reports/funnel.js';
import { readForecast } from '../../reports/forecast.js';
import { readLostDeals } from '../../reports/lost.js';
import { readRepResults } from '../../reports/results.js';
import { readSalesSummary } from '../../reports/summary.js';
import { readTimeInStage } from '../../reports/time-in-stage.js';
import { readReport, type ReportScope } from '../../reports/scope.js';
import { t } from '../../i18n/text.js';
import { m } from '../../../src/lib/paraglide/messages.js';
import * as routes from './reports.routes.js';

/**
 * Whose figures the caller may read in a pipeline: anyone who sees the
 * pipeline (managers only those they belong to, as everywhere), and below
 * manager only their own; asking for another rep's is refused, not narrowed.
 */
async function reportScope(c: Context<AppEnv>, pipelineId: string, rep: string | undefined): Promise<ReportScope & { workspaceId: string }> {
	const access = await requirePipeline(c, pipelineId);
	const { user } = requireAuth(c);
	if (hasRoleAtLeast(access.role, 'manager')) return { pipelineId, workspaceId: access.pipeline.workspaceId, ownerId: rep ?? null };
	if (rep !== undefined && rep !== user.id) throw forbidden(t(m.error_reports_own_figures_only));
	return { pipelineId, workspaceId: access.pipeline.workspaceId, ownerId: user.id };
}

const router = createRouter()
	.openapi(routes.funnelRoute, async (c) => {
		const { from, to, rep } = c.req.valid('query');
		const scope = await reportScope(c, c.req.valid('param').pipelineId, rep);
		return c.json(await readReport(c.var.deps.db, (db) => readFunnel(db, scope, { from, to })), 200);
	})
	.openapi(routes.lostRoute, async (c) => {
		const { from, to, rep } = c.req.valid('query');
		const scope = await reportScope(c, c.req.valid('param').pipelineId, rep);
		return c.json(await readReport(c.var.deps.db, (db) => readLostDeals(db, scope, { from, to })), 200);
	})
	.openapi(routes.timeInStageRoute, async (c) => {
		const { from, to, rep } = c.req.valid('query');
		const scope = await reportScope(c, c.req.valid('param').pipelineId, rep);
		return c.json({ stages: await readReport(c.var.deps.db, (db) => readTimeInStage(db, scope, { from, to })) }, 200);
	})
	.openapi(routes.forecastRoute, async (c) => {
		const { rep } = c.req.valid('query');
		const scope = await reportScope(c, c.req.valid('param').pipelineId, rep);
		return c.json({ months: await readReport(c.var.deps.db, (db) => readForecast(db, scope)) }, 200);
	})
	.openapi(routes.summaryRoute, async (c) => {
		const { from, to, rep } = c.req.valid('query');
		const scope = await reportScope(c, c.req.valid('param').pipelineId, rep);
		return c.json(await readReport(c.var.deps.db, (db) => readSalesSummary(db, scope, { from, to })), 200);
	})
	.openapi(routes.resultsRoute, async (c) => {
		const { month, rep } = c.req.valid('query');
		const scope = await reportScope(c, c.req.valid('param').pipelineId, rep);
		return c.json({ month, reps: await readReport(c.var.deps.db, (db) => readRepResults(db, scope, month)) }, 200);
	})
	.openapi(routes.activityRoute, async (c) => {
		const { from, to, rep } = c.req.valid('query');
		const scope = await reportScope(c, c.req.valid('param').pipelineId, rep);
		return c.json({ reps: await readReport(c.var.deps.db, (db) => readActivity(db, scope, { from, to })) }, 200);
	})
	.openapi(routes.dynamicsRoute, async (c) => {
		const { from, to, rep, by } = c.req.valid('query');
		const scope = await reportScope(c, c.req.valid('param').pipelineId, rep);
		return c.json({ by, points: await readReport(c.var.deps.db, (db) => readDynamics(db, scope, { from, to }, by)) }, 200);
	});

export default router;
