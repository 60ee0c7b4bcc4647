export { initialsOf } from '$lib/format';

const palette = ['#6366f1', '#0ea5e9', '#10b981', '#f59e0b', '#ef4444', '#a855f7', '#ec4899', '#14b8a6', '#f97316', '#64748b'];

/** A stable colour per user, so a person has the same avatar colour for everyone. */
export function colorOf(userId: string): string {
	let hash = 0;
	for (let i = 0; i < userId.length; i++) hash = (hash * 31 + userId.charCodeAt(i)) | 0;
	return palette[Math.abs(hash) % palette.length]!;
}
