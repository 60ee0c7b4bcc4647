/** How the Forms page words a field's target and a log entry. */
import { m } from '$lib/i18n';

export const fieldTargets = ['contact_name', 'contact_email', 'contact_phone', 'company_name', 'message', 'deal_title', 'note'] as const;
export type FieldTarget = (typeof fieldTargets)[number];

const targetWords: Record<FieldTarget, () => string> = {
	contact_name: m.forms_target_contact_name,
	contact_email: m.forms_target_contact_email,
	contact_phone: m.forms_target_contact_phone,
	company_name: m.forms_target_company_name,
	message: m.forms_target_message,
	deal_title: m.forms_target_deal_title,
	note: m.forms_target_note
};

export function targetLabel(target: FieldTarget): string {
	return targetWords[target]();
}

export { taskTypeLabel } from '$lib/deal/types';
