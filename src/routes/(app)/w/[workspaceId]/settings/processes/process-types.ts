import { m } from '$lib/i18n';

/** The processes as the API lists them; their settings are edited as plain values and checked by the server. */
export const processNames = ['check-in', 'status-promotion', 'at-risk', 'escalation', 'birthday'] as const;
export type ProcessName = (typeof processNames)[number];

export interface CheckInRule {
	segment: string;
	interval: 'monthly' | 'quarterly';
	day: number;
	pipelineId: string;
	title: string;
	type: 'call' | 'meeting' | 'email' | 'todo';
}

export interface ProcessState {
	process: ProcessName;
	enabled: boolean;
	settings: Record<string, unknown>;
}

export interface PipelineOption {
	id: string;
	name: string;
}

export const processTitles: Record<ProcessName, () => string> = {
	'check-in': m.process_name_check_in,
	'status-promotion': m.process_name_status_promotion,
	'at-risk': m.process_name_at_risk,
	escalation: m.process_name_escalation,
	birthday: m.process_name_birthday
};

export const processDescriptions: Record<ProcessName, () => string> = {
	'check-in': m.process_about_check_in,
	'status-promotion': m.process_about_status_promotion,
	'at-risk': m.process_about_at_risk,
	escalation: m.process_about_escalation,
	birthday: m.process_about_birthday
};
