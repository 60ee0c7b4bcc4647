import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono, MiddlewareHandler } from 'hono';
import { getMimeType } from 'hono/utils/mime';
import type { AppEnv } from './context.js';

/**
 * Serves the built single-page app: files as they are, immutable hashed assets
 * cached for a year, the service worker and manifest never cached, and the fallback page for every other path so that the
 * client-side router can take it.
 */
const noCache: MiddlewareHandler<AppEnv> = async (c, next) => {
	await next();
	if (c.res.status === 200) c.header('Cache-Control', 'no-cache');
};

export function mountStaticApp(app: Hono<AppEnv>, buildDir: string): void {
	const root = relative(process.cwd(), resolve(buildDir)) || '.';
	const fallbackPath = join(buildDir, 'index.html');
	let fallback: Promise<string> | null = null;
	app.use('/_app/immutable/*', async (c, next) => {
		await next();
		if (c.res.status === 200) c.header('Cache-Control', 'public, max-age=31536000, immutable');
	});
	app.use('/_app/immutable/*', serveImmutable(buildDir));
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

/** A hashed file's path under /_app/immutable/: no dot segments, nothing but what Vite names files with. */
const immutablePath = /^\/_app\/immutable\/(?:[\w-]+\/)*[\w-]+(?:\.[\w-]+)+$/;
/** The compressed copies the build writes beside each file (svelte.config.js), best first. */
const encodings = [
	{ name: 'br', suffix: '.br' },
	{ name: 'gzip', suffix: '.gz' }
] as const;

/**
 * Serves the build's hashed files from memory, each read from disk once.
 * A cold open of the board asks for some sixty of them at once, and the
 * generic file server (a stat, a stream and its conversion per request)
 * made them wait on each other. Their names change with their content, so
 * what was read stays right for as long as this build is served. A name
 * that is not there goes on to the rest of the app, as before.
 */
function serveImmutable(buildDir: string): MiddlewareHandler<AppEnv> {
	const files = new Map<string, Promise<ArrayBuffer | null>>();
	const read = (path: string) => {
		let file = files.get(path);
		if (!file) {
			file = readFile(join(buildDir, path)).then(
				(bytes) => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
				() => {
					// Misses are not kept: anyone may ask for any name, and memory holds only the build's files.
					files.delete(path);
					return null;
				}
			);
			files.set(path, file);
		}
		return file;
	};
	return async (c, next) => {
		const path = c.req.path;
		if ((c.req.method !== 'GET' && c.req.method !== 'HEAD') || !immutablePath.test(path)) return next();
		const original = await read(path);
		if (!original) return next();
		c.header('Content-Type', getMimeType(path) ?? 'application/octet-stream');
		c.header('Vary', 'Accept-Encoding');
		const accepted = new Set((c.req.header('accept-encoding') ?? '').split(',').map((part) => part.trim().split(';')[0]));
		for (const encoding of encodings) {
			if (!accepted.has(encoding.name)) continue;
			const compressed = await read(path + encoding.suffix);
			if (!compressed) continue;
			c.header('Content-Encoding', encoding.name);
			return c.body(compressed, 200);
		}
		return c.body(original, 200);
	};
}
