import { expect, it } from 'vitest';
import { listAuditEvents } from '../../server/audit/audit-log.js';
import { recordDealChanges, recordStageDeletions } from '../../server/audit/board-changes.js';
import { describeEachDatabase } from '../support/databases.js';
import { createTestApp, joinAs, signUp } from '../support/api-client.js';

// The board projection calls these inside its transaction; here they are called alone.
describeEachDatabase('audit log: deal and stage changes from the board', (database) => {
	async function workspaceWithPipeline() {
		const app = createTestApp(database());
		const owner = await signUp(app, { name: 'Olga Owner' });
		const rep = await joinAs(app, owner.client, owner.workspace.id, 'rep');
		const [pipeline] = (await owner.client.get(`/api/workspaces/${owner.workspace.id}/pipelines`)).body;
		return { owner, rep, workspaceId: owner.workspace.id as string, pipeline: pipeline as { id: string; name: string; stages: Array<{ id: string; name: string }> } };
	}

	it('records stage and owner changes with who, the deal, and the names as they were', async () => {
		const { owner, rep, workspaceId, pipeline } = await workspaceWithPipeline();
		const [newLead, qualified] = pipeline.stages;
		const at = new Date('2026-11-30T10:00:00Z');
		const { db } = database();
		await db.transaction((tx) =>
			recordDealChanges(tx, {
				workspaceId,
				pipelineId: pipeline.id,
				at,
				changes: [
					{ dealId: 'deal-1', dealTitle: 'Acme renewal', by: rep.user.id, field: 'stage', from: newLead!.id, to: qualified!.id },
					{ dealId: 'deal-1', dealTitle: 'Acme renewal', by: owner.user.id, field: 'owner', from: owner.user.id, to: rep.user.id },
					{ dealId: 'deal-2', by: null, field: 'stage', from: null, to: newLead!.id }
				]
			})
		);

		const { events } = await listAuditEvents(db, workspaceId, { limit: 10, actions: ['deal.stage_changed', 'deal.owner_changed'] });
		expect(events.map((event) => [event.action, event.targetId])).toEqual([
			['deal.stage_changed', 'deal-2'],
			['deal.owner_changed', 'deal-1'],
			['deal.stage_changed', 'deal-1']
		]);
		const [system, reassigned, moved] = events;
		expect(moved).toMatchObject({
			actorId: rep.user.id,
			actorKind: 'member',
			actorName: 'A rep',
			targetType: 'deal',
			targetLabel: 'Acme renewal',
			at,
			detail: { pipelineId: pipeline.id, pipelineName: 'Sales', from: newLead!.id, to: qualified!.id, fromName: 'New lead', toName: 'Qualified' }
		});
		expect(reassigned).toMatchObject({ actorId: owner.user.id, detail: { fromName: 'Olga Owner', toName: 'A rep' } });
		expect(system).toMatchObject({ actorId: null, actorKind: 'system', targetLabel: null, detail: { from: null, fromName: null, toName: 'New lead' } });

		// The admins read them through the API like every other event.
		const answer = await owner.client.get(`/api/workspaces/${workspaceId}/audit?action=deal.stage_changed`);
		expect(answer.body.events.map((event: { target: { id: string } }) => event.target.id)).toEqual(['deal-2', 'deal-1']);
	});

	it('writes nothing when the transaction it joined rolls back', async () => {
		const { workspaceId, pipeline, rep } = await workspaceWithPipeline();
		const { db } = database();
		const failed = db.transaction(async (tx) => {
			await recordDealChanges(tx, {
				workspaceId,
				pipelineId: pipeline.id,
				at: new Date(),
				changes: [{ dealId: 'deal-1', by: rep.user.id, field: 'stage', from: null, to: pipeline.stages[0]!.id }]
			});
			await recordStageDeletions(tx, { workspaceId, pipelineId: pipeline.id, at: new Date(), stages: [{ stageId: 's', name: 'Old', by: rep.user.id }] });
			throw new Error('the projection failed');
		});
		await expect(failed).rejects.toThrow('the projection failed');
		const { events } = await listAuditEvents(db, workspaceId, { limit: 10, actions: ['deal.stage_changed', 'stage.deleted'] });
		expect(events).toEqual([]);
	});

	it('records deleted stages with their names, and does nothing for an empty batch', async () => {
		const { workspaceId, pipeline, owner } = await workspaceWithPipeline();
		const { db } = database();
		const before = await listAuditEvents(db, workspaceId, { limit: 50 });
		await db.transaction(async (tx) => {
			await recordDealChanges(tx, { workspaceId, pipelineId: pipeline.id, at: new Date(), changes: [] });
			await recordStageDeletions(tx, { workspaceId, pipelineId: pipeline.id, at: new Date(), stages: [] });
		});
		expect(await listAuditEvents(db, workspaceId, { limit: 50 })).toEqual(before);

		await db.transaction((tx) =>
			recordStageDeletions(tx, { workspaceId, pipelineId: pipeline.id, at: new Date(), stages: [{ stageId: 'stage-x', name: 'Demo', by: owner.user.id }] })
		);
		const { events } = await listAuditEvents(db, workspaceId, { limit: 1 });
		expect(events[0]).toMatchObject({
			action: 'stage.deleted',
			actorId: owner.user.id,
			targetType: 'stage',
			targetId: 'stage-x',
			targetLabel: 'Demo',
			detail: { pipelineId: pipeline.id, pipelineName: 'Sales' }
		});
	});
});
