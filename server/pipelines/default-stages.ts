import type { StageKind } from '../../src/lib/model/schema.js';
import { m } from '../../src/lib/paraglide/messages.js';
import type { Locale } from '../i18n/locale.js';

export interface StageTemplate {
	name: string;
	kind: StageKind;
	probability: number;
	rotDays?: number;
	color?: string;
}

/**
 * The stages a new pipeline starts with, named in its creator's language
 * (once created they are the workspace's own words and stay as they are).
 */
export function listDefaultStages(locale: Locale): StageTemplate[] {
	const named = (message: (inputs: object, options: { locale: Locale }) => string) => message({}, { locale });
	return [
		{ name: named(m.default_stage_new_lead), kind: 'open', probability: 10, rotDays: 3, color: '#64748b' },
		{ name: named(m.default_stage_qualified), kind: 'open', probability: 25, rotDays: 7, color: '#0ea5e9' },
		{ name: named(m.default_stage_meeting), kind: 'open', probability: 40, rotDays: 7, color: '#6366f1' },
		{ name: named(m.default_stage_proposal), kind: 'open', probability: 60, rotDays: 10, color: '#a855f7' },
		{ name: named(m.default_stage_negotiation), kind: 'open', probability: 80, rotDays: 14, color: '#f59e0b' },
		{ name: named(m.default_stage_won), kind: 'won', probability: 100, color: '#16a34a' },
		{ name: named(m.default_stage_lost), kind: 'lost', probability: 0, color: '#dc2626' }
	];
}

/** The English stages (benchmarks and tests build boards from them). */
export const defaultStages: StageTemplate[] = listDefaultStages('en');

/** The name of a workspace's first pipeline: "Sales", "Продажи". */
export function defaultPipelineName(locale: Locale): string {
	return m.default_pipeline_name({}, { locale });
}
