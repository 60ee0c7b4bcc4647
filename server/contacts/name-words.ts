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

/** At most this many words stand in for one mistyped word, the likeliest first. */
const correctionsPerWord = 4;

/** The candidates read per typed word before they are ranked (see likelier). */
const candidatesPerWord = 8;

/** The letters of a word in order: a pair of swapped letters leaves them as they were. */
const lettersOf = (word: string) => [...word].sort().join('');

interface Candidate {
	typed: string;
	word: string;
	distance: number;
	uses: number;
}

/**
 * The likelier correction first: fewer edits; at equal edits, the same
 * letters (levenshtein counts a swapped pair as two edits, as it does a
 * changed and an added letter, so "viarg" is as far from "varga" as from
 * "virag"); then the word more names use.
 */
function likelier(a: Candidate, b: Candidate): number {
	const sameLetters = (candidate: Candidate) => (lettersOf(candidate.word) === lettersOf(candidate.typed) ? 0 : 1);
	return a.distance - b.distance || sameLetters(a) - sameLetters(b) || b.uses - a.uses || a.word.localeCompare(b.word);
}

/**
 * The words of the workspace's names (name_words, migration 0024) that each
 * typed word may be a typo of, the likeliest first. A word is looked for among the
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
		select typed.word as typed, found.word, found.distance, found.uses
		from unnest(${textArray(typed)}, ${distances}) as typed(word, distance)
		cross join lateral (
			select candidate.word, levenshtein(candidate.word, typed.word) as distance, candidate.uses
			from name_words as candidate
			where candidate.workspace_id = ${workspaceId} and left(candidate.word, 1) = left(typed.word, 1)
				and length(candidate.word) between length(typed.word) - typed.distance and length(typed.word) + typed.distance
				and levenshtein(candidate.word, typed.word) <= typed.distance
			order by distance, candidate.uses desc, candidate.word
			limit ${candidatesPerWord}
		) as found
		where (select true from name_words where workspace_id = ${workspaceId} and word = typed.word) is null`)) as unknown as {
		rows: Array<{ typed: string; word: string; distance: number; uses: number }>;
	};
	const candidates = new Map<string, Candidate[]>();
	for (const row of result.rows) {
		candidates.set(row.typed, [...(candidates.get(row.typed) ?? []), { ...row, distance: Number(row.distance), uses: Number(row.uses) }]);
	}
	return new Map([...candidates].map(([typed, found]) => [typed, found.sort(likelier).slice(0, correctionsPerWord).map((candidate) => candidate.word)]));
}
