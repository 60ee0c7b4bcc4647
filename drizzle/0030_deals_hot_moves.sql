-- A move changes a deal's stage. With the stage in an index, every move wrote a new entry into the deals' primary
-- key and each of their nine other indexes, the title's trigram index among them (whose pending list PostgreSQL
-- merges every few thousand entries, holding the writer for tens of milliseconds). Without it, a move changes no
-- indexed column and PostgreSQL updates the row in place on its page (a HOT update): no index is written. Lookups of
-- a pipeline's deals use deals_pipeline_created_idx, whose first column is the pipeline; a stage is a filter over
-- one pipeline's rows.
DROP INDEX "deals_pipeline_stage_idx";--> statement-breakpoint
-- Hand-written (drizzle-kit does not track it): room on each page for the rows' next versions, which a HOT update
-- needs on the same page. It applies to pages written from now on.
ALTER TABLE "deals" SET (fillfactor = 85);
