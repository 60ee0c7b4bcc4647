import type { TaskType } from './schema.js';

/**
 * Stage rules: task templates a stage applies to every deal that enters it
 * (docs/AUTOMATION.md, "Stage rules"). Shared by the server, which stores and
 * runs them, and the settings page, which edits them.
 */
export const stageRuleDueUnits = ['minutes', 'hours', 'days', 'working_hours', 'working_days'] as const;
export type StageRuleDueUnit = (typeof stageRuleDueUnits)[number];

export const stageRuleLimits = {
	/** Templates per stage: a stage that makes more tasks than this is a process, not a rule. */
	perStage: 10,
	/** The due offset's amount, in its unit (a year of days at most). */
	maxDueAmount: 366
} as const;

/** One template as stored and served. `assigneeId` null: the deal's owner. */
export interface StageRuleTemplate {
	id: string;
	title: string;
	type: TaskType;
	dueAmount: number;
	dueUnit: StageRuleDueUnit;
	assigneeId: string | null;
	enabled: boolean;
}
