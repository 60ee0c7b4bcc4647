CREATE TABLE "name_words" (
	"workspace_id" text NOT NULL,
	"word" text NOT NULL,
	"uses" integer NOT NULL,
	CONSTRAINT "name_words_workspace_id_word_pk" PRIMARY KEY("workspace_id","word")
);
--> statement-breakpoint
ALTER TABLE "name_words" ADD CONSTRAINT "name_words_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "name_words_first_letter_idx" ON "name_words" USING btree ("workspace_id",left("word", 1),length("word"));--> statement-breakpoint
CREATE INDEX "name_words_unused_idx" ON "name_words" USING btree ("workspace_id") WHERE "name_words"."uses" <= 0;--> statement-breakpoint
-- Search corrects a mistyped word against the names' words by edit distance (levenshtein); PGlite loads the extension too.
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;--> statement-breakpoint
-- The vocabulary follows the names through statement triggers with transition
-- tables: an import of thousands of contacts updates it in one statement, not
-- one upsert per row. A word's count goes up only for names of a live
-- workspace; counts going down only update existing rows, so that deleting a
-- workspace (which cascades to its names and its words at once) never tries
-- to insert a word for a workspace that is gone. Words are upserted in
-- order, so two imports adding the same words wait for each other instead
-- of deadlocking.
CREATE FUNCTION name_words_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO name_words (workspace_id, word, uses)
	SELECT workspace_id, word, count(*) FROM new_rows, unnest(string_to_array(name_key, ' ')) AS word
	WHERE word <> '' GROUP BY workspace_id, word ORDER BY workspace_id, word
	ON CONFLICT (workspace_id, word) DO UPDATE SET uses = name_words.uses + excluded.uses;
	RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION name_words_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE name_words SET uses = name_words.uses - gone.uses
	FROM (
		SELECT workspace_id, word, count(*) AS uses FROM old_rows, unnest(string_to_array(name_key, ' ')) AS word
		WHERE word <> '' GROUP BY workspace_id, word
	) AS gone
	WHERE name_words.workspace_id = gone.workspace_id AND name_words.word = gone.word;
	DELETE FROM name_words WHERE uses <= 0;
	RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION name_words_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	-- Only renamed rows count. One statement adds the words gained and takes
	-- off those lost: each word has one net change, so the two never touch
	-- the same row (a temporary table would outlive the statement on a pooled
	-- connection).
	WITH renamed AS (
		SELECT o.workspace_id AS old_workspace, o.name_key AS old_name, n.workspace_id AS new_workspace, n.name_key AS new_name
		FROM old_rows o JOIN new_rows n ON n.id = o.id
		WHERE o.name_key IS DISTINCT FROM n.name_key
	), delta AS (
		SELECT workspace_id, word, sum(change) AS change FROM (
			SELECT new_workspace AS workspace_id, word, 1 AS change FROM renamed, unnest(string_to_array(new_name, ' ')) AS word
			UNION ALL
			SELECT old_workspace, word, -1 FROM renamed, unnest(string_to_array(old_name, ' ')) AS word
		) AS changes
		WHERE word <> '' GROUP BY workspace_id, word
	), gained AS (
		INSERT INTO name_words (workspace_id, word, uses)
		SELECT workspace_id, word, change FROM delta WHERE change > 0 ORDER BY workspace_id, word
		ON CONFLICT (workspace_id, word) DO UPDATE SET uses = name_words.uses + excluded.uses
	)
	UPDATE name_words SET uses = name_words.uses + delta.change
	FROM delta
	WHERE delta.change < 0 AND name_words.workspace_id = delta.workspace_id AND name_words.word = delta.word;
	DELETE FROM name_words WHERE uses <= 0;
	RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER contacts_name_words_inserted AFTER INSERT ON contacts REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION name_words_inserted();--> statement-breakpoint
CREATE TRIGGER contacts_name_words_deleted AFTER DELETE ON contacts REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION name_words_deleted();--> statement-breakpoint
CREATE TRIGGER contacts_name_words_updated AFTER UPDATE ON contacts REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION name_words_updated();--> statement-breakpoint
CREATE TRIGGER companies_name_words_inserted AFTER INSERT ON companies REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION name_words_inserted();--> statement-breakpoint
CREATE TRIGGER companies_name_words_deleted AFTER DELETE ON companies REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION name_words_deleted();--> statement-breakpoint
CREATE TRIGGER companies_name_words_updated AFTER UPDATE ON companies REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION name_words_updated();--> statement-breakpoint
-- The names there are already.
INSERT INTO name_words (workspace_id, word, uses)
SELECT workspace_id, word, count(*) FROM (
	SELECT workspace_id, name_key FROM contacts UNION ALL SELECT workspace_id, name_key FROM companies
) AS names, unnest(string_to_array(name_key, ' ')) AS word
WHERE word <> '' GROUP BY workspace_id, word;
