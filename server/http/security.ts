import type { Context, MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { AppEnv } from './context.js';
import { forbidden } from './errors.js';
import { t } from '../i18n/text.js';
import { m } from '../../src/lib/paraglide/messages.js';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF protection by origin: a browser sends Origin on every state-changing
 * request, so one from another site is refused. Requests without Origin come
 * from scripts (curl, integrations), which cannot ride a victim's cookie.
 */
export const checkOrigin: MiddlewareHandler<AppEnv> = async (c, next) => {
	if (safeMethods.has(c.req.method)) return next();
	assertSameOrigin(c);
	return next();
};

/**
 * Refuses a request whose Origin is another site's. The websocket upgrade is
 * a GET but rides the cookie like a write, so the sync route asks this too.
 */
export function assertSameOrigin(c: Context<AppEnv>): void {
	const origin = c.req.header('origin');
	if (!origin) return;
	const expected = c.var.deps.config.ORIGIN ?? originFromHost(c.req.header('host'), c.req.url);
	if (origin !== expected) throw forbidden(t(m.error_cross_site, { origin }));
}

function originFromHost(host: string | undefined, url: string): string {
	const parsed = new URL(url);
	return `${parsed.protocol}//${host ?? parsed.host}`;
}

export const setSecurityHeaders = secureHeaders({
	// The app, its API reference and its websocket are all served from here.
	contentSecurityPolicy: {
		defaultSrc: ["'self'"],
		scriptSrc: ["'self'", "'unsafe-inline'"],
		styleSrc: ["'self'", "'unsafe-inline'"],
		imgSrc: ["'self'", 'data:', 'blob:'],
		fontSrc: ["'self'", 'data:'],
		connectSrc: ["'self'", 'ws:', 'wss:'],
		workerSrc: ["'self'"],
		manifestSrc: ["'self'"],
		frameAncestors: ["'none'"],
		baseUri: ["'self'"],
		formAction: ["'self'"]
	},
	crossOriginEmbedderPolicy: false,
	referrerPolicy: 'same-origin'
});

/**
 * The same headers for what other sites load: the public forms' endpoint and
 * the embed script. Their resources may be read cross-origin (CORS decides
 * who may, per form); everything else stays as strict as above.
 */
export const setPublicSecurityHeaders = secureHeaders({
	contentSecurityPolicy: { defaultSrc: ["'none'"], styleSrc: ["'unsafe-inline'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
	crossOriginResourcePolicy: 'cross-origin',
	crossOriginEmbedderPolicy: false,
	referrerPolicy: 'same-origin'
});
