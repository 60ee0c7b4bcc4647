import { OpenAPIHono, type Hook } from '@hono/zod-openapi';
import type { AppEnv } from './context.js';
import { describeIssues, errorBody, localeOfCaller } from './errors.js';

/**
 * Every failed validation answers 422 with the issues, in the API's error
 * shape and the caller's language (the caller is known by now: resolveAuth
 * runs before any route's validation). Hono's validator hands the hook the
 * input it parsed as `data`; the Russian messages name the type received.
 */
const validationHook: Hook<unknown, AppEnv, string, unknown> = (result, c) => {
	if (result.success) return;
	const { message, issues } = describeIssues(result.error.issues, localeOfCaller(c), (result as { data?: unknown }).data);
	return c.json(errorBody('validation_failed', message, issues), 422);
};

export function createRouter() {
	return new OpenAPIHono<AppEnv>({ strict: false, defaultHook: validationHook });
}
