-- Hand-written: the stays trigger's path for a projection's few deals (migration 0022) ran two statements per
-- changed deal in a PL/pgSQL loop. A projection of ten moves ran twenty, and on PGlite the stage entries' insert
-- with this trigger was the largest part of the projection transaction that every update-log append waits behind
-- (5.7 ms of 13.7 at 200 moves/s over 20 boards). The same values now come from two statements for all the deals
-- of the statement, each deal's history still read through stage_events_deal_history_idx (a LATERAL subquery per
-- deal). The bulk path (over 200 deals) is unchanged.
CREATE OR REPLACE FUNCTION "stage_events_keep_stays"() RETURNS trigger LANGUAGE plpgsql AS $$
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
	-- The projection's few deals: each deal's history read through its index (LATERAL, so the planner cannot hash
	-- the whole table), in two statements for all of them rather than two per deal.
	UPDATE "stage_events" AS e SET "left_at" = n."ended"
	FROM (
		SELECT h."id", h."left_at", coalesce(
			lead(h."at") OVER (PARTITION BY k."pipeline_id", k."deal_id" ORDER BY h."at", h."id"),
			CASE WHEN d."status" <> 'open' AND d."closed_at" >= h."at" THEN d."closed_at" END
		) AS "ended"
		FROM (SELECT DISTINCT c."pipeline_id", c."deal_id" FROM "changed" AS c) AS k
		CROSS JOIN LATERAL (
			SELECT s."id", s."at", s."left_at" FROM "stage_events" AS s
			WHERE s."pipeline_id" = k."pipeline_id" AND s."deal_id" = k."deal_id"
		) AS h
		LEFT JOIN "deals" AS d ON d."id" = k."deal_id" AND d."pipeline_id" = k."pipeline_id"
	) AS n
	WHERE e."id" = n."id" AND n."left_at" IS DISTINCT FROM n."ended";
	UPDATE "deals" AS d SET "reached_stage_ids" = r."ids"
	FROM (
		SELECT k."pipeline_id", k."deal_id", x."ids"
		FROM (SELECT DISTINCT c."pipeline_id", c."deal_id" FROM "changed" AS c) AS k
		CROSS JOIN LATERAL (
			SELECT coalesce(array_agg(DISTINCT s."to_stage_id" ORDER BY s."to_stage_id") FILTER (WHERE s."to_stage_id" IS NOT NULL), '{}'::text[]) AS "ids"
			FROM "stage_events" AS s WHERE s."pipeline_id" = k."pipeline_id" AND s."deal_id" = k."deal_id"
		) AS x
	) AS r
	WHERE d."pipeline_id" = r."pipeline_id" AND d."id" = r."deal_id" AND d."reached_stage_ids" IS DISTINCT FROM r."ids";
	RETURN NULL;
END;
$$;
