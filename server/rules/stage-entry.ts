import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import * as Y from 'yjs';
import { boardMaps } from '../../src/lib/model/board.js';
import type { StageRuleTemplate } from '../../src/lib/model/stage-rules.js';
import type { ChangeSet } from '../board/change-set.js';
import type { Violation } from '../../src/lib/model/validate.js';
import { addWorkingTime, type TeamCalendar } from '../workspaces/working-time.js';

/** A board's stage rules as its room holds them: enabled templates by stage, and the team's calendar. */
export interface StageRuleSet {
	byStage: ReadonlyMap<string, readonly StageRuleTemplate[]>;
	calendar: TeamCalendar;
}

export const noStageRules: StageRuleSet = { byStage: new Map(), calendar: { timeZone: 'UTC', workingHours: { days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' } } };

/** One deal entering one stage: `moveId` names the Yjs item that wrote its `stageId`. */
export interface StageEntryMove {
	dealId: string;
	stageId: string;
	moveId: string;
	at: Date;
}

/** A task a rule will add, and what the log says about it. */
export interface PlannedRuleTask {
	ruleId: string;
	move: StageEntryMove;
	task: { id: string; dealId: string; type: StageRuleTemplate['type']; title: string; dueAt: string; assigneeId: string; done: false; auto: true };
	/** The fixed assignee is no longer a member: the owner got it instead. */
	fallbackFrom?: string;
}

/** One task a stage rule made, or tried to make and was refused. */
export interface StageRuleOutcome {
	planned: PlannedRuleTask;
	violations: Violation[];
}

/** The item that wrote a deal's current `stageId`, read from Yjs internals like repair.ts reads `done`. */
function stageItemOf(deal: Y.Map<unknown>): { client: number; clock: number } | null {
	const item = (deal as unknown as { _map: Map<string, { id: { client: number; clock: number } }> })._map.get('stageId');
	return item ? item.id : null;
}

/**
 * The stage entries of an accepted change that have rules: a deal created in
 * a stage, or moved into another one. A write of the same stage again is no
 * move. The entry is named after the item that wrote `stageId`, which every
 * node holds under the same id, so the same move read twice, on one node or
 * two, is one move; moving out and back is a new write, so a new move.
 */
export function readStageMoves(doc: Y.Doc, changes: ChangeSet, rules: StageRuleSet, at: Date): StageEntryMove[] {
	if (rules.byStage.size === 0) return [];
	const { deals } = boardMaps(doc);
	const moves: StageEntryMove[] = [];
	for (const [dealId, change] of changes.deals) {
		if (change.deleted) continue;
		const deal = deals.get(dealId);
		if (!(deal instanceof Y.Map)) continue;
		const stageId = deal.get('stageId');
		if (typeof stageId !== 'string' || !rules.byStage.has(stageId)) continue;
		const entered = change.created || (change.fields.has('stageId') && change.oldStageId !== undefined && change.oldStageId !== stageId);
		if (!entered) continue;
		const item = stageItemOf(deal);
		if (item) moves.push({ dealId, stageId, moveId: `${item.client}:${item.clock}`, at });
	}
	return moves;
}

/** The id of the task a template made for a move: the same on every node and on every replay. */
export function ruleTaskId(move: StageEntryMove, ruleId: string): string {
	const digest = sha256(new TextEncoder().encode(`${move.dealId}|${move.moveId}|${ruleId}`));
	return `rule-${encodeHexLowerCase(digest).slice(0, 24)}`;
}

/**
 * The tasks the stage's templates make for a move. Nothing for a deal that is
 * not open (only open stages have rules, but a deal can be closed in the same
 * change) or gone, and nothing a replay already made.
 */
export function planRuleTasks(doc: Y.Doc, move: StageEntryMove, rules: StageRuleSet, members: ReadonlySet<string>): PlannedRuleTask[] {
	const { deals, tasks } = boardMaps(doc);
	const deal = deals.get(move.dealId);
	if (!(deal instanceof Y.Map) || deal.get('status') !== 'open' || deal.get('stageId') !== move.stageId) return [];
	const ownerId = deal.get('ownerId') as string;
	const planned: PlannedRuleTask[] = [];
	for (const rule of rules.byStage.get(move.stageId) ?? []) {
		if (!rule.enabled) continue;
		const id = ruleTaskId(move, rule.id);
		if (tasks.has(id)) continue;
		const left = rule.assigneeId !== null && !members.has(rule.assigneeId);
		const assigneeId = rule.assigneeId === null || left ? ownerId : rule.assigneeId;
		const dueAt = addWorkingTime(move.at, rule.dueAmount, rule.dueUnit, rules.calendar).toISOString();
		planned.push({
			ruleId: rule.id,
			move,
			task: { id, dealId: move.dealId, type: rule.type, title: rule.title, dueAt, assigneeId, done: false, auto: true },
			...(left ? { fallbackFrom: rule.assigneeId! } : {})
		});
	}
	return planned;
}

/** Writes planned tasks into the board (inside the caller's transaction). */
export function writeRuleTasks(doc: Y.Doc, planned: PlannedRuleTask[]): void {
	const { tasks } = boardMaps(doc);
	for (const { task } of planned) {
		const { id, ...fields } = task;
		tasks.set(id, new Y.Map<unknown>(Object.entries(fields)));
	}
}
