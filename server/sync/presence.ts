import type * as awarenessProtocol from 'y-protocols/awareness';
import { z } from 'zod';
import { readAwarenessEntries, writeAwarenessEntries, type AwarenessEntry } from './protocol.js';

/**
 * What a board's presence may say. The stock y-websocket client announces an
 * empty state, so every field is optional; but a state that names a user must
 * name the one on this connection, or anyone could show a card as held by
 * their manager.
 */
function presenceSchema(userId: string) {
	return z.object({
		user: z
			.object({
				id: z.literal(userId, { error: 'names another user than the one connected' }),
				name: z.string().max(100),
				color: z.string().max(32)
			})
			.optional(),
		holding: z.string().max(64).nullable().optional()
	});
}

export interface PresenceLimits {
	maxPresenceBytes: number;
	maxPresencePerConnection: number;
}

export type PresenceCheck = { update: Uint8Array; problem: null } | { update: null; problem: string };

/**
 * Keeps the entries of a peer's awareness update that are news and its own.
 *
 * The stock client re-sends every presence change it hears, its colleagues'
 * included; such a relay carries a clock the server already has and is
 * dropped without fuss. A new state must be valid and name the peer's user,
 * or the whole message is refused. A peer may take away only the presence it
 * carries (`controlled`), so nobody can hide a colleague.
 */
export function checkPresence(
	awareness: awarenessProtocol.Awareness,
	update: Uint8Array,
	userId: string,
	controlled: ReadonlySet<number>,
	limits: PresenceLimits
): PresenceCheck {
	const schema = presenceSchema(userId);
	const kept: AwarenessEntry[] = [];
	const newIds = new Set<number>();
	let entries: AwarenessEntry[];
	try {
		entries = readAwarenessEntries(update);
	} catch {
		return { update: null, problem: 'presence cannot be decoded' };
	}
	for (const entry of entries) {
		const known = awareness.meta.get(entry.clientId)?.clock ?? 0;
		const removal = entry.json === 'null';
		const news = known < entry.clock || (known === entry.clock && removal && awareness.states.has(entry.clientId));
		if (!news) continue;
		if (removal) {
			if (controlled.has(entry.clientId)) kept.push(entry);
			continue;
		}
		if (entry.json.length > limits.maxPresenceBytes) return { update: null, problem: `a presence state is larger than ${limits.maxPresenceBytes} bytes` };
		if (!controlled.has(entry.clientId) && controlled.size + newIds.size >= limits.maxPresencePerConnection) {
			return { update: null, problem: `one connection may carry at most ${limits.maxPresencePerConnection} presence states` };
		}
		let state: unknown;
		try {
			state = JSON.parse(entry.json);
		} catch {
			return { update: null, problem: 'presence is not JSON' };
		}
		const result = schema.safeParse(state);
		if (!result.success) {
			const issue = result.error.issues[0]!;
			return { update: null, problem: `presence ${issue.path.join('.') || 'state'} ${issue.message}` };
		}
		if (!controlled.has(entry.clientId)) newIds.add(entry.clientId);
		// Re-encoded from the parsed value: fields the schema does not know are not relayed.
		kept.push({ ...entry, json: JSON.stringify(result.data) });
	}
	return { update: writeAwarenessEntries(kept), problem: null };
}
