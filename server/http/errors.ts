import { z } from '@hono/zod-openapi';
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** The one shape every error of the API has. */
export const errorSchema = z
	.object({
		error: z.object({
			code: z.string().openapi({ example: 'validation_failed' }),
			message: z.string().openapi({ example: 'email: Invalid email address' }),
			issues: z.array(z.object({ path: z.string(), message: z.string() })).optional()
		})
	})
	.openapi('Error');

export type ErrorBody = z.infer<typeof errorSchema>;
export type Issue = { path: string; message: string };

/**
 * An error a handler or a domain module throws to answer the client: the
 * status, a stable machine code and a sentence a person can act on.
 */
export class ApiError extends Error {
	constructor(
		readonly status: ContentfulStatusCode,
		readonly code: string,
		message: string,
		readonly issues?: Issue[],
		readonly headers?: Record<string, string>
	) {
		super(message);
	}
}

export const badRequest = (code: string, message: string) => new ApiError(400, code, message);
export const unauthorized = (message = 'You need to log in.') =>
	new ApiError(401, 'unauthorized', message);
export const forbidden = (message: string) => new ApiError(403, 'forbidden', message);
export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} was not found.`);
export const conflict = (code: string, message: string) => new ApiError(409, code, message);
export const unprocessable = (code: string, message: string, issues?: Issue[]) =>
	new ApiError(422, code, message, issues);

export function errorBody(code: string, message: string, issues?: Issue[]): ErrorBody {
	return { error: issues ? { code, message, issues } : { code, message } };
}

/** Turns Zod issues into the API's issue list and a one-line summary. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): { message: string; issues: Issue[] } {
	const list = issues.map((issue) => ({
		path: issue.path.map(String).join('.') || '(body)',
		message: issue.message
	}));
	const message = list.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
	return { message, issues: list };
}

export const handleError: ErrorHandler = (error, c) => {
	if (error instanceof ApiError) return respondWith(c, error);
	if (error instanceof HTTPException) return respondWith(c, fromHttpException(error));
	console.error('unhandled error', error);
	return c.json(errorBody('internal', 'Something went wrong on our side. Please try again.'), 500);
};

export const handleNotFound: NotFoundHandler = (c) =>
	c.json(errorBody('not_found', `No route for ${c.req.method} ${c.req.path}.`), 404);

function respondWith(c: Context, error: ApiError) {
	for (const [name, value] of Object.entries(error.headers ?? {})) c.header(name, value);
	return c.json(errorBody(error.code, error.message, error.issues), error.status);
}

function fromHttpException(error: HTTPException): ApiError {
	if (error.status === 400 && /json/i.test(error.message)) {
		return new ApiError(400, 'invalid_json', 'The request body is not valid JSON.');
	}
	if (error.status === 413) {
		return new ApiError(413, 'payload_too_large', 'The request body is too large.');
	}
	return new ApiError(error.status, `http_${error.status}`, error.message || 'Request failed.');
}
