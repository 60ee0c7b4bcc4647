import { getLocale, m } from '$lib/i18n';
import { isFieldFilled, requiredFieldId, type Deal, type RequirableField, type StageRequirement, type Stage } from '$lib/model';

const fieldLabels: Record<RequirableField, () => string> = { value: m.board_field_value, contact: m.board_field_contact, company: m.board_field_company };

/** A custom deal field's label by id; undefined for one archived or unknown (a requirement on it binds no one). */
export type FieldLabel = (fieldId: string) => string | undefined;

/** What a deal lacks of the fields a stage requires. */
export function missingFields(deal: Deal, stage: Stage, fieldLabel: FieldLabel = () => undefined): StageRequirement[] {
	return (stage.required ?? []).filter((field) => {
		const fieldId = requiredFieldId(field);
		if (fieldId !== null) return fieldLabel(fieldId) !== undefined && !isFieldFilled(deal.fields?.[fieldId]);
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
export function strictRefusal(stages: Stage[], deal: Deal, targetStageId: string, fieldLabel: FieldLabel = () => undefined): string | null {
	if (deal.stageId === targetStageId) return null;
	const open = stages.filter((stage) => stage.kind === 'open');
	const from = open.findIndex((stage) => stage.id === deal.stageId);
	const next = open[from + 1];
	if (from === -1 || !next || next.id !== targetStageId) {
		return next
			? m.board_strict_next_only({ deal: deal.title, stage: next.name })
			: m.board_strict_last_stage({ deal: deal.title });
	}
	const missing = missingFields(deal, next, fieldLabel);
	if (missing.length === 0) return null;
	const labelOf = (field: StageRequirement) => {
		const fieldId = requiredFieldId(field);
		return fieldId === null ? fieldLabels[field as RequirableField]() : m.field_label_quoted({ label: fieldLabel(fieldId) ?? fieldId });
	};
	const fields = new Intl.ListFormat(getLocale(), { type: 'conjunction' }).format(missing.map(labelOf));
	return m.board_strict_needs_fields({ stage: next.name, fields });
}
