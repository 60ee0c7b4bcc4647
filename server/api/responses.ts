import { errorSchema } from '../http/errors.js';
import { jsonResponse } from './schemas.js';

/** The error responses a route may document, by status. */
export const errors = {
	400: jsonResponse(errorSchema, 'Malformed request (for example invalid JSON)'),
	401: jsonResponse(errorSchema, 'Not logged in, or the API token is invalid'),
	403: jsonResponse(errorSchema, 'Logged in but not allowed'),
	404: jsonResponse(errorSchema, 'Not found, or not visible to the caller'),
	409: jsonResponse(errorSchema, 'Conflicts with the current state'),
	410: jsonResponse(errorSchema, 'No longer usable'),
	413: jsonResponse(errorSchema, 'The request body is too large'),
	422: jsonResponse(errorSchema, 'The input did not validate; `issues` says where'),
	429: jsonResponse(errorSchema, 'Too many attempts; see Retry-After')
} as const;
