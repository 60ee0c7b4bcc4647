import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono, MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.js';

/** Sent fresh every time: the browser must check for a new version. */
const noCache: MiddlewareHandler<AppEnv> = async (c, next) => {
	await next();
	if (c.res.status === 200) c.header('Cache-Control', 'no-cache');
};

/**
 * Serves the built single-page app: files as they are (or their Brotli or gzip
 * copy), immutable hashed assets cached for a year, the service worker and
 * manifest never cached, and the fallback page for every other path so that
 * the client-side router can take it.
 */
export function mountStaticApp(app: Hono<AppEnv>, buildDir: string): void {
	const root = relative(process.cwd(), resolve(buildDir)) || '.';
	const fallbackPath = join(buildDir, 'index.html');
	let fallback: Promise<string> | null = null;
	app.use('/_app/immutable/*', async (c, next) => {
		await next();
		if (c.res.status === 200) c.header('Cache-Control', 'public, max-age=31536000, immutable');
	});
	// The service worker and the manifest must be fetched fresh, or a browser
	// could keep an old worker (and so an old app) for up to a day.
	app.use('/service-worker.js', noCache);
	app.use('/manifest.webmanifest', noCache);
	// The build's .br and .gz copies, to a browser that accepts them (svelte.config.js).
	app.use('*', serveStatic({ root, precompressed: true }));
	app.get('*', async (c) => {
		if (!existsSync(fallbackPath)) return c.text('The app is not built. Run `npm run build`.', 503);
		fallback ??= readFile(fallbackPath, 'utf8');
		c.header('Cache-Control', 'no-cache');
		return c.html(await fallback);
	});
}
