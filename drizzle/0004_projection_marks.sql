CREATE TABLE "projection_marks" (
	"pipeline_id" text PRIMARY KEY NOT NULL,
	"projected_update_id" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "projection_marks" ADD CONSTRAINT "projection_marks_pipeline_id_pipelines_id_fk" FOREIGN KEY ("pipeline_id") REFERENCES "public"."pipelines"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Boards that exist already were projected batch by batch: take them as current.
INSERT INTO "projection_marks" ("pipeline_id", "projected_update_id")
SELECT p."id", greatest(
	coalesce((SELECT max(u."id") FROM "doc_updates" u WHERE u."doc_id" = p."id"), 0),
	coalesce((SELECT s."last_update_id" FROM "doc_snapshots" s WHERE s."doc_id" = p."id"), 0)
) FROM "pipelines" p;
