import type { StageKind } from '../../src/lib/model/schema.js';

export interface StageTemplate {
	name: string;
	kind: StageKind;
	probability: number;
	rotDays?: number;
	color?: string;
}

/** The stages a new "Sales" pipeline starts with. */
export const defaultStages: StageTemplate[] = [
	{ name: 'New lead', kind: 'open', probability: 10, rotDays: 3, color: '#64748b' },
	{ name: 'Qualified', kind: 'open', probability: 25, rotDays: 7, color: '#0ea5e9' },
	{ name: 'Meeting', kind: 'open', probability: 40, rotDays: 7, color: '#6366f1' },
	{ name: 'Proposal', kind: 'open', probability: 60, rotDays: 10, color: '#a855f7' },
	{ name: 'Negotiation', kind: 'open', probability: 80, rotDays: 14, color: '#f59e0b' },
	{ name: 'Won', kind: 'won', probability: 100, color: '#16a34a' },
	{ name: 'Lost', kind: 'lost', probability: 0, color: '#dc2626' }
];
