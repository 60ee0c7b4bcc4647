import type { Database } from '../db/client.js';
import { listMembers } from '../workspaces/member.js';
import type { Notifier } from './notifier.js';

/** How much of the note the notification quotes. */
const excerptLength = 140;

interface Mentionable {
	userId: string;
	name: string;
	email: string;
}

/**
 * The members a note mentions. The syntax is `@` followed by a member's
 * e-mail address or their display name as the workspace shows it, in any
 * letter case: "@anna@example.com", "@Anna Petrova". The name must end at a
 * word's end, so "@Ann" does not mention "Anna". Longer names are matched
 * first, so "@Anna Petrova" mentions her and not a colleague called "Anna".
 */
export function findMentions(text: string, members: Mentionable[]): Mentionable[] {
	const lower = text.toLocaleLowerCase();
	const found: Mentionable[] = [];
	// Spans already claimed by a longer name: "@Anna Petrova" is not also "@Anna".
	const claimed: Array<[number, number]> = [];
	const candidates = members.flatMap((member) => [member.email, member.name].map((handle) => ({ member, handle: handle.trim().toLocaleLowerCase() })));
	candidates.sort((a, b) => b.handle.length - a.handle.length);
	for (const { member, handle } of candidates) {
		if (handle.length === 0 || found.includes(member)) continue;
		let from = 0;
		for (;;) {
			const at = lower.indexOf(`@${handle}`, from);
			if (at < 0) break;
			const end = at + 1 + handle.length;
			from = at + 1;
			if (/[\p{L}\p{N}_]/u.test(lower[end] ?? '')) continue;
			if (claimed.some(([start, stop]) => at >= start && at < stop)) continue;
			claimed.push([at, end]);
			found.push(member);
			break;
		}
	}
	return found;
}

/**
 * Tells each member a note mentions (not its author) that they were. The
 * note's id is the key: a note sent twice (a retried request) tells once.
 */
export async function notifyMentions(
	db: Database,
	notifier: Notifier,
	note: { workspaceId: string; interactionId: string; authorId: string; authorName: string; text: string; dealId?: string | null; contactId?: string | null }
): Promise<void> {
	if (!note.text.includes('@')) return;
	const members = await listMembers(db, note.workspaceId);
	const mentioned = findMentions(note.text, members).filter((member) => member.userId !== note.authorId);
	const excerpt = note.text.length > excerptLength ? `${note.text.slice(0, excerptLength - 1)}…` : note.text;
	for (const member of mentioned) {
		await notifier.notify({
			workspaceId: note.workspaceId,
			userId: member.userId,
			kind: 'mention',
			params: { by: note.authorName, excerpt },
			dealId: note.dealId ?? null,
			contactId: note.contactId ?? null,
			key: `mention:${note.interactionId}`
		});
	}
}
