import * as Y from 'yjs';
import { boardMaps } from '../../src/lib/model/board.js';
import { checkDeal, type Violation } from '../../src/lib/model/validate.js';
import { collectChanges, emptyChangeSet, hasChanges, type ChangeSet } from '../board/change-set.js';
import type { TaskDealIndex } from '../board/task-index.js';
import { systemWriter, type Writer } from '../board/writer.js';
import { checkChange, type BoardContext } from '../rules/check-change.js';
import { keyOf, readTouchedEntities, refusedKeys, writeEntities, type TouchedEntity } from '../rules/keep-valid.js';
import { addRepairTask, findUnseenCompletions, type KnownState } from '../rules/repair.js';
import { planRuleTasks, readStageMoves, writeRuleTasks, type PlannedRuleTask, type StageEntryMove, type StageRuleOutcome, type StageRuleSet } from '../rules/stage-entry.js';

/** A refused update rarely breaks more than a few rules; its author hears of the first ones. */
const maxRefusalsReported = 10;
/** Each round refuses at least one more entity; a handful covers any real dependency chain. */
const maxKeepRounds = 5;

export interface GuardOptions {
	doc: Y.Doc;
	index: TaskDealIndex;
	context: () => BoardContext;
	now: () => Date;
	/** An accepted change, for the batch that will carry it to disk. */
	accepted: (changes: ChangeSet, writer: Writer) => void;
	log: (line: string, detail?: unknown) => void;
	/** The board's stage rules; without them no stage makes tasks. */
	stageRules?: () => StageRuleSet;
	/** What the stage rules did (synchronously; the listener queues its own slow work). */
	rulesRan?: (outcomes: StageRuleOutcome[]) => void;
}


/**
 * The rules of a board, applied to every change: applied, checked, and
 * reverted at once if it breaks a rule (an UndoManager tracking the change's
 * origin), so no peer ever sees the refused state. The valid part of a
 * refused peer update is written back (keep-valid.ts), and two valid edits
 * that merge into "a deal without a task" are repaired instead of refused.
 */
export class BoardGuard {
	/**
	 * The time a server change says it happened (sample history written in the
	 * past): its stage entries carry it instead of now. Set only for the
	 * synchronous length of applyServerChange.
	 */
	private changeAt: Date | null = null;

	private collecting: ChangeSet | null = null;

	/** Stage entries accepted and not yet given their rules' tasks. */
	private entries: StageEntryMove[] = [];

	constructor(private readonly options: GuardOptions) {
		options.doc.on('afterTransaction', (transaction: Y.Transaction) => {
			if (this.collecting) collectChanges(options.doc, transaction, this.collecting);
		});
	}

	/**
	 * Applies a peer's update (whose shape was checked). If it breaks a rule it
	 * is reverted, its valid entities are kept, and the violations returned
	 * (the first few, for the author).
	 */
	applyPeerUpdate(writer: Writer, origin: unknown, known: KnownState, update: Uint8Array): Violation[] {
		const { doc, index } = this.options;
		const repairs = new Set<string>();
		const excuse = (found: Violation[]) =>
			found.filter((violation) => {
				const repairable =
					violation.rule === 'deal-without-task' && findUnseenCompletions(doc, violation.id, index.tasksOf(violation.id), known, update).length > 0;
				if (repairable) repairs.add(violation.id);
				return !repairable;
			});
		let touched: TouchedEntity[] = [];
		const violations = this.applyChecked(
			writer,
			origin,
			() => Y.applyUpdate(doc, update, origin),
			excuse,
			(changes) => (touched = readTouchedEntities(doc, changes, index))
		);
		const refused = violations.length > 0 ? this.keepValidPart(writer, touched, violations, excuse) : [];
		if (repairs.size > 0) this.repairDeals([...repairs]);
		this.runStageRules();
		return refused.slice(0, maxRefusalsReported);
	}

	/** A change made by the server on behalf of a writer; returns the violations (nothing kept when any). */
	applyServerChange<T>(writer: Writer, run: (doc: Y.Doc) => T, at?: Date): { result: T; violations: Violation[] } {
		let result!: T;
		const origin = { writer };
		this.changeAt = at ?? null;
		try {
			const violations = this.applyChecked(writer, origin, () => {
				this.options.doc.transact(() => {
					result = run(this.options.doc);
				}, origin);
			});
			this.runStageRules();
			return { result, violations };
		} finally {
			this.changeAt = null;
		}
	}

	/**
	 * Applies what another node accepted and persisted: its author's rights were
	 * checked there, but the merge is checked here: two nodes can each accept
	 * one half of "both tasks completed". Both then repair it, and the repair
	 * task's id, derived from the deal, makes theirs one task.
	 */
	applyTrusted(update: Uint8Array, origin: unknown): void {
		const { doc, index } = this.options;
		const changes = emptyChangeSet();
		this.collecting = changes;
		try {
			Y.applyUpdate(doc, update, origin);
		} finally {
			this.collecting = null;
		}
		if (!hasChanges(changes)) return;
		const broken = checkChange(doc, changes, systemWriter, index, this.options.context()).filter((violation) => violation.rule === 'deal-without-task');
		index.update(doc, changes);
		if (broken.length > 0) this.repairDeals(broken.map((violation) => violation.id));
	}

	/** Gives each deal the merge left without an active task a "Plan the next step" task, as the server. */
	repairDeals(candidates: string[]): void {
		const { doc, index } = this.options;
		// Only deals really without a task: a refused part of the update may have undone it.
		const dealIds = candidates.filter((dealId) =>
			checkDeal(doc, dealId, index.tasksOf(dealId)).some((violation) => violation.rule === 'deal-without-task')
		);
		if (dealIds.length === 0) return;
		const origin = { writer: systemWriter };
		const violations = this.applyChecked(systemWriter, origin, () =>
			doc.transact(() => {
				for (const dealId of dealIds) addRepairTask(doc, dealId, this.options.now());
			}, origin)
		);
		if (violations.length > 0) this.options.log('repair refused', violations);
	}

	/**
	 * Gives each deal that entered a stage with rules the stage's tasks, as
	 * the server, right after the change that moved it: the same batch
	 * carries both to disk and to every open board. Only the node that
	 * accepted the move runs this (applyTrusted does not); the task ids come
	 * from the move, so a replay adds nothing twice. A refused task is
	 * reported and never undoes the move: the move was accepted already.
	 */
	private runStageRules(): void {
		if (this.entries.length === 0) return;
		const moves = this.entries.splice(0);
		const rules = this.options.stageRules!();
		const members = this.options.context().members;
		const planned = moves.flatMap((move) => planRuleTasks(this.options.doc, move, rules, members));
		if (planned.length === 0) return;
		const write = (some: PlannedRuleTask[]) => {
			const origin = { writer: systemWriter, stageRules: true };
			return this.applyChecked(systemWriter, origin, () => this.options.doc.transact(() => writeRuleTasks(this.options.doc, some), origin));
		};
		// All at once when they pass; one by one when not, so one bad template does not hold back the rest.
		const outcomes: StageRuleOutcome[] =
			write(planned).length === 0 ? planned.map((one) => ({ planned: one, violations: [] })) : planned.map((one) => ({ planned: one, violations: write([one]) }));
		this.options.rulesRan?.(outcomes);
	}

	/**
	 * After a peer's update was refused and reverted, writes back the entities
	 * it left valid on the peer's behalf, checked like any change. An entity
	 * that only breaks a rule together with a refused one (a task of a refused
	 * new deal) is refused in the next round.
	 */
	private keepValidPart(writer: Writer, touched: TouchedEntity[], violations: Violation[], excuse: (found: Violation[]) => Violation[]): Violation[] {
		const refusedAll = [...violations];
		let refused = refusedKeys(violations, touched);
		for (let round = 0; refused && round < maxKeepRounds; round += 1) {
			const kept = touched.filter((entity) => !refused!.has(keyOf(entity)));
			if (kept.length === 0) break;
			const origin = { writer, keeping: true };
			const found = this.applyChecked(writer, origin, () => this.options.doc.transact(() => writeEntities(this.options.doc, kept), origin), excuse);
			if (found.length === 0) break;
			refusedAll.push(...found);
			const more = refusedKeys(found, touched);
			refused = more && new Set([...refused, ...more]);
		}
		return refusedAll;
	}

	private applyChecked(
		writer: Writer,
		origin: unknown,
		apply: () => void,
		excuse: (violations: Violation[]) => Violation[] = (violations) => violations,
		beforeRevert?: (changes: ChangeSet) => void
	): Violation[] {
		const { doc, index } = this.options;
		const { meta, stages, deals, tasks } = boardMaps(doc);
		const undo = new Y.UndoManager([meta, stages, deals, tasks], { trackedOrigins: new Set([origin]), captureTimeout: 0 });
		const changes = emptyChangeSet();
		this.collecting = changes;
		try {
			try {
				apply();
			} catch (error) {
				// A writer that fails half-way leaves nothing behind.
				while (undo.canUndo()) undo.undo();
				throw error;
			}
			this.collecting = null;
			if (!hasChanges(changes)) return [];
			const violations = excuse(checkChange(doc, changes, writer, index, this.options.context()));
			if (violations.length > 0) {
				beforeRevert?.(changes);
				// The reversal is broadcast merged with the original, so no peer
				// ever shows the refused state.
				while (undo.canUndo()) undo.undo();
				return violations;
			}
			index.update(doc, changes);
			// Remember who changed each deal, and which stage it entered when:
			// the projection records who moved it, also when batches coalesce.
			const at = this.changeAt ?? this.options.now();
			for (const [dealId, change] of changes.deals) {
				change.by = writer.userId;
				const stageId = change.created || change.fields.has('stageId') ? deals.get(dealId)?.get('stageId') : undefined;
				if (typeof stageId === 'string') change.entered = [{ stageId, by: writer.userId, at }];
			}
			for (const change of changes.tasks.values()) change.by = writer.userId;
			if (changes.stages.size > 0) changes.stagesBy = writer.userId;
			this.options.accepted(changes, writer);
			// History written after the fact (sample data) moved no deal today: its past moves make no tasks.
			if (this.options.stageRules && !this.changeAt) this.entries.push(...readStageMoves(doc, changes, this.options.stageRules(), at));
			return [];
		} finally {
			this.collecting = null;
			undo.destroy();
		}
	}
}
