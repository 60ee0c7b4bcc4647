import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const inputs = ['src', 'static', 'messages', 'project.inlang/settings.json', 'i18n.config.js', 'svelte.config.js', 'vite.config.ts', 'package.json'];
// Generated from messages/ before every start: its files are rewritten each
// time, so their times say nothing (the catalogue's own times do).
const generated = join('src', 'lib', 'paraglide');

function newestMtime(path: string): number {
	if (!existsSync(path) || path.endsWith(generated)) return 0;
	const stat = statSync(path);
	if (!stat.isDirectory()) return stat.mtimeMs;
	let newest = stat.mtimeMs;
	for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
	return newest;
}

/** True when the built app is missing or older than its sources. */
export function isBuildStale(root: string, buildDir: string): boolean {
	const built = join(buildDir, 'index.html');
	if (!existsSync(built)) return true;
	const sources = Math.max(...inputs.map((input) => newestMtime(join(root, input))));
	return sources > statSync(built).mtimeMs;
}

/** Builds the single-page app with Vite when it is missing or stale. */
export function ensureAppBuilt(root: string, buildDir: string, log: (line: string) => void): void {
	if (!isBuildStale(root, buildDir)) return;
	log('Building the web app (first start or sources changed)…');
	const vite = join(root, 'node_modules', '.bin', 'vite');
	// A production build whoever asks: under Vitest NODE_ENV is "test", which
	// would give a development build (Svelte's dev checks, no service worker).
	const env = { ...process.env, NODE_ENV: 'production' };
	const result = spawnSync(vite, ['build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit', env });
	if (result.status !== 0) throw new Error(`The web app build failed (exit ${result.status}).`);
}
