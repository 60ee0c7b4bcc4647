DROP INDEX "stage_events_pipeline_idx";--> statement-breakpoint
ALTER TABLE "deals" ADD COLUMN "reached_stage_ids" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "deals" ADD COLUMN "ever_won" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "stage_events" ADD COLUMN "left_at" timestamp with time zone;--> statement-breakpoint
-- Hand-written (not generated): the database keeps the stored values on every write of stage history, whoever
-- writes it (the projection, sample data, a bulk load, the trash purge), so they cannot drift from the rows they
-- summarise. For the deals whose history a statement changed: each entry ends at the deal's next entry by (at, id),
-- and the last one when the deal closed (while it is closed); the deal's row lists every stage its history entered.
-- Worked out again from the deal's history (a few rows through its index) rather than patched, so the values equal
-- what the backfill below computes.
CREATE FUNCTION "stage_events_keep_stays"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
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
END;
$$;--> statement-breakpoint
CREATE TRIGGER "stage_events_inserted_stays" AFTER INSERT ON "stage_events" REFERENCING NEW TABLE AS "changed" FOR EACH STATEMENT EXECUTE FUNCTION "stage_events_keep_stays"();--> statement-breakpoint
CREATE TRIGGER "stage_events_deleted_stays" AFTER DELETE ON "stage_events" REFERENCING OLD TABLE AS "changed" FOR EACH STATEMENT EXECUTE FUNCTION "stage_events_keep_stays"();--> statement-breakpoint
-- Hand-written (not generated): closing and reopening change a deal's status, not its stage, and write no stage entry.
-- Closing ends the deal's last stay at `closed_at`; reopening puts the deal back in that stage, so the stay goes on.
CREATE FUNCTION "deals_keep_last_stay"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE "stage_events" AS e SET "left_at" = CASE WHEN NEW."status" <> 'open' AND NEW."closed_at" >= e."at" THEN NEW."closed_at" END
	WHERE e."id" = (
		SELECT s."id" FROM "stage_events" AS s WHERE s."pipeline_id" = NEW."pipeline_id" AND s."deal_id" = NEW."id" ORDER BY s."at" DESC, s."id" DESC LIMIT 1
	) AND e."left_at" IS DISTINCT FROM CASE WHEN NEW."status" <> 'open' AND NEW."closed_at" >= e."at" THEN NEW."closed_at" END;
	RETURN NULL;
END;
$$;--> statement-breakpoint
CREATE TRIGGER "deals_closed_stays" AFTER UPDATE OF "status", "closed_at" ON "deals" FOR EACH ROW
	WHEN (OLD."status" IS DISTINCT FROM NEW."status" OR OLD."closed_at" IS DISTINCT FROM NEW."closed_at") EXECUTE FUNCTION "deals_keep_last_stay"();--> statement-breakpoint
-- Hand-written (not generated): a deal won once stays "ever won" (the funnel counts it through every stage) when reopened.
CREATE FUNCTION "deals_mark_won"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW."ever_won" := true;
	RETURN NEW;
END;
$$;--> statement-breakpoint
CREATE TRIGGER "deals_ever_won" BEFORE INSERT OR UPDATE OF "status" ON "deals" FOR EACH ROW WHEN (NEW."status" = 'won') EXECUTE FUNCTION "deals_mark_won"();--> statement-breakpoint
-- Hand-written backfill (not generated): each stay ends at the deal's next stage entry, or the last one when the deal closed.
UPDATE "stage_events" AS e SET "left_at" = n."ended"
FROM (
	SELECT s."id", coalesce(
		lead(s."at") OVER (PARTITION BY s."pipeline_id", s."deal_id" ORDER BY s."at", s."id"),
		CASE WHEN d."status" <> 'open' AND d."closed_at" >= s."at" THEN d."closed_at" END
	) AS "ended"
	FROM "stage_events" AS s
	LEFT JOIN "deals" AS d ON d."id" = s."deal_id" AND d."pipeline_id" = s."pipeline_id"
) AS n
WHERE n."id" = e."id" AND n."ended" IS NOT NULL;--> statement-breakpoint
-- Hand-written backfill (not generated): deals won now, or closed as won once by the audit log, were ever won.
UPDATE "deals" SET "ever_won" = true
WHERE "status" = 'won' OR "id" IN (SELECT "target_id" FROM "audit_events" WHERE "action" = 'deal.closed' AND "detail"->>'to' = 'won');--> statement-breakpoint
-- Hand-written backfill (not generated): every stage each deal's history entered, sorted and distinct.
UPDATE "deals" AS d SET "reached_stage_ids" = r."ids"
FROM (
	SELECT "pipeline_id", "deal_id", array_agg(DISTINCT "to_stage_id" ORDER BY "to_stage_id") AS "ids" FROM "stage_events" GROUP BY "pipeline_id", "deal_id"
) AS r
WHERE r."pipeline_id" = d."pipeline_id" AND r."deal_id" = d."id";--> statement-breakpoint
CREATE INDEX "deals_pipeline_trash_idx" ON "deals" USING btree ("pipeline_id") WHERE "deals"."deleted_at" is not null;--> statement-breakpoint
CREATE INDEX "stage_events_pipeline_idx" ON "stage_events" USING btree ("pipeline_id","at","to_stage_id","left_at","deal_id");
