import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Scalar } from '@scalar/hono-api-reference';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './context.js';

const require = createRequire(import.meta.url);
// Served from our own origin: the reference page must work with no internet.
const scalarBundlePath = require.resolve('@scalar/api-reference/browser/standalone.js');
let scalarBundle: Promise<string> | null = null;

/**
 * Zod, inside the bundle, probes `new Function("")` to decide whether it may
 * compile its parsers. The page's policy forbids eval, so the probe fails and
 * Zod parses without compiling; but Chromium still reports the caught attempt
 * as a policy violation. Answering "no" up front is what Zod's `jitless`
 * setting does (newer Zod skips the probe under it), which the bundle gives
 * no way to set. After an upgrade that changes the probe, the e2e test of
 * this page reports the violation again.
 */
const zodEvalProbe = 'try{return new Function(""),!0}catch(e){return!1}';

async function readScalarBundle(): Promise<string> {
	const source = await readFile(scalarBundlePath, 'utf8');
	return source.replace(zodEvalProbe, 'return!1');
}

/**
 * The reference alone, and nothing from outside: the page's Content-Security-
 * Policy allows only this origin, so every Scalar extra that calls home (its
 * fonts, the "Ask AI" agent and its registry search, the developer toolbar
 * with Share and Deploy, the hosted API client, telemetry) is switched off
 * rather than left to be refused by the browser. Scalar falls back to the
 * system fonts.
 */
const referencePageConfiguration = {
	url: '/api/openapi.json',
	cdn: '/api/docs/scalar.js',
	pageTitle: 'Voronka API reference',
	favicon: '/favicon.svg',
	withDefaultFonts: false,
	telemetry: false,
	agent: { disabled: true },
	showDeveloperTools: 'never',
	hideClientButton: true
} satisfies Parameters<typeof Scalar>[0];

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
		scalarBundle ??= readScalarBundle();
		c.header('Cache-Control', 'public, max-age=86400');
		return c.body(await scalarBundle, 200, { 'Content-Type': 'text/javascript; charset=utf-8' });
	});
	app.get('/api/docs', Scalar(referencePageConfiguration));
}
