import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createDeal, initialiseBoard, moveDeal, type Clock } from '../../../src/lib/model/index.js';
import { collectChanges, emptyChangeSet } from '../../../server/board/change-set.js';
import { planRuleTasks, readStageMoves, writeRuleTasks, type StageRuleSet } from '../../../server/rules/stage-entry.js';

const clock: Clock = { now: () => '2026-11-23T10:00:00.000Z' };
const at = new Date('2026-11-23T10:00:00.000Z');
const rules: StageRuleSet = {
	byStage: new Map([['proposal', [{ id: 'send', title: 'Send the proposal', type: 'email', dueAmount: 2, dueUnit: 'days', assigneeId: null, enabled: true }]]]),
	calendar: { timeZone: 'UTC', workingHours: { days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' } }
};

function board(): Y.Doc {
	const doc = new Y.Doc();
	initialiseBoard(doc, { pipelineId: 'p', workspaceId: 'w', name: 'P', mode: 'free' }, [
		{ id: 'lead', name: 'Lead', kind: 'open', probability: 10 },
		{ id: 'proposal', name: 'Proposal', kind: 'open', probability: 60 }
	]);
	createDeal(doc, { id: 'd', title: 'Deal', valueMinor: 0, currency: 'EUR', stageId: 'lead', ownerId: 'u' }, { id: 't', type: 'call', title: 'Call', dueAt: clock.now() }, clock);
	return doc;
}

/** The stage moves a change made, as the guard reads them from an accepted change. */
function movesOf(doc: Y.Doc, change: () => void) {
	const changes = emptyChangeSet();
	const collect = (transaction: Y.Transaction) => collectChanges(doc, transaction, changes);
	doc.on('afterTransaction', collect);
	change();
	doc.off('afterTransaction', collect);
	return readStageMoves(doc, changes, rules, at);
}

describe('stage entries', () => {
	it('name a move after its stage write, so two nodes that apply the same update plan the same task', () => {
		const origin = board();
		const [move] = movesOf(origin, () => moveDeal(origin, 'd', 'proposal', undefined, clock));
		// Another node: the same board and move, from the update log.
		const other = new Y.Doc();
		Y.applyUpdate(other, Y.encodeStateAsUpdate(origin));
		expect(move).toBeDefined();
		const planned = planRuleTasks(origin, move!, rules, new Set(['u']));
		expect(planned).toHaveLength(1);
		expect(planRuleTasks(other, move!, rules, new Set(['u']))[0]!.task.id).toBe(planned[0]!.task.id);
		expect(planned[0]!.task).toMatchObject({ dealId: 'd', assigneeId: 'u', dueAt: '2026-11-25T10:00:00.000Z', auto: true });
	});

	it('plan nothing for a replayed move whose tasks exist, and new tasks for a move out and back', () => {
		const doc = board();
		const [first] = movesOf(doc, () => moveDeal(doc, 'd', 'proposal', undefined, clock));
		writeRuleTasks(doc, planRuleTasks(doc, first!, rules, new Set(['u'])));
		expect(planRuleTasks(doc, first!, rules, new Set(['u']))).toEqual([]);
		expect(movesOf(doc, () => moveDeal(doc, 'd', 'proposal', 'zz', clock))).toEqual([]);
		expect(movesOf(doc, () => moveDeal(doc, 'd', 'lead', undefined, clock))).toEqual([]);
		const [again] = movesOf(doc, () => moveDeal(doc, 'd', 'proposal', undefined, clock));
		expect(again!.moveId).not.toBe(first!.moveId);
		expect(planRuleTasks(doc, again!, rules, new Set(['u']))).toHaveLength(1);
	});

	it('give a fixed assignee who is no longer a member’s task to the owner', () => {
		const doc = board();
		const fixed: StageRuleSet = { ...rules, byStage: new Map([['proposal', [{ ...rules.byStage.get('proposal')![0]!, assigneeId: 'gone' }]]]) };
		const changes = emptyChangeSet();
		doc.on('afterTransaction', (transaction) => collectChanges(doc, transaction, changes));
		moveDeal(doc, 'd', 'proposal', undefined, clock);
		const [move] = readStageMoves(doc, changes, fixed, at);
		expect(planRuleTasks(doc, move!, fixed, new Set(['u']))[0]).toMatchObject({ fallbackFrom: 'gone', task: { assigneeId: 'u' } });
		expect(planRuleTasks(doc, move!, fixed, new Set(['u', 'gone']))[0]!.task.assigneeId).toBe('gone');
	});
});
