-- Hand-written. PL/pgSQL plans each statement of a function once per session and keeps the plan (migration 0033
-- says how that made the stays trigger read the whole stage history on every projection). The names' words
-- triggers (0024) find a renamed or removed contact's or company's words by key; planned while the workspace had
-- a few words, they kept joining them to a scan of every word, for the life of the session (12,000 rows read to
-- rename one contact and remove another among 3,000). With sequential scans off while they run, they are planned
-- on the words' key; the transition tables they read are not affected.
ALTER FUNCTION "name_words_deleted"() SET enable_seqscan = off;--> statement-breakpoint
ALTER FUNCTION "name_words_updated"() SET enable_seqscan = off;
