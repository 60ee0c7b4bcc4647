import { hc, type ClientResponse } from 'hono/client';
import type { AppType } from '../../../server/app';
import { goto } from '$app/navigation';
import { getLocale, m } from '$lib/i18n';

/**
 * The typed API client: a route change that breaks the UI breaks the type check.
 * Every request names the language on screen, so the server's messages match it.
 */
export const api = hc<AppType>('/', { headers: () => ({ 'Accept-Language': getLocale() }) });

export interface Issue {
	path: string;
	message: string;
}

/** A non-2xx answer of the API, in the API's one error shape. */
export class ApiFailure extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly issues: Issue[] = [],
		/** The error object as the server sent it, for fields some errors add (a duplicate's `candidates`). */
		readonly detail: Record<string, unknown> = {}
	) {
		super(message);
		this.name = 'ApiFailure';
	}

	/** The message of the issue at `path` (e.g. "password"), if any. */
	issue(path: string): string | undefined {
		return this.issues.find((issue) => issue.path === path)?.message;
	}
}

type AnyResponse = ClientResponse<unknown, number, string>;
type SuccessStatus = 200 | 201 | 204;
/** The body type of the 2xx answers of a typed request. */
export type SuccessBody<R> =
	R extends ClientResponse<infer Body, infer Status, infer _Format>
		? Status extends SuccessStatus
			? Body
			: never
		: never;

export interface CallOptions {
	/**
	 * By default a 401 sends the user to the login page and comes back after.
	 * Pages where 401 is an answer, not a lost session (login, probing "am I
	 * logged in?"), turn that off and handle the ApiFailure themselves.
	 */
	redirectOn401?: boolean;
}

/**
 * Awaits a typed request and returns the body of a 2xx answer; anything else
 * is thrown as an ApiFailure, so pages handle only the happy path and a catch.
 */
export async function call<R extends AnyResponse>(
	request: Promise<R>,
	options: CallOptions = {}
): Promise<SuccessBody<R>> {
	let response: R;
	try {
		response = await request;
	} catch {
		throw new ApiFailure(0, 'network', m.common_error_network());
	}
	if (response.ok) {
		const body = response.status === 204 ? undefined : await response.json();
		return body as SuccessBody<R>;
	}
	const failure = await readFailure(response);
	if (failure.status === 401 && options.redirectOn401 !== false) redirectToLogin();
	throw failure;
}

async function readFailure(response: AnyResponse): Promise<ApiFailure> {
	try {
		const body = (await response.json()) as { error?: { code?: string; message?: string; issues?: Issue[] } & Record<string, unknown> };
		const error = body.error;
		if (error?.message) {
			return new ApiFailure(response.status, error.code ?? 'unknown', error.message, error.issues ?? [], error);
		}
	} catch {
		// Not JSON: a proxy or a crash answered; fall through to a generic message.
	}
	return new ApiFailure(response.status, `http_${response.status}`, m.common_error_generic());
}

export function loginPath(next: string): string {
	return `/login?next=${encodeURIComponent(next)}`;
}

// While the user logs out on purpose, the 401s of the page they leave must not
// race the way to /login with a "come back here" redirect of their own.
let leaving = false;

/** Runs a deliberate log-out: no 401 meanwhile turns into a redirect. */
export async function whileLeaving(steps: () => Promise<void>): Promise<void> {
	leaving = true;
	try {
		await steps();
	} finally {
		leaving = false;
	}
}

function redirectToLogin(): void {
	const here = location.pathname + location.search;
	if (leaving || location.pathname === '/login') return;
	void goto(loginPath(here), { replaceState: true });
}

/** The message to show for any thrown value. */
export function messageOf(error: unknown): string {
	if (error instanceof ApiFailure) return error.message;
	return m.common_error_generic();
}

/**
 * The message for a banner above a form: null when every issue of the failure
 * is shown next to one of the form's own fields already.
 */
export function bannerMessage(error: unknown, fields: readonly string[]): string | null {
	if (!error) return null;
	if (error instanceof ApiFailure && error.issues.length > 0) {
		const covered = error.issues.every((issue) => fields.includes(issue.path));
		if (covered) return null;
	}
	return messageOf(error);
}

/** The message for one field, from a failure's per-field issues. */
export function fieldError(error: unknown, path: string): string | undefined {
	return error instanceof ApiFailure ? error.issue(path) : undefined;
}
