// Puts the theme chosen on this device on <html> before the first paint, so a
// dark page never flashes light. A blocking file rather than an inline script:
// the page's CSP allows 'self' and hashes only SvelteKit's own boot script.
// src/lib/theme.svelte.ts keeps the theme applied afterwards; the storage key
// and the colours here must match it.
(function () {
	var choice = null;
	try {
		choice = localStorage.getItem('voronka.theme');
	} catch (error) {
		// Storage refused: follow the system.
	}
	var dark = choice === 'dark' || (choice !== 'light' && window.matchMedia('(prefers-color-scheme: dark)').matches);
	document.documentElement.setAttribute('data-theme', dark ? 'dark' : 'light');
	var meta = document.querySelector('meta[name="theme-color"]');
	if (meta) meta.setAttribute('content', dark ? '#141c2a' : '#ffffff');
})();
