import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { textArray } from './party.js';

/**
 * How far (in edits: a letter added, dropped or changed) a typed word may be
 * from a word of the names and still be taken for it. A swapped pair of
 * letters ("Peetrson") is two edits; a four-letter word gets one, since two
 * edits turn "Иван" into half the short names there are.
 */
export function correctionDistance(word: string): number {
	const length = [...word].length;
	if (length >= 5) return 2;
	return length === 4 ? 1 : 0;
}

/** At most this many words stand in for one mistyped word: the closest, the commonest first. */
const correctionsPerWord = 4;

/**
 * The words of the workspace's names (name_words, migration 0024) that each
 * typed word may be a typo of, closest first. A word is looked for among the
 * words with its first letter and about its length: typos rarely hit the
 * first letter, and those that do are left to search's trigram step (matching
 * by trigrams here too would cost more than the rest: pg_trgm compares a
 * word with every word of the vocabulary, where this is one index range of
 * a few dozen words, well under a millisecond).
 * A word that is itself a word of a name is not corrected ("Thomas" is not
 * a typo of "Tamás" where both are names). Words already normalised
 * (normaliseName); a word with no correction is left out of the answer.
 */
export async function findCorrections(db: Database, workspaceId: string, words: string[]): Promise<Map<string, string[]>> {
	const typed = words.filter((word) => correctionDistance(word) > 0 && !word.includes(' '));
	if (typed.length === 0) return new Map();
	const distances = sql`ARRAY[${sql.join(typed.map((word) => sql`${correctionDistance(word)}`), sql`, `)}]::int[]`;
	// The candidates come from one index range (workspace, first letter,
	// length), and the edit distance is worked out for them only. A typed
	// word that is a word of a name is left alone: a primary-key lookup.
	const result = (await db.execute(sql`
		select typed.word as typed, found.word
		from unnest(${textArray(typed)}, ${distances}) as typed(word, distance)
		cross join lateral (
			select candidate.word, levenshtein(candidate.word, typed.word) as distance, candidate.uses
			from name_words as candidate
			where candidate.workspace_id = ${workspaceId} and left(candidate.word, 1) = left(typed.word, 1)
				and length(candidate.word) between length(typed.word) - typed.distance and length(typed.word) + typed.distance
				and levenshtein(candidate.word, typed.word) <= typed.distance
			order by distance, candidate.uses desc, candidate.word
			limit ${correctionsPerWord}
		) as found
		where (select true from name_words where workspace_id = ${workspaceId} and word = typed.word) is null`)) as unknown as {
		rows: Array<{ typed: string; word: string }>;
	};
	const corrections = new Map<string, string[]>();
	for (const row of result.rows) corrections.set(row.typed, [...(corrections.get(row.typed) ?? []), row.word]);
	return corrections;
}
