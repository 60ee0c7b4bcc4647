import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: { runes: true },
	kit: {
		// A single-page app: everything sits behind a login, so there is nothing
		// to prerender; the server answers unknown paths with this fallback page.
		// Brotli and gzip copies beside each file (the server sends the one the
		// browser accepts): a phone on a mobile network loads a third of the bytes.
		adapter: adapter({ fallback: 'index.html', strict: false, precompress: true }),
		alias: { $model: 'src/lib/model' },
		// src/service-worker.ts is registered by the app itself (src/lib/offline/
		// app-updates.svelte.ts), in production builds only, so that it can offer
		// the "new version" prompt.
		serviceWorker: { register: false },
		// The page's one inline script (the SPA's boot) is allowed by its hash in
		// a <meta> policy; the server's header alone must still allow inline
		// scripts for the API reference page, and both policies apply here.
		csp: { mode: 'hash', directives: { 'script-src': ['self'] } },
		// One script and one stylesheet instead of about sixty chunks: a cold open
		// fetched them in waves (entry, layouts, page, each with its imports)
		// behind HTTP/1.1's six connections, and the service worker precaches the
		// whole app anyway, so splitting saved no bytes (313 KB Brotli as one file
		// against 408 KB as chunks). docs/BENCHMARKS.md has the before and after.
		output: { bundleStrategy: 'single' }
	}
};

export default config;
