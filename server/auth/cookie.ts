import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../http/context.js';

export const sessionCookieName = 'voronka_session';

function isSecure(c: Context<AppEnv>): boolean {
	return c.var.deps.config.ORIGIN?.startsWith('https:') ?? false;
}

export function setSessionCookie(c: Context<AppEnv>, token: string, expiresAt: Date): void {
	setCookie(c, sessionCookieName, token, {
		httpOnly: true,
		sameSite: 'Lax',
		secure: isSecure(c),
		path: '/',
		expires: expiresAt
	});
}

export function clearSessionCookie(c: Context<AppEnv>): void {
	deleteCookie(c, sessionCookieName, { path: '/', secure: isSecure(c) });
}

export function readSessionCookie(c: Context<AppEnv>): string | undefined {
	return getCookie(c, sessionCookieName);
}
