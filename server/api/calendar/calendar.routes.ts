import { createRoute, z } from '@hono/zod-openapi';
import { errors } from '../responses.js';
import { jsonResponse } from '../schemas.js';

const tags = ['Calendar'];

export const getCalendarFeedRoute = createRoute({
	method: 'get',
	path: '/me/calendar',
	tags,
	summary: 'Whether the caller has a calendar feed, and since when. Its address is shown only when made',
	responses: { 200: jsonResponse(z.object({ active: z.boolean(), createdAt: z.string().nullable() }), 'The feed'), 401: errors[401] }
});

export const resetCalendarFeedRoute = createRoute({
	method: 'post',
	path: '/me/calendar/reset',
	tags,
	summary: 'Make a new secret address for the caller’s calendar feed; the previous one stops working at once',
	responses: { 200: jsonResponse(z.object({ url: z.string(), createdAt: z.string() }), 'The new address (shown this once)'), 401: errors[401] }
});

export const calendarFeedRoute = createRoute({
	method: 'get',
	path: '/calendar/{feed}',
	tags,
	summary: 'A user’s open tasks as iCalendar (text/calendar), opened by the secret in its address; no login',
	request: { params: z.object({ feed: z.string().max(100).openapi({ example: 'abc…xyz.ics' }) }) },
	responses: {
		200: { description: 'The calendar', content: { 'text/calendar': { schema: z.string() } } },
		404: errors[404]
	}
});
