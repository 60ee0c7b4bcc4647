CREATE TABLE "doc_epochs" (
	"doc_id" text NOT NULL,
	"epoch" integer NOT NULL,
	"base_client" bigint,
	"final_state" "bytea",
	"frozen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "doc_epochs_doc_id_epoch_pk" PRIMARY KEY("doc_id","epoch")
);
--> statement-breakpoint
ALTER TABLE "doc_snapshots" ADD COLUMN "epoch" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "doc_snapshots" ADD COLUMN "base_client" bigint;