import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createDeal, initialiseBoard, moveDeal, updateStage, boardMaps, type Clock } from '../../../src/lib/model/index.js';
import { collectChanges, emptyChangeSet } from '../../../server/board/change-set.js';
import type { Writer } from '../../../server/board/writer.js';
import { checkChange } from '../../../server/rules/check-change.js';

const clock: Clock = { now: () => '2026-11-23T10:00:00.000Z' };
const rep: Writer = { kind: 'member', userId: 'u', role: 'rep' };
const noIndex = { dealOf: () => undefined, tasksOf: (dealId: string) => (dealId === 'd' ? ['t'] : []) };
const context = { pipelineId: 'p', workspaceId: 'w', members: new Set(['u']), dealFields: new Map() };

function strictBoard(): Y.Doc {
	const doc = new Y.Doc();
	initialiseBoard(doc, { pipelineId: 'p', workspaceId: 'w', name: 'P', mode: 'strict' }, [
		{ id: 'lead', name: 'Lead', kind: 'open', probability: 10 },
		{ id: 'qualified', name: 'Qualified', kind: 'open', probability: 30 },
		{ id: 'proposal', name: 'Proposal', kind: 'open', probability: 60, required: ['value', 'company'] },
		{ id: 'won', name: 'Won', kind: 'won', probability: 100 }
	]);
	createDeal(doc, { id: 'd', title: 'Deal', valueMinor: 0, currency: 'EUR', stageId: 'lead', ownerId: 'u' }, { id: 't', type: 'call', title: 'Call', dueAt: clock.now() }, clock);
	return doc;
}

/** Runs a change on the document and checks it as the server would. */
function check(doc: Y.Doc, writer: Writer, change: () => void) {
	const changes = emptyChangeSet();
	const collect = (transaction: Y.Transaction) => collectChanges(doc, transaction, changes);
	doc.on('afterTransaction', collect);
	change();
	doc.off('afterTransaction', collect);
	return checkChange(doc, changes, writer, noIndex, context).map((violation) => violation.rule);
}

describe('strict pipelines', () => {
	it('let a deal move on to the next stage only', () => {
		const doc = strictBoard();
		expect(check(doc, rep, () => moveDeal(doc, 'd', 'proposal', undefined, clock))).toEqual(['strict-move']);
		const fresh = strictBoard();
		expect(check(fresh, rep, () => moveDeal(fresh, 'd', 'qualified', undefined, clock))).toEqual([]);
		expect(check(fresh, rep, () => moveDeal(fresh, 'd', 'lead', undefined, clock))).toEqual(['strict-move']);
	});

	it('hold a deal back until the next stage’s required fields are filled', () => {
		const doc = strictBoard();
		moveDeal(doc, 'd', 'qualified', undefined, clock);
		expect(check(doc, rep, () => moveDeal(doc, 'd', 'proposal', undefined, clock))).toEqual(['required-fields']);
		const again = strictBoard();
		moveDeal(again, 'd', 'qualified', undefined, clock);
		boardMaps(again).deals.get('d')!.set('valueMinor', 500_00);
		boardMaps(again).deals.get('d')!.set('companyId', 'c1');
		expect(check(again, rep, () => moveDeal(again, 'd', 'proposal', undefined, clock))).toEqual([]);
	});

	it('leave free pipelines and the server’s own writes alone', () => {
		const doc = strictBoard();
		expect(check(doc, { kind: 'system', userId: null }, () => moveDeal(doc, 'd', 'proposal', undefined, clock))).toEqual([]);
		const free = strictBoard();
		boardMaps(free).meta.set('mode', 'free');
		expect(check(free, rep, () => moveDeal(free, 'd', 'proposal', undefined, clock))).toEqual([]);
	});

	it('refuse a stage requirement that is not a known field', () => {
		const doc = strictBoard();
		const manager: Writer = { kind: 'member', userId: 'u', role: 'manager' };
		expect(check(doc, manager, () => updateStage(doc, 'lead', { required: ['budget' as 'value'] }))).toEqual(['schema']);
		expect(check(doc, rep, () => updateStage(doc, 'lead', { name: 'Leads' }))).toEqual(['forbidden']);
	});
});
