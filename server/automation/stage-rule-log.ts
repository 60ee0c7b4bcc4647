import type { Database } from '../db/client.js';
import { renderText } from '../i18n/text.js';
import type { StageRuleOutcome } from '../rules/stage-entry.js';
import { logAutomation, type AutomationEntry } from './automation-log.js';

/** What the room knows of an outcome besides the outcome itself (read from the board when it happened). */
export interface StageRuleRun extends StageRuleOutcome {
	workspaceId: string;
	pipelineId: string;
	dealTitle: string | null;
	at: Date;
}

/** The automation log's line for one task a stage rule made or was refused. Keyed by the task id: a replay logs once. */
export function stageRuleEntry(run: StageRuleRun): AutomationEntry {
	const { planned, violations } = run;
	const { task, move } = planned;
	return {
		workspaceId: run.workspaceId,
		kind: 'stage-rule',
		source: planned.ruleId,
		outcome: violations.length === 0 ? 'done' : 'failed',
		dealId: task.dealId,
		taskId: violations.length === 0 ? task.id : null,
		key: task.id,
		at: run.at,
		detail: {
			pipelineId: run.pipelineId,
			stageId: move.stageId,
			title: task.title,
			type: task.type,
			dueAt: task.dueAt,
			assigneeId: task.assigneeId,
			dealTitle: run.dealTitle,
			...(planned.fallbackFrom ? { fallbackFrom: planned.fallbackFrom } : {}),
			...(violations.length > 0 ? { refused: violations.map((violation) => renderText(violation.message, 'en')) } : {})
		}
	};
}

/**
 * Writes stage rule outcomes to the automation log off the room's
 * synchronous path, in the order they happened: one chain of inserts that
 * never rejects (a failed insert is reported and the chain goes on).
 */
export class StageRuleLog {
	private chain: Promise<void> = Promise.resolve();

	constructor(private readonly db: Database) {}

	record(runs: StageRuleRun[]): void {
		const entries = runs.map(stageRuleEntry);
		this.chain = this.chain.then(async () => {
			for (const entry of entries) {
				try {
					await logAutomation(this.db, entry);
				} catch (error) {
					console.error(`stage rules: could not log ${entry.key}`, (error as Error).message);
				}
			}
		});
	}

	/** Resolves once everything recorded so far is written (tests, shutdown). */
	idle(): Promise<void> {
		return this.chain;
	}
}
