CREATE TABLE "stage_stay_buckets" (
	"pipeline_id" text NOT NULL,
	"stage_id" text NOT NULL,
	"day" date NOT NULL,
	"stay_bucket" integer NOT NULL,
	"stays" integer NOT NULL,
	"seconds" double precision NOT NULL,
	CONSTRAINT "stage_stay_buckets_pipeline_id_day_stage_id_stay_bucket_pk" PRIMARY KEY("pipeline_id","day","stage_id","stay_bucket")
);
--> statement-breakpoint
ALTER TABLE "stage_events" ADD COLUMN "stay_bucket" integer GENERATED ALWAYS AS (floor(ln(greatest(extract(epoch from (left_at - at)), 60) / 60) / ln(1.15))::int) STORED;--> statement-breakpoint
ALTER TABLE "stage_stay_buckets" ADD CONSTRAINT "stage_stay_buckets_pipeline_id_pipelines_id_fk" FOREIGN KEY ("pipeline_id") REFERENCES "public"."pipelines"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "stage_events_stay_idx" ON "stage_events" USING btree ("pipeline_id","to_stage_id","stay_bucket","at","left_at","deal_id") WHERE left_at is not null;--> statement-breakpoint
-- Hand-written (not generated): the histogram follows every ended stay, whoever writes stage history (the projection,
-- sample data, a bulk load, the trash purge, a pipeline's deletion). A stay leaves its old bucket and enters its new
-- one, so the histogram equals what the backfill below computes from stage_events at any time.
CREATE FUNCTION "stage_events_count_stays"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'INSERT' AND OLD."left_at" IS NOT NULL THEN
		UPDATE "stage_stay_buckets" SET "stays" = "stays" - 1, "seconds" = "seconds" - extract(epoch from (OLD."left_at" - OLD."at"))
		WHERE "pipeline_id" = OLD."pipeline_id" AND "stage_id" = OLD."to_stage_id"
			AND "day" = (OLD."at" AT TIME ZONE 'UTC')::date AND "stay_bucket" = OLD."stay_bucket";
	END IF;
	IF TG_OP <> 'DELETE' AND NEW."left_at" IS NOT NULL THEN
		INSERT INTO "stage_stay_buckets" ("pipeline_id", "stage_id", "day", "stay_bucket", "stays", "seconds")
		VALUES (NEW."pipeline_id", NEW."to_stage_id", (NEW."at" AT TIME ZONE 'UTC')::date, NEW."stay_bucket", 1, extract(epoch from (NEW."left_at" - NEW."at")))
		ON CONFLICT ("pipeline_id", "stage_id", "day", "stay_bucket")
		DO UPDATE SET "stays" = "stage_stay_buckets"."stays" + 1, "seconds" = "stage_stay_buckets"."seconds" + excluded."seconds";
	END IF;
	RETURN NULL;
END;
$$;--> statement-breakpoint
CREATE TRIGGER "stage_events_stays_counted" AFTER INSERT OR DELETE OR UPDATE OF "left_at", "at", "to_stage_id", "pipeline_id" ON "stage_events"
	FOR EACH ROW EXECUTE FUNCTION "stage_events_count_stays"();--> statement-breakpoint
-- Hand-written backfill (not generated).
INSERT INTO "stage_stay_buckets" ("pipeline_id", "stage_id", "day", "stay_bucket", "stays", "seconds")
SELECT "pipeline_id", "to_stage_id", ("at" AT TIME ZONE 'UTC')::date, "stay_bucket", count(*)::int, sum(extract(epoch from ("left_at" - "at")))
FROM "stage_events" WHERE "left_at" IS NOT NULL
GROUP BY 1, 2, 3, 4;
