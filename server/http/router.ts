import { OpenAPIHono, type Hook } from '@hono/zod-openapi';
import type { AppEnv } from './context.js';
import { describeIssues, errorBody } from './errors.js';

/** Every failed validation answers 422 with the issues, in the API's error shape. */
const validationHook: Hook<unknown, AppEnv, string, unknown> = (result, c) => {
	if (result.success) return;
	const { message, issues } = describeIssues(result.error.issues);
	return c.json(errorBody('validation_failed', message, issues), 422);
};

export function createRouter() {
	return new OpenAPIHono<AppEnv>({ strict: false, defaultHook: validationHook });
}
