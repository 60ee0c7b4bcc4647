import { randomBytes } from 'node:crypto';
import type { Database } from '../db/client.js';
import { memberships } from '../db/schema.js';
import { hashPassword } from '../auth/password.js';
import { insertUser } from '../auth/user.js';
import { generateId } from '../auth/tokens.js';
import type { Locale } from '../i18n/locale.js';

/**
 * Sample members are ordinary users whose email is at this domain (the
 * reserved .invalid top-level domain: no mail reaches it) with a random
 * password nobody knows. Nobody can sign in as them; removing them from the
 * workspace (Settings → Members) takes them out like anyone else, their
 * sample deals staying with them as any leaver's would.
 */
export const sampleMemberDomain = 'sample.voronka.invalid';

const names: Record<Locale, string[]> = {
	en: ['Ivan Petrov', 'Maya Chen', 'Tom Walker'],
	ru: ['Иван Петров', 'Мария Соколова', 'Алексей Смирнов']
};

export function isSampleMember(email: string): boolean {
	return email.endsWith(`@${sampleMemberDomain}`);
}

/**
 * A sales team needs several reps to show anything per rep: a workspace
 * with fewer than three members who work deals gets sample reps up to three.
 * Returns the user ids added.
 */
export async function addSampleTeam(db: Database, input: { workspaceId: string; workingMembers: number; locale: Locale }): Promise<string[]> {
	const missing = Math.max(0, 3 - input.workingMembers);
	const added: string[] = [];
	for (let i = 0; i < missing; i++) {
		const user = await insertUser(db, {
			email: `rep${i + 1}.${generateId()}@${sampleMemberDomain}`,
			name: names[input.locale][i]!,
			passwordHash: await hashPassword(randomBytes(24).toString('base64url'))
		});
		await db.insert(memberships).values({ workspaceId: input.workspaceId, userId: user.id, role: 'rep' }).onConflictDoNothing();
		added.push(user.id);
	}
	return added;
}
