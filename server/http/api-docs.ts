import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Scalar } from '@scalar/hono-api-reference';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './context.js';

const require = createRequire(import.meta.url);
// Served from our own origin: the reference page must work with no internet.
const scalarBundlePath = require.resolve('@scalar/api-reference/browser/standalone.js');
let scalarBundle: Promise<string> | null = null;

/** Mounts the OpenAPI document and its readable reference page. */
export function mountApiDocs(app: OpenAPIHono<AppEnv>): void {
	app.openAPIRegistry.registerComponent('securitySchemes', 'session', {
		type: 'apiKey',
		in: 'cookie',
		name: 'voronka_session'
	});
	app.openAPIRegistry.registerComponent('securitySchemes', 'apiToken', {
		type: 'http',
		scheme: 'bearer',
		description: 'A personal API token, created on the account page or with POST /api/tokens.'
	});
	app.doc31('/api/openapi.json', {
		openapi: '3.1.0',
		info: {
			title: 'Voronka API',
			version: '1',
			description:
				'The JSON API of Voronka. Authenticate with the session cookie (browsers) or `Authorization: Bearer <token>` (scripts). Errors always have the shape `{ "error": { "code", "message", "issues"? } }`.'
		},
		security: [{ session: [] }, { apiToken: [] }]
	});
	app.get('/api/docs/scalar.js', async (c) => {
		scalarBundle ??= readFile(scalarBundlePath, 'utf8');
		c.header('Cache-Control', 'public, max-age=86400');
		return c.body(await scalarBundle, 200, { 'Content-Type': 'text/javascript; charset=utf-8' });
	});
	app.get('/api/docs', Scalar({ url: '/api/openapi.json', cdn: '/api/docs/scalar.js', pageTitle: 'Voronka API reference' }));
}
