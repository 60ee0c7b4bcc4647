import { readFile } from 'node:fs/promises';
import type { Context } from 'hono';
import type { AppEnv } from '../http/context.js';

// The script lives in static/ (plain JavaScript for any site, no build step); served from here so that
// it carries the cross-origin resource policy a <script> of another site needs, with or without the built app.
const scriptUrl = new URL('../../static/forms/embed.js', import.meta.url);
let script: Promise<string> | null = null;

/** GET /forms/embed.js: the embeddable form script (see static/forms/embed.js). */
export async function serveEmbedScript(c: Context<AppEnv>) {
	script ??= readFile(scriptUrl, 'utf8');
	c.header('Content-Type', 'text/javascript; charset=utf-8');
	c.header('Cache-Control', 'public, max-age=300');
	return c.body(await script);
}
