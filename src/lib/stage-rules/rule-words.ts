import { m } from '$lib/i18n';
import type { StageRuleDueUnit } from '$lib/model/stage-rules';

/** "2 working days", "30 minutes": a rule's due offset as people say it. */
export function dueOffsetText(amount: number, unit: StageRuleDueUnit): string {
	const words = {
		minutes: m.rules_unit_minutes,
		hours: m.rules_unit_hours,
		days: m.rules_unit_days,
		working_hours: m.rules_unit_working_hours,
		working_days: m.rules_unit_working_days
	}[unit];
	return words({ count: amount });
}

/** The unit alone, agreeing with the amount beside it ("1 working day", "2 рабочих дня"). */
export function dueUnitName(unit: StageRuleDueUnit, amount: number): string {
	const words = {
		minutes: m.rules_unit_word_minutes,
		hours: m.rules_unit_word_hours,
		days: m.rules_unit_word_days,
		working_hours: m.rules_unit_word_working_hours,
		working_days: m.rules_unit_word_working_days
	}[unit];
	return words({ count: Number.isFinite(amount) ? amount : 0 });
}
