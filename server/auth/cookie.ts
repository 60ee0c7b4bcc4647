import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../http/context.js';

export const sessionCookieName = 'voronka_session';
/** Marks a browser that logged in to an account before; outlives logging out. */
export const deviceCookieName = 'voronka_device';

function isSecure(c: Context<AppEnv>): boolean {
	return c.var.deps.config.ORIGIN?.startsWith('https:') ?? false;
}

function setTokenCookie(c: Context<AppEnv>, name: string, token: string, expiresAt: Date, path: string): void {
	setCookie(c, name, token, {
		httpOnly: true,
		sameSite: 'Lax',
		secure: isSecure(c),
		path,
		expires: expiresAt
	});
}

export function setSessionCookie(c: Context<AppEnv>, token: string, expiresAt: Date): void {
	setTokenCookie(c, sessionCookieName, token, expiresAt, '/');
}

export function clearSessionCookie(c: Context<AppEnv>): void {
	deleteCookie(c, sessionCookieName, { path: '/', secure: isSecure(c) });
}

export function readSessionCookie(c: Context<AppEnv>): string | undefined {
	return getCookie(c, sessionCookieName);
}

// Only the login route reads it, so it is sent nowhere else.
const devicePath = '/api/auth/login';

export function setDeviceCookie(c: Context<AppEnv>, token: string, expiresAt: Date): void {
	setTokenCookie(c, deviceCookieName, token, expiresAt, devicePath);
}

export function readDeviceCookie(c: Context<AppEnv>): string | undefined {
	return getCookie(c, deviceCookieName);
}
