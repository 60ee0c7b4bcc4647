DROP INDEX "stage_events_pipeline_idx";--> statement-breakpoint
ALTER TABLE "deals" ADD COLUMN "reached_stage_ids" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "stage_events" ADD COLUMN "left_at" timestamp with time zone;--> statement-breakpoint
-- Hand-written (not generated): the database keeps both stored values on every write of stage history, whoever
-- writes it (the projection, sample data, a bulk load), so they cannot drift from the rows they summarise. For the
-- deals whose history a statement changed: each entry ends at the deal's next entry by (at, id), and the deal's row
-- lists every stage its history entered. Worked out again from the deal's history (a few rows through its index)
-- rather than patched, so the values equal what the backfill below computes.
CREATE FUNCTION "stage_events_keep_stays"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE "stage_events" AS e SET "left_at" = n."next_at"
	FROM (
		SELECT s."id", lead(s."at") OVER (PARTITION BY s."pipeline_id", s."deal_id" ORDER BY s."at", s."id") AS "next_at"
		FROM "stage_events" AS s
		WHERE (s."pipeline_id", s."deal_id") IN (SELECT DISTINCT c."pipeline_id", c."deal_id" FROM "changed" AS c)
	) AS n
	WHERE e."id" = n."id" AND e."left_at" IS DISTINCT FROM n."next_at";
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
END;
$$;--> statement-breakpoint
CREATE TRIGGER "stage_events_inserted_stays" AFTER INSERT ON "stage_events" REFERENCING NEW TABLE AS "changed" FOR EACH STATEMENT EXECUTE FUNCTION "stage_events_keep_stays"();--> statement-breakpoint
CREATE TRIGGER "stage_events_deleted_stays" AFTER DELETE ON "stage_events" REFERENCING OLD TABLE AS "changed" FOR EACH STATEMENT EXECUTE FUNCTION "stage_events_keep_stays"();--> statement-breakpoint
-- Hand-written backfill (not generated): each stay ends at the deal's next stage entry, as the projection keeps it from now on.
UPDATE "stage_events" AS e SET "left_at" = n."next_at"
FROM (
	SELECT "id", lead("at") OVER (PARTITION BY "pipeline_id", "deal_id" ORDER BY "at", "id") AS "next_at" FROM "stage_events"
) AS n
WHERE n."id" = e."id" AND n."next_at" IS NOT NULL;--> statement-breakpoint
-- Hand-written backfill (not generated): every stage each deal's history entered, sorted and distinct.
UPDATE "deals" AS d SET "reached_stage_ids" = r."ids"
FROM (
	SELECT "pipeline_id", "deal_id", array_agg(DISTINCT "to_stage_id" ORDER BY "to_stage_id") AS "ids" FROM "stage_events" GROUP BY "pipeline_id", "deal_id"
) AS r
WHERE r."pipeline_id" = d."pipeline_id" AND r."deal_id" = d."id";--> statement-breakpoint
CREATE INDEX "deals_pipeline_trash_idx" ON "deals" USING btree ("pipeline_id") WHERE "deals"."deleted_at" is not null;--> statement-breakpoint
CREATE INDEX "stage_events_pipeline_idx" ON "stage_events" USING btree ("pipeline_id","at","to_stage_id","left_at","deal_id");
