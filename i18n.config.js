// The one place the message compiler's options live: the Vite plugin (dev and
// build) and scripts/compile-messages.js (before the server, tests and the type
// check run, which import the compiled messages without Vite) both use it.
/** @type {import('@inlang/paraglide-js').CompilerOptions} */
export const paraglideOptions = {
	project: './project.inlang',
	outdir: './src/lib/paraglide',
	// The browser keeps the user's choice in localStorage (copied from their
	// account when /api/me answers), else follows the browser's languages. The
	// server never asks the runtime: it passes the request's locale to every message.
	strategy: ['localStorage', 'preferredLanguage', 'baseLocale'],
	localStorageKey: 'voronka:locale',
	emitReadme: false,
	// Overwrite in place: recreating the folder would touch src/lib's time and
	// make `npm start` think the app's sources changed.
	cleanOutdir: false,
	emitPrettierIgnore: false
};
