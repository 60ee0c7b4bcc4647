import { boardMaps, createDeal, moveDealsToStage, reassignDeal } from '../../../src/lib/model/index.js';
import { generateId } from '../../auth/tokens.js';
import { seedSampleDeals, seedSampleHistory } from '../../demo/seed.js';
import { addSampleTeam } from '../../demo/sample-team.js';
import { noteMemberJoined } from '../../http/connections.js';
import { requireAuth, requirePipeline, requireWorkspace } from '../../http/auth.js';
import { localeOfCaller, notFound, unprocessable } from '../../http/errors.js';
import { listDefaultStages } from '../../pipelines/default-stages.js';
import { createRouter } from '../../http/router.js';
import { listPipelineDeals, type DealListItem } from '../../pipelines/deal-query.js';
import { createPipeline, listVisiblePipelines } from '../../pipelines/pipeline.js';
import { listMemberIds, listMembers } from '../../workspaces/member.js';
import { assertBatchOwners, createDealsOnBoard } from '../deal-batch.js';
import { assertMember, assertOpenStage, assertParties, changeBoard } from '../board-change.js';
import { sendJsonText } from '../serialize.js';
import { recordAuditEvent } from '../../audit/audit-log.js';
import { auditActor } from '../audit-actor.js';
import { assertCustomValues, mergeCustomValues, readFieldFilters } from '../../fields/field-values.js';
import * as routes from './pipelines.routes.js';
import { t } from '../../i18n/text.js';
import { m } from '../../../src/lib/paraglide/messages.js';

const router = createRouter()
	.openapi(routes.listPipelinesRoute, async (c) => {
		const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId);
		const { user } = requireAuth(c);
		return c.json(await listVisiblePipelines(c.var.deps.db, workspace.id, user.id, workspace.role), 200);
	})
	.openapi(routes.listArchivedPipelinesRoute, async (c) => {
		const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId, 'manager');
		const { user } = requireAuth(c);
		return c.json(await listVisiblePipelines(c.var.deps.db, workspace.id, user.id, workspace.role, { archived: true }), 200);
	})
	.openapi(routes.createPipelineRoute, async (c) => {
		const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId, 'manager');
		const body = c.req.valid('json');
		const pipeline = await c.var.deps.db.transaction(async (tx) => {
			const created = await createPipeline(tx, { workspaceId: workspace.id, name: body.name, mode: body.mode, stages: body.stages ?? listDefaultStages(localeOfCaller(c)) });
			await recordAuditEvent(tx, {
				...auditActor(c),
				workspaceId: workspace.id,
				action: 'pipeline.created',
				target: { type: 'pipeline', id: created.id, label: created.name },
				detail: { mode: created.mode },
				at: c.var.deps.now()
			});
			return created;
		});
		return c.json(pipeline, 201);
	})
	.openapi(routes.createDealRoute, async (c) => {
		const { pipelineId } = c.req.valid('param');
		const access = await requirePipeline(c, pipelineId, 'rep');
		const { user } = requireAuth(c);
		const body = c.req.valid('json');
		const ownerId = body.ownerId ?? user.id;
		if (ownerId !== user.id) await assertMember(c, access.pipeline.workspaceId, ownerId, 'ownerId');
		await assertParties(c, access.pipeline.workspaceId, [body]);
		await assertCustomValues(c.var.deps.db, access.pipeline.workspaceId, 'deal', body.custom);
		const clock = { now: () => c.var.deps.now().toISOString() };
		const created = await changeBoard(c, pipelineId, { kind: 'member', userId: user.id, role: access.role }, (doc) =>
			createDeal(
				doc,
				{
					id: generateId(),
					title: body.title,
					valueMinor: body.valueMinor,
					currency: body.currency,
					stageId: assertOpenStage(doc, body.stageId, 'stageId'),
					ownerId,
					contactId: body.contactId,
					companyId: body.companyId,
					expectedCloseDate: body.expectedCloseDate,
					fields: mergeCustomValues({}, body.custom)
				},
				{ id: generateId(), ...body.firstTask, dueAt: new Date(body.firstTask.dueAt).toISOString() },
				clock
			)
		);
		return c.json(created, 201);
	})
	.openapi(routes.createDealsBatchRoute, async (c) => {
		const { pipelineId } = c.req.valid('param');
		const access = await requirePipeline(c, pipelineId, 'rep');
		const { user } = requireAuth(c);
		const { deals } = c.req.valid('json');
		if (deals.some((deal) => deal.ownerId !== undefined && deal.ownerId !== user.id)) {
			assertBatchOwners(deals, await listMemberIds(c.var.deps.db, access.pipeline.workspaceId));
		}
		await assertParties(c, access.pipeline.workspaceId, deals, (index, field) => `deals.${index}.${field}`);
		const clock = { now: () => c.var.deps.now().toISOString() };
		const created = await changeBoard(c, pipelineId, { kind: 'member', userId: user.id, role: access.role }, (doc) =>
			createDealsOnBoard(doc, deals, user.id, clock)
		);
		return c.json({ deals: created }, 201);
	})
	.openapi(routes.bulkUpdateDealsRoute, async (c) => {
		const { pipelineId } = c.req.valid('param');
		const access = await requirePipeline(c, pipelineId, 'rep');
		const { user } = requireAuth(c);
		const { dealIds, changes } = c.req.valid('json');
		if (changes.ownerId) await assertMember(c, access.pipeline.workspaceId, changes.ownerId, 'changes.ownerId');
		const clock = { now: () => c.var.deps.now().toISOString() };
		await changeBoard(c, pipelineId, { kind: 'member', userId: user.id, role: access.role }, (doc) => {
			const { deals } = boardMaps(doc);
			const missing = dealIds.filter((id) => !deals.has(id));
			if (missing.length > 0) {
				throw unprocessable('unknown_deal', t(m.error_unknown_deal, { ids: missing.join(', ') }), [
					{ path: 'dealIds', message: t(m.error_unknown_deal_issue) }
				]);
			}
			if (changes.stageId) moveDealsToStage(doc, dealIds, assertOpenStage(doc, changes.stageId, 'changes.stageId'), clock);
			if (changes.ownerId) for (const dealId of dealIds) reassignDeal(doc, dealId, changes.ownerId, clock);
		});
		return c.json({ updated: dealIds.length }, 200);
	})
	.openapi(routes.listDealsRoute, async (c) => {
		const { pipelineId } = c.req.valid('param');
		const { pipeline } = await requirePipeline(c, pipelineId);
		const query = c.req.valid('query');
		const scope = { workspaceId: pipeline.workspaceId, pipelineId: pipeline.id };
		const fields = await readFieldFilters(c.var.deps.db, pipeline.workspaceId, 'deal', query.field);
		const { dealsJson, total } = await listPipelineDeals(c.var.deps.db, scope, {
			fields,
			stageId: query.stage,
			ownerId: query.owner,
			status: query.status,
			search: query.q,
			trash: query.trash === 'true',
			sort: query.sort,
			order: query.order,
			limit: query.limit,
			offset: query.offset
		});
		return sendJsonText<{ deals: DealListItem[]; total: number }, 200>(c, `{"deals":${dealsJson},"total":${total}}`, 200);
	})
	.openapi(routes.sampleDataRoute, async (c) => {
		const workspace = await requireWorkspace(c, c.req.valid('param').workspaceId, 'manager');
		const { user } = requireAuth(c);
		const body = c.req.valid('json');
		const { db, rooms, now } = c.var.deps;
		const pipelines = await listVisiblePipelines(db, workspace.id, user.id, workspace.role);
		const pipeline = body.pipelineId ? pipelines.find((p) => p.id === body.pipelineId) : pipelines[0];
		if (!pipeline) throw notFound(t(m.error_pipeline_not_found));
		const locale = localeOfCaller(c);
		const seed = body.seed ?? Date.now() % 2_147_483_647;
		const working = (await listMembers(db, workspace.id)).filter((member) => member.role !== 'viewer');
		if (!body.history) {
			const created = await seedSampleDeals(rooms, {
				pipelineId: pipeline.id,
				ownerIds: working.map((member) => member.userId),
				count: body.count,
				writer: { kind: 'member', userId: user.id, role: workspace.role },
				now: now(),
				seed,
				locale
			});
			return c.json({ pipelineId: pipeline.id, created }, 201);
		}
		// Deals are spread over the members who work deals, as a real team's would be; a team of one or two gets sample reps.
		if ((await addSampleTeam(db, { workspaceId: workspace.id, workingMembers: working.length, locale })).length > 0) await noteMemberJoined(c.var.deps, workspace.id);
		const owners = (await listMembers(db, workspace.id)).filter((member) => member.role !== 'viewer').map((member) => ({ userId: member.userId, role: member.role }));
		// Sample names and next steps in the language of whoever asked for them.
		const created = await seedSampleHistory(db, rooms, { workspaceId: workspace.id, pipelineId: pipeline.id, owners, count: body.count, now: now(), seed, locale });
		return c.json({ pipelineId: pipeline.id, created }, 201);
	});

export default router;
