import type { FormField } from '../db/schema.js';
import { ApiError, unprocessable, type Issue } from '../http/errors.js';
import { isStorableText } from '../../src/lib/model/validate.js';
import { normaliseEmail } from '../contacts/normalise.js';
import { t, type Text } from '../i18n/text.js';
import { m } from '../../src/lib/paraglide/messages.js';
import { honeypotField } from './intake-sources.js';

/**
 * A request as the intake takes it, whatever it came through: what the
 * person said about themselves and what they asked. Forms and the webhook
 * both turn their input into this, after checking it strictly.
 */
export interface IntakeRequest {
	name: string;
	email: string | null;
	phone: string | null;
	company: string | null;
	message: string | null;
	/** Added to the deal's title ("Request from website: Anna Petrova — Delivery"). */
	titleSuffix: string | null;
	/** The other answers, as "Label: value" lines of the interaction. */
	notes: { label: string; value: string }[];
	/** How it came in: the deal's source and the interaction's kind follow it. */
	channel: 'form' | 'email' | 'phone';
}

/** Longest value of one field; the message may be longer. Bodies are capped before this (publicBodyBytes). */
export const fieldValueLength = 500;
export const messageLength = 5000;

/** A form's submission: spam (the trap was filled) or the request, else a 4xx naming each refused field. */
export type ParsedSubmission = { spam: true } | { spam: false; request: IntakeRequest };

/**
 * Checks a submission against the form's fields: unknown names are refused
 * (naming them), required ones must be filled, every value is text of a
 * bounded length, and an email must look like one. A filled honeypot makes
 * it spam, whatever else it holds.
 */
export function parseSubmission(fields: FormField[], input: Record<string, unknown>): ParsedSubmission {
	const trap = input[honeypotField];
	if (typeof trap === 'string' ? trap.trim() !== '' : trap !== undefined && trap !== null) return { spam: true };
	const known = new Map(fields.map((field) => [field.name, field]));
	const unknown = Object.keys(input).filter((name) => name !== honeypotField && !known.has(name));
	if (unknown.length > 0) {
		const names = unknown.slice(0, 10).join(', ');
		throw unprocessable(
			'unknown_fields',
			t(m.intake_error_unknown_fields, { names }),
			unknown.slice(0, 10).map((path) => ({ path, message: t(m.intake_error_unknown_field) }))
		);
	}
	const issues: Issue[] = [];
	const values = new Map<FormField, string>();
	for (const field of fields) {
		const raw = input[field.name];
		if (raw !== undefined && raw !== null && typeof raw !== 'string') {
			issues.push({ path: field.name, message: t(m.intake_error_not_text) });
			continue;
		}
		const value = (raw ?? '').trim();
		const problem = checkValue(field, value);
		if (problem) issues.push({ path: field.name, message: problem });
		else if (value) values.set(field, value);
	}
	if (issues.length > 0) throw refusal(issues);
	const one = (target: FormField['target']) => [...values].find(([field]) => field.target === target)?.[1] ?? null;
	return {
		spam: false,
		request: {
			name: one('contact_name')!,
			email: one('contact_email'),
			phone: one('contact_phone'),
			company: one('company_name'),
			message: one('message'),
			titleSuffix: one('deal_title'),
			notes: [...values].filter(([field]) => field.target === 'note').map(([field, value]) => ({ label: field.label, value })),
			channel: 'form'
		}
	};
}

function checkValue(field: FormField, value: string): Text | null {
	if (!value) return field.required ? t(m.intake_error_required) : null;
	const max = field.target === 'message' ? messageLength : fieldValueLength;
	if (value.length > max) return t(m.error_at_most_characters, { count: max });
	if (!isStorableText(value)) return t(m.intake_error_not_text);
	if (field.target === 'contact_email' && !normaliseEmail(value)) return t(m.error_email_invalid);
	return null;
}

function refusal(issues: Issue[]): ApiError {
	const text: Text = (locale) => issues.map((issue) => `${issue.path}: ${typeof issue.message === 'string' ? issue.message : issue.message(locale)}`).join('; ');
	return unprocessable('validation_failed', text, issues);
}
