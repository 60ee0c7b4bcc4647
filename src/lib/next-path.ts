/**
 * The in-app path to return to after logging in, from `?next=`. Only local
 * paths are accepted, so a crafted link cannot send the user to another site.
 */
export function safeNextPath(next: string | null, fallback = '/'): string {
	if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
	return next;
}
