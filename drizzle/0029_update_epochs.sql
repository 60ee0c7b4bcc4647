ALTER TABLE "doc_updates" ADD COLUMN "epoch" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Hand-written backfill (not generated): until now only one node rebuilt boards, and a rebuild deleted every row it
-- covered, so every row left belongs to its board's present epoch. A load reads only rows of the snapshot's epoch.
UPDATE "doc_updates" AS u SET "epoch" = s."epoch" FROM "doc_snapshots" AS s WHERE s."doc_id" = u."doc_id" AND s."epoch" <> 0;
