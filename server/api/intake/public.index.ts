import { Hono, type Context } from 'hono';
import { z } from '@hono/zod-openapi';
import type { AppEnv } from '../../http/context.js';
import { ApiError, describeIssues, errorBody, notFound, unprocessable } from '../../http/errors.js';
import { clientAddress } from '../../http/auth.js';
import { negotiateLocale, type Locale } from '../../i18n/locale.js';
import { renderText, t } from '../../i18n/text.js';
import type { IntakeSourceRow } from '../../db/schema.js';
import { generateId } from '../../auth/tokens.js';
import { logAutomation } from '../../automation/automation-log.js';
import { findFormByKey, findWebhookBySecret, honeypotField } from '../../intake/intake-sources.js';
import { fieldValueLength, messageLength, parseSubmission, type IntakeRequest } from '../../intake/submission.js';
import { runIntake } from '../../intake/intake.js';
import { isStorableText } from '../../../src/lib/model/validate.js';
import { renderThankYouPage } from '../../intake/thank-you-page.js';
import { m } from '../../../src/lib/paraglide/messages.js';

/**
 * The public side of intake: a form's endpoint, which any site may post to
 * (a plain HTML form or the embed script), and the webhooks of email and
 * telephony services. No session and no CSRF check apply here (app.ts
 * exempts these paths): nobody is logged in, so there is no cookie to ride.
 * Instead each request is checked against its form: its allowed origins
 * (CORS), flood limits, size limits and a strict reading of its fields.
 */

const formPost = 'application/x-www-form-urlencoded';
const json = 'application/json';

/** Renders a refusal in the form's language (English before the form is known) with the CORS headers it earned. */
function refuse(c: Context<AppEnv>, error: unknown, locale: Locale, cors: Record<string, string> = {}) {
	if (!(error instanceof ApiError)) throw error;
	for (const [name, value] of Object.entries({ ...cors, ...error.headers })) c.header(name, value);
	const issues = error.issues?.map((issue) => ({ path: issue.path, message: renderText(issue.message, locale) }));
	return c.json(errorBody(error.code, renderText(error.text, locale), issues, error.detail), error.status);
}

/** Where this server itself is (its own settings page may try a form out). */
function ownOrigin(c: Context<AppEnv>): string {
	if (c.var.deps.config.ORIGIN) return c.var.deps.config.ORIGIN;
	const url = new URL(c.req.url);
	return `${url.protocol}//${c.req.header('host') ?? url.host}`;
}

/**
 * The CORS headers a request from `origin` gets, or a 403 for an origin the
 * form does not list. No Origin at all is a server or a script (curl, the
 * site's own backend), which CORS does not concern.
 */
function corsFor(c: Context<AppEnv>, form: IntakeSourceRow): Record<string, string> {
	const origin = c.req.header('origin');
	if (origin === undefined) return {};
	if (origin !== ownOrigin(c) && !form.allowedOrigins.includes(origin)) {
		throw new ApiError(403, 'origin_not_allowed', t(m.intake_error_origin, { origin: origin.slice(0, 200) }));
	}
	return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
}

/** The form of a key, when it takes requests: 404 for none, 410 for one switched off. */
async function requireForm(c: Context<AppEnv>, key: string): Promise<IntakeSourceRow> {
	const form = key.length <= 64 ? await findFormByKey(c.var.deps.db, key) : null;
	if (!form) throw notFound(t(m.intake_error_form_not_found));
	if (!form.enabled) throw new ApiError(410, 'form_disabled', t(m.intake_error_form_disabled));
	return form;
}

function contentTypeOf(c: Context<AppEnv>): string {
	return (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

/** The submitted fields, as JSON or a form post; a name sent twice is refused, not guessed at. */
async function readFields(c: Context<AppEnv>, type: string): Promise<Record<string, unknown>> {
	if (type === formPost) {
		const fields: Record<string, unknown> = {};
		const repeated = new Set<string>();
		for (const [name, value] of new URLSearchParams(await c.req.text())) {
			if (name in fields) repeated.add(name);
			fields[name] = value;
		}
		if (repeated.size > 0) {
			const issues = [...repeated].slice(0, 10).map((path) => ({ path, message: t(m.intake_error_repeated_field) }));
			throw unprocessable('validation_failed', t(m.intake_error_repeated_field), issues);
		}
		return fields;
	}
	let body: unknown;
	try {
		body = JSON.parse(await c.req.text());
	} catch {
		throw new ApiError(400, 'invalid_json', t(m.intake_error_invalid_json));
	}
	if (typeof body !== 'object' || body === null || Array.isArray(body)) throw unprocessable('validation_failed', t(m.intake_error_not_json_object));
	return body as Record<string, unknown>;
}

function assertContentType(type: string, accepted: string[]): void {
	if (!accepted.includes(type)) throw new ApiError(415, 'unsupported_media_type', t(m.intake_error_content_type));
}

async function spendAddress(c: Context<AppEnv>): Promise<void> {
	await c.var.deps.intakeThrottle.spendAddress(clientAddress(c));
}

const webhookBody = z
	.object({
		name: z.string().trim().min(1).max(fieldValueLength).refine(isStorableText),
		email: z.string().trim().max(fieldValueLength).refine(isStorableText).optional(),
		phone: z.string().trim().max(fieldValueLength).refine(isStorableText).optional(),
		company: z.string().trim().max(fieldValueLength).refine(isStorableText).optional(),
		message: z.string().trim().max(messageLength).refine(isStorableText).optional(),
		// The deal's source: a mail service sends 'email', a telephony one 'phone' (the default: 'email').
		source: z.enum(['email', 'phone', 'form']).optional()
	})
	.strict();

const router = new Hono<AppEnv>()
	// The form as the embed script draws it: its fields, the spam trap's name, its thank-you words.
	.get('/forms/:key', async (c) => {
		let locale = negotiateLocale(c.req.header('accept-language'));
		try {
			const form = await requireForm(c, c.req.param('key'));
			locale = form.locale;
			const cors = corsFor(c, form);
			for (const [name, value] of Object.entries(cors)) c.header(name, value);
			return c.json({
				name: form.name,
				locale: form.locale,
				fields: form.fields.map(({ name, label, required, target }) => ({ name, label, required, kind: target === 'message' ? 'textarea' : target === 'contact_email' ? 'email' : target === 'contact_phone' ? 'tel' : 'text' })),
				honeypot: honeypotField,
				submitLabel: m.intake_submit({}, { locale }),
				thankYou: { url: form.thankYouUrl, title: m.intake_thank_you_title({}, { locale }), text: m.intake_thank_you_text({}, { locale }) }
			});
		} catch (error) {
			return refuse(c, error, locale);
		}
	})
	// CORS preflight of a fetch from another site (the embed script sends JSON).
	.options('/forms/:key', async (c) => {
		let locale = negotiateLocale(c.req.header('accept-language'));
		try {
			const form = await requireForm(c, c.req.param('key'));
			locale = form.locale;
			const cors = corsFor(c, form);
			for (const [name, value] of Object.entries(cors)) c.header(name, value);
			c.header('Access-Control-Allow-Methods', 'GET, POST');
			c.header('Access-Control-Allow-Headers', 'Content-Type');
			c.header('Access-Control-Max-Age', '600');
			return c.body(null, 204);
		} catch (error) {
			return refuse(c, error, locale);
		}
	})
	.post('/forms/:key', async (c) => {
		let locale = negotiateLocale(c.req.header('accept-language'));
		let cors: Record<string, string> = {};
		try {
			await spendAddress(c);
			const form = await requireForm(c, c.req.param('key'));
			locale = form.locale;
			cors = corsFor(c, form);
			const type = contentTypeOf(c);
			assertContentType(type, [formPost, json]);
			await c.var.deps.intakeThrottle.spendSource(form.id);
			const parsed = parseSubmission(form.fields, await readFields(c, type));
			let dealId: string;
			if (parsed.spam) {
				// Looks like success to the bot (it learns nothing to work around); the admin sees it in the form's log.
				dealId = generateId();
				await logAutomation(c.var.deps.db, { workspaceId: form.workspaceId, kind: 'intake', source: form.id, outcome: 'skipped', detail: { reason: 'honeypot' }, at: c.var.deps.now() });
			} else {
				dealId = (await runIntake(c.var.deps, form, parsed.request)).dealId;
			}
			for (const [name, value] of Object.entries(cors)) c.header(name, value);
			if (type === json) return c.json({ dealId }, 201);
			return c.redirect(form.thankYouUrl ?? `/api/public/forms/${encodeURIComponent(form.key)}/thanks`, 303);
		} catch (error) {
			return refuse(c, error, locale, cors);
		}
	})
	// Where a plain form post lands when the form has no thank-you address of its own.
	.get('/forms/:key/thanks', async (c) => {
		const form = await findFormByKey(c.var.deps.db, c.req.param('key'));
		const locale = form?.locale ?? negotiateLocale(c.req.header('accept-language'));
		return c.html(renderThankYouPage(locale));
	})
	.post('/webhooks/:secret', async (c) => {
		let locale = negotiateLocale(c.req.header('accept-language'));
		try {
			const webhook = await findWebhookBySecret(c.var.deps.db, c.req.param('secret'));
			if (!webhook) throw notFound(t(m.intake_error_webhook_not_found));
			locale = webhook.locale;
			if (!webhook.enabled) throw new ApiError(410, 'webhook_disabled', t(m.intake_error_form_disabled));
			assertContentType(contentTypeOf(c), [json]);
			await c.var.deps.intakeThrottle.spendSource(webhook.id);
			const parsed = webhookBody.safeParse(await readFields(c, json));
			if (!parsed.success) {
				const { message, issues } = describeIssues(parsed.error.issues, locale, undefined);
				return c.json(errorBody('validation_failed', message, issues), 422);
			}
			const body = parsed.data;
			const request: IntakeRequest = {
				name: body.name,
				email: body.email || null,
				phone: body.phone || null,
				company: body.company || null,
				message: body.message || null,
				titleSuffix: null,
				notes: [],
				channel: body.source ?? 'email'
			};
			const { dealId } = await runIntake(c.var.deps, webhook, request);
			return c.json({ dealId }, 201);
		} catch (error) {
			return refuse(c, error, locale);
		}
	});

export default router;

/** The public intake paths: no session, no CSRF origin check (see above). */
export const publicIntakePath = /^\/api\/public\/(?:forms|webhooks)\//;
