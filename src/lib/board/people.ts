export { initialsOf } from '$lib/format';

// Initials on each take dark or white text, whichever reads at 4.5:1 or more (see $lib/contrast).
const palette = ['#4f46e5', '#0ea5e9', '#10b981', '#f59e0b', '#ef4444', '#a855f7', '#ec4899', '#14b8a6', '#f97316', '#64748b'];

/** A stable colour per user, so a person has the same avatar colour for everyone. */
export function colorOf(userId: string): string {
	let hash = 0;
	for (let i = 0; i < userId.length; i++) hash = (hash * 31 + userId.charCodeAt(i)) | 0;
	return palette[Math.abs(hash) % palette.length]!;
}
