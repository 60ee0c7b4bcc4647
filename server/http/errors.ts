import { z } from '@hono/zod-openapi';
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { findLocale, type Locale } from '../i18n/locale.js';
import { renderText, t, type Text } from '../i18n/text.js';
import { m } from '../../src/lib/paraglide/messages.js';
import { renderIssue, valueAtPath } from '../../src/lib/schema-text.js';

/** The one shape every error of the API has. */
export const errorSchema = z
	.object({
		error: z.object({
			code: z.string().openapi({ example: 'validation_failed' }),
			message: z.string().openapi({ example: 'email: Invalid email address' }),
			issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
			candidates: z
				.array(z.object({ id: z.string(), name: z.string(), matchedOn: z.array(z.enum(['phone', 'email', 'taxId', 'name'])) }).passthrough())
				.optional()
				.openapi({ description: 'With `duplicate_candidates`: the records that are probably the same, and why' })
		})
	})
	.openapi('Error');

export type ErrorBody = z.infer<typeof errorSchema>;
/** One refused field: its path and why, rendered in the caller's language when sent. */
export type Issue = { path: string; message: Text };
type RenderedIssue = { path: string; message: string };

/**
 * An error a handler or a domain module throws to answer the client: the
 * status, a stable machine code and a sentence a person can act on, rendered
 * in the caller's language when it is sent (`message` is the English one, for logs).
 */
export class ApiError extends Error {
	constructor(
		readonly status: ContentfulStatusCode,
		readonly code: string,
		readonly text: Text,
		readonly issues?: Issue[],
		readonly headers?: Record<string, string>,
		/** More fields of the error object (the candidates of a duplicate). */
		readonly detail?: Record<string, unknown>
	) {
		super(renderText(text, 'en'));
	}
}

export const badRequest = (code: string, message: Text) => new ApiError(400, code, message);
export const unauthorized = (message: Text = t(m.error_log_in)) =>
	new ApiError(401, 'unauthorized', message);
export const forbidden = (message: Text) => new ApiError(403, 'forbidden', message);
/** 404 with a whole sentence per thing (`t(m.error_deal_not_found)`): Russian needs its gender agreement. */
export const notFound = (message: Text) => new ApiError(404, 'not_found', message);
export const conflict = (code: string, message: Text) => new ApiError(409, code, message);
export const unprocessable = (code: string, message: Text, issues?: Issue[]) =>
	new ApiError(422, code, message, issues);

export function errorBody(code: string, message: string, issues?: RenderedIssue[], detail?: Record<string, unknown>): ErrorBody {
	return { error: { ...detail, code, message, ...(issues ? { issues } : {}) } };
}

/**
 * Turns Zod issues into the API's issue list and a one-line summary, in the
 * caller's language; `input` is what was parsed (Russian messages name the
 * type received).
 */
export function describeIssues(
	issues: readonly z.core.$ZodIssue[],
	locale: Locale = 'en',
	input?: unknown
): { message: string; issues: RenderedIssue[] } {
	const list = issues.map((issue) => ({
		path: issue.path.map(String).join('.') || '(body)',
		message: renderIssue(issue, locale, valueAtPath(input, issue.path))
	}));
	const message = list.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
	return { message, issues: list };
}

export const handleError: ErrorHandler = (error, c) => {
	if (error instanceof ApiError) return respondWith(c, error);
	if (error instanceof HTTPException) return respondWith(c, fromHttpException(error));
	console.error('unhandled error', error);
	return respondWith(c, new ApiError(500, 'internal', t(m.error_internal)));
};

export const handleNotFound: NotFoundHandler = (c) =>
	respondWith(c, new ApiError(404, 'not_found', t(m.error_no_route, { method: c.req.method, path: c.req.path })));

function respondWith(c: Context, error: ApiError) {
	for (const [name, value] of Object.entries(error.headers ?? {})) c.header(name, value);
	const locale = localeOfCaller(c);
	const issues = error.issues?.map((issue) => ({ path: issue.path, message: renderText(issue.message, locale) }));
	return c.json(errorBody(error.code, renderText(error.text, locale), issues, error.detail), error.status);
}

/** The caller's language; their account's when the request got as far as knowing who they are. */
export function localeOfCaller(c: Context): Locale {
	const auth = (c.var as { auth?: { user: { locale: string | null } } | null }).auth;
	return findLocale(c, auth?.user.locale);
}

function fromHttpException(error: HTTPException): ApiError {
	if (error.status === 400 && /json/i.test(error.message)) {
		return new ApiError(400, 'invalid_json', t(m.error_invalid_json));
	}
	if (error.status === 413) {
		return new ApiError(413, 'payload_too_large', t(m.error_payload_too_large));
	}
	// Hono's own exception text is English and not ours to translate; without one, ours is.
	return new ApiError(error.status, `http_${error.status}`, error.message || t(m.error_request_failed));
}
