CREATE INDEX "stage_events_deal_history_idx" ON "stage_events" USING btree ("pipeline_id","deal_id","at","id");--> statement-breakpoint
-- Hand-written (not generated): the stays trigger of migration 0014 computed the ends of the changed deals' stays
-- with one join against the whole table. The planner knows nothing of the transition table's size and hashes it
-- against a scan of stage_events, so every projection of a few moves cost time in proportion to all the history
-- ever kept (on PGlite about 0.2 ms per thousand stage entries; a year of a busy board made each projection hold
-- the one connection for a tenth of a second). Now a statement that touched a few deals reworks each deal's history
-- through stage_events_deal_history_idx; a bulk statement (over 200 deals) keeps the one-pass plan. Same values.
CREATE OR REPLACE FUNCTION "stage_events_keep_stays"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	one record;
BEGIN
	-- A bulk write (sample history, a load, a purge): one pass over the table is the cheaper plan.
	IF (SELECT count(*) FROM (SELECT DISTINCT c."pipeline_id", c."deal_id" FROM "changed" AS c LIMIT 201) AS k) > 200 THEN
		UPDATE "stage_events" AS e SET "left_at" = n."ended"
		FROM (
			SELECT s."id", coalesce(
				lead(s."at") OVER (PARTITION BY s."pipeline_id", s."deal_id" ORDER BY s."at", s."id"),
				CASE WHEN d."status" <> 'open' AND d."closed_at" >= s."at" THEN d."closed_at" END
			) AS "ended"
			FROM "stage_events" AS s
			LEFT JOIN "deals" AS d ON d."id" = s."deal_id" AND d."pipeline_id" = s."pipeline_id"
			WHERE (s."pipeline_id", s."deal_id") IN (SELECT DISTINCT c."pipeline_id", c."deal_id" FROM "changed" AS c)
		) AS n
		WHERE e."id" = n."id" AND e."left_at" IS DISTINCT FROM n."ended";
		UPDATE "deals" AS d SET "reached_stage_ids" = r."ids"
		FROM (
			SELECT c."pipeline_id", c."deal_id",
				coalesce(array_agg(DISTINCT s."to_stage_id" ORDER BY s."to_stage_id") FILTER (WHERE s."to_stage_id" IS NOT NULL), '{}'::text[]) AS "ids"
			FROM (SELECT DISTINCT "pipeline_id", "deal_id" FROM "changed") AS c
			LEFT JOIN "stage_events" AS s ON s."pipeline_id" = c."pipeline_id" AND s."deal_id" = c."deal_id"
			GROUP BY c."pipeline_id", c."deal_id"
		) AS r
		WHERE d."pipeline_id" = r."pipeline_id" AND d."id" = r."deal_id" AND d."reached_stage_ids" IS DISTINCT FROM r."ids";
		RETURN NULL;
	END IF;
	-- The projection's few deals: each deal's history through its index, whatever the table's size.
	FOR one IN SELECT DISTINCT c."pipeline_id", c."deal_id" FROM "changed" AS c LOOP
		WITH "n" AS MATERIALIZED (
			SELECT s."id", s."left_at", coalesce(
				lead(s."at") OVER (ORDER BY s."at", s."id"),
				CASE WHEN d."status" <> 'open' AND d."closed_at" >= s."at" THEN d."closed_at" END
			) AS "ended"
			FROM "stage_events" AS s
			LEFT JOIN "deals" AS d ON d."id" = one."deal_id" AND d."pipeline_id" = one."pipeline_id"
			WHERE s."pipeline_id" = one."pipeline_id" AND s."deal_id" = one."deal_id"
		)
		UPDATE "stage_events" AS e SET "left_at" = n."ended"
		FROM "n" WHERE e."id" = n."id" AND n."left_at" IS DISTINCT FROM n."ended";
		UPDATE "deals" AS d SET "reached_stage_ids" = x."ids"
		FROM (
			SELECT coalesce(array_agg(DISTINCT s."to_stage_id" ORDER BY s."to_stage_id") FILTER (WHERE s."to_stage_id" IS NOT NULL), '{}'::text[]) AS "ids"
			FROM "stage_events" AS s WHERE s."pipeline_id" = one."pipeline_id" AND s."deal_id" = one."deal_id"
		) AS x
		WHERE d."id" = one."deal_id" AND d."pipeline_id" = one."pipeline_id" AND d."reached_stage_ids" IS DISTINCT FROM x."ids";
	END LOOP;
	RETURN NULL;
END;
$$;
