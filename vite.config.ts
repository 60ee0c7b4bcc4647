import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';
import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { paraglideOptions } from './i18n.config.js';

const apiTarget = process.env.VORONKA_API ?? 'http://127.0.0.1:3000';

export default defineConfig({
	plugins: [paraglideVitePlugin(paraglideOptions), sveltekit()],
	server: {
		// In development Vite serves the app and the Hono server answers the rest.
		// changeOrigin stays false so the Host header still matches the browser's
		// Origin, which the server's CSRF check compares.
		proxy: {
			'/api': { target: apiTarget },
			'/healthz': { target: apiTarget },
			'/sync': { target: apiTarget, ws: true }
		}
	}
});
