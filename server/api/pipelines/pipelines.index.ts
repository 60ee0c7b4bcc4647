import { createRouter } from '../../http/router.js';
import { requireAuth, requirePipeline, requireWorkspace } from '../../http/auth.js';
import { unprocessable } from '../../http/errors.js';
import { generateId } from '../../auth/tokens.js';
import { createPipeline, listVisiblePipelines } from '../../pipelines/pipeline.js';
import { listPipelineDeals } from '../../pipelines/deal-query.js';
import { isWorkspaceMember } from '../../workspaces/member.js';
import { createDeal, listStages } from '../../../src/lib/model/index.js';
import { RefusedChange } from '../../sync/room.js';
import { listMembers } from '../../workspaces/member.js';
import { seedSampleDeals } from '../../demo/seed.js';
import { notFound } from '../../http/errors.js';
import * as routes from './pipelines.routes.js';

const router = createRouter()
	.openapi(routes.listPipelinesRoute, async (c) => {
		const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId);
		const { user } = requireAuth(c);
		return c.json(await listVisiblePipelines(c.var.deps.db, workspace.id, user.id, workspace.role), 200);
	})
	.openapi(routes.createPipelineRoute, async (c) => {
		const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId, 'manager');
		const body = c.req.valid('json');
		const pipeline = await c.var.deps.db.transaction((tx) =>
			createPipeline(tx, { workspaceId: workspace.id, name: body.name, mode: body.mode, stages: body.stages })
		);
		return c.json(pipeline, 201);
	})
	.openapi(routes.createDealRoute, async (c) => {
		const { pipelineId } = c.req.valid('param');
		const access = await requirePipeline(c, pipelineId, 'rep');
		const { user } = requireAuth(c);
		const body = c.req.valid('json');
		const { db, rooms, now } = c.var.deps;
		const ownerId = body.ownerId ?? user.id;
		if (ownerId !== user.id && !(await isWorkspaceMember(db, access.pipeline.workspaceId, ownerId))) {
			throw unprocessable('unknown_owner', 'ownerId: The owner must be a member of the workspace.', [
				{ path: 'ownerId', message: 'Not a member of this workspace.' }
			]);
		}
		const writer = { kind: 'member' as const, userId: user.id, role: access.role };
		const clock = { now: () => now().toISOString() };
		try {
			const created = await rooms.withRoom(pipelineId, (room) =>
				room.change(writer, (doc) => {
					const open = listStages(doc).filter((stage) => stage.kind === 'open');
					const stageId = body.stageId ?? open[0]?.id;
					if (!stageId || !open.some((stage) => stage.id === stageId)) {
						throw unprocessable('unknown_stage', 'stageId: Not an open stage of this pipeline.', [
							{ path: 'stageId', message: 'Not an open stage of this pipeline.' }
						]);
					}
					return createDeal(
						doc,
						{ id: generateId(), title: body.title, valueMinor: body.valueMinor, currency: body.currency, stageId, ownerId, contactId: body.contactId, companyId: body.companyId },
						{ id: generateId(), ...body.firstTask, dueAt: new Date(body.firstTask.dueAt).toISOString() },
						clock
					);
				})
			);
			return c.json(created, 201);
		} catch (error) {
			if (error instanceof RefusedChange) {
				const first = error.violations[0]!;
				throw unprocessable(`rule_${first.rule.replaceAll('-', '_')}`, first.message);
			}
			throw error;
		}
	})
	.openapi(routes.listDealsRoute, async (c) => {
		const { pipelineId } = c.req.valid('param');
		await requirePipeline(c, pipelineId);
		const query = c.req.valid('query');
		const deals = await listPipelineDeals(c.var.deps.db, pipelineId, {
			stageId: query.stage,
			ownerId: query.owner,
			status: query.status,
			search: query.q,
			limit: query.limit,
			offset: query.offset
		});
		return c.json(
			{
				deals: deals.map(({ pipelineId: _p, workspaceId: _w, rank: _r, ...deal }) => ({
					...deal,
					status: deal.status as 'open' | 'won' | 'lost',
					createdAt: deal.createdAt.toISOString(),
					updatedAt: deal.updatedAt.toISOString(),
					closedAt: deal.closedAt?.toISOString() ?? null,
					stageEnteredAt: deal.stageEnteredAt.toISOString(),
					nextTask: deal.nextTask && { ...deal.nextTask, dueAt: deal.nextTask.dueAt.toISOString() }
				}))
			},
			200
		);
	})
	.openapi(routes.sampleDataRoute, async (c) => {
	const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId, 'manager');
	const { user } = requireAuth(c);
	const body = c.req.valid('json');
	const { db, rooms, now } = c.var.deps;
	const pipelines = await listVisiblePipelines(db, workspace.id, user.id, workspace.role);
	const pipeline = body.pipelineId ? pipelines.find((p) => p.id === body.pipelineId) : pipelines[0];
	if (!pipeline) throw notFound('Pipeline');
	// Deals are spread over the members who work deals, as a real team's would be.
	const members = await listMembers(db, workspace.id);
	const ownerIds = members.filter((m) => m.role !== 'viewer').map((m) => m.userId);
	const created = await seedSampleDeals(rooms, {
		pipelineId: pipeline.id,
		ownerIds,
		count: body.count,
		writer: { kind: 'member', userId: user.id, role: workspace.role },
		now: now(),
		seed: Date.now()
	});
	return c.json({ pipelineId: pipeline.id, created }, 201);
});

export default router;
