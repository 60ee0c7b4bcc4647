import { getLocale, m } from '$lib/i18n';
import type { Deal, RequirableField, Stage } from '$lib/model';

const fieldLabels: Record<RequirableField, () => string> = { value: m.board_field_value, contact: m.board_field_contact, company: m.board_field_company };

/** What a deal lacks of the fields a stage requires. */
export function missingFields(deal: Deal, stage: Stage): RequirableField[] {
	return (stage.required ?? []).filter((field) => {
		if (field === 'value') return !(deal.valueMinor > 0);
		return !(field === 'contact' ? deal.contactId : deal.companyId);
	});
}

/**
 * Why a strict pipeline refuses moving the deal to another stage, or null
 * when the move is allowed: the same rule as the model's checkStrictMove
 * (only on to the next open stage, with that stage's required fields
 * filled), asked before the move so the board need not offer it.
 */
export function strictRefusal(stages: Stage[], deal: Deal, targetStageId: string): string | null {
	if (deal.stageId === targetStageId) return null;
	const open = stages.filter((stage) => stage.kind === 'open');
	const from = open.findIndex((stage) => stage.id === deal.stageId);
	const next = open[from + 1];
	if (from === -1 || !next || next.id !== targetStageId) {
		return next
			? m.board_strict_next_only({ deal: deal.title, stage: next.name })
			: m.board_strict_last_stage({ deal: deal.title });
	}
	const missing = missingFields(deal, next);
	if (missing.length === 0) return null;
	const fields = new Intl.ListFormat(getLocale(), { type: 'conjunction' }).format(missing.map((field) => fieldLabels[field]()));
	return m.board_strict_needs_fields({ stage: next.name, fields });
}
