-- Hand-written. The stays trigger's per-deal path (migration 0027) writes the ends of a few entries, found by id,
-- and their deals' reached stages. PL/pgSQL plans each statement once per session and keeps the plan: planned while
-- stage history was small (the first moves after a start on a young database), the update joined its few rows to a
-- scan of the whole stage_events table, and every projection after it read the table whole, ever longer. With
-- sequential scans off while that path plans and runs, its rows are found through their indexes at any size.
-- The bulk path (over 200 deals) is planned as before. Same values. Measured on PGlite, a projection's ten moves,
-- stage history grown to 3,000 entries: the left_at update 3.9 ms with the scan, 1.2 ms through the indexes.
CREATE OR REPLACE FUNCTION "stage_events_keep_stays"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	seqscan text;
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
	-- The few deals' rows are found through their indexes, whatever size the table had when this function's plans
	-- were made (they are made once per session and kept: a scan planned on a small table stayed a scan).
	seqscan := current_setting('enable_seqscan');
	PERFORM set_config('enable_seqscan', 'off', true);
	-- The projection's few deals: only the end of each deal's history can change, from the entry before the
	-- earliest one written (or removed) onwards, so only that suffix is read, through the index, and the ends are
	-- worked out over it (a suffix in (at, id) order gives each of its entries the same next entry as the whole
	-- history). Reading whole histories made the insert's cost grow with every move a deal had ever made.
	UPDATE "stage_events" AS e SET "left_at" = n."ended"
	FROM (
		SELECT h."id", h."left_at", coalesce(
			lead(h."at") OVER (PARTITION BY k."pipeline_id", k."deal_id" ORDER BY h."at", h."id"),
			CASE WHEN d."status" <> 'open' AND d."closed_at" >= h."at" THEN d."closed_at" END
		) AS "ended"
		FROM (
			SELECT c."pipeline_id", c."deal_id", coalesce((
				SELECT max(p."at") FROM "stage_events" AS p
				WHERE p."pipeline_id" = c."pipeline_id" AND p."deal_id" = c."deal_id" AND p."at" < min(c."at")
			), '-infinity'::timestamptz) AS "from_at"
			FROM "changed" AS c GROUP BY c."pipeline_id", c."deal_id"
		) AS k
		CROSS JOIN LATERAL (
			SELECT s."id", s."at", s."left_at" FROM "stage_events" AS s
			WHERE s."pipeline_id" = k."pipeline_id" AND s."deal_id" = k."deal_id" AND s."at" >= k."from_at"
			OFFSET 0 -- keeps the subquery apart: a join the planner flattened read the whole table
		) AS h
		LEFT JOIN "deals" AS d ON d."id" = k."deal_id" AND d."pipeline_id" = k."pipeline_id"
	) AS n
	WHERE e."id" = n."id" AND n."left_at" IS DISTINCT FROM n."ended";
	-- A deal's reached stages gain what was written; a removal is worked out again from the deal's history.
	IF TG_OP = 'INSERT' THEN
		UPDATE "deals" AS d SET "reached_stage_ids" = r."ids"
		FROM (
			SELECT k."pipeline_id", k."deal_id",
				ARRAY(SELECT DISTINCT u FROM unnest(coalesce(x."reached_stage_ids", '{}'::text[]) || k."added") AS u WHERE u IS NOT NULL ORDER BY u) AS "ids"
			FROM (
				SELECT c."pipeline_id", c."deal_id", array_agg(c."to_stage_id") AS "added"
				FROM "changed" AS c GROUP BY c."pipeline_id", c."deal_id"
			) AS k
			JOIN "deals" AS x ON x."id" = k."deal_id" AND x."pipeline_id" = k."pipeline_id"
		) AS r
		WHERE d."pipeline_id" = r."pipeline_id" AND d."id" = r."deal_id" AND d."reached_stage_ids" IS DISTINCT FROM r."ids";
		PERFORM set_config('enable_seqscan', seqscan, true);
		RETURN NULL;
	END IF;
	UPDATE "deals" AS d SET "reached_stage_ids" = r."ids"
	FROM (
		SELECT k."pipeline_id", k."deal_id", x."ids"
		FROM (SELECT DISTINCT c."pipeline_id", c."deal_id" FROM "changed" AS c) AS k
		CROSS JOIN LATERAL (
			SELECT coalesce(array_agg(DISTINCT s."to_stage_id" ORDER BY s."to_stage_id") FILTER (WHERE s."to_stage_id" IS NOT NULL), '{}'::text[]) AS "ids"
			FROM "stage_events" AS s WHERE s."pipeline_id" = k."pipeline_id" AND s."deal_id" = k."deal_id"
			OFFSET 0
		) AS x
	) AS r
	WHERE d."pipeline_id" = r."pipeline_id" AND d."id" = r."deal_id" AND d."reached_stage_ids" IS DISTINCT FROM r."ids";
	PERFORM set_config('enable_seqscan', seqscan, true);
	RETURN NULL;
END;
$$;
