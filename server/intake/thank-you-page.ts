import type { Locale } from '../i18n/locale.js';
import { m } from '../../src/lib/paraglide/messages.js';

/**
 * The page a plain form post lands on when its form has no thank-you address:
 * small, self-contained (no app, no script), in the form's language, light or
 * dark as the visitor's system is.
 */
export function renderThankYouPage(locale: Locale): string {
	const title = m.intake_thank_you_title({}, { locale });
	const text = m.intake_thank_you_text({}, { locale });
	return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>
:root { color-scheme: light dark; font-family: system-ui, sans-serif; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: Canvas; color: CanvasText; }
main { max-width: 28rem; padding: 2rem 1.5rem; text-align: center; }
h1 { font-size: 1.75rem; margin: 0 0 0.75rem; }
p { font-size: 1.05rem; line-height: 1.5; margin: 0; opacity: 0.85; }
</style>
</head>
<body><main><h1>${title}</h1><p>${text}</p></main></body>
</html>`;
}
