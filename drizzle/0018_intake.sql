CREATE TYPE "public"."intake_kind" AS ENUM('form', 'webhook');--> statement-breakpoint
CREATE TYPE "public"."owner_rule" AS ENUM('round_robin', 'fewest_open', 'fixed');--> statement-breakpoint
ALTER TYPE "public"."audit_action" ADD VALUE 'form.created';--> statement-breakpoint
ALTER TYPE "public"."audit_action" ADD VALUE 'form.changed';--> statement-breakpoint
ALTER TYPE "public"."audit_action" ADD VALUE 'form.disabled';--> statement-breakpoint
ALTER TYPE "public"."audit_action" ADD VALUE 'webhook.created';--> statement-breakpoint
ALTER TYPE "public"."audit_action" ADD VALUE 'webhook.rotated';--> statement-breakpoint
ALTER TYPE "public"."audit_action" ADD VALUE 'member.availability_changed';--> statement-breakpoint
CREATE TABLE "intake_sources" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"pipeline_id" text NOT NULL,
	"kind" "intake_kind" NOT NULL,
	"key" text NOT NULL,
	"name" text NOT NULL,
	"stage_id" text NOT NULL,
	"fields" jsonb NOT NULL,
	"owner_rule" "owner_rule" DEFAULT 'round_robin' NOT NULL,
	"owner_id" text,
	"task_type" "task_type" DEFAULT 'call' NOT NULL,
	"task_title" text NOT NULL,
	"sla_minutes" integer DEFAULT 15 NOT NULL,
	"sla_working_time" boolean DEFAULT true NOT NULL,
	"thank_you_url" text,
	"allowed_origins" text[] DEFAULT '{}' NOT NULL,
	"locale" text DEFAULT 'en' NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "intake_sources_key_unique" UNIQUE("key")
);
--> statement-breakpoint
CREATE TABLE "routing_turns" (
	"pipeline_id" text PRIMARY KEY NOT NULL,
	"last_user_id" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "intake_sources" ADD CONSTRAINT "intake_sources_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intake_sources" ADD CONSTRAINT "intake_sources_pipeline_id_pipelines_id_fk" FOREIGN KEY ("pipeline_id") REFERENCES "public"."pipelines"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intake_sources" ADD CONSTRAINT "intake_sources_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intake_sources" ADD CONSTRAINT "intake_sources_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routing_turns" ADD CONSTRAINT "routing_turns_pipeline_id_pipelines_id_fk" FOREIGN KEY ("pipeline_id") REFERENCES "public"."pipelines"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "intake_sources_pipeline_idx" ON "intake_sources" USING btree ("workspace_id","pipeline_id","kind");