CREATE TYPE "public"."stage_rule_due_unit" AS ENUM('minutes', 'hours', 'days', 'working_hours', 'working_days');--> statement-breakpoint
ALTER TYPE "public"."audit_action" ADD VALUE 'stage_rules.changed';--> statement-breakpoint
CREATE TABLE "stage_rules" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"pipeline_id" text NOT NULL,
	"stage_id" text NOT NULL,
	"position" integer NOT NULL,
	"title" text NOT NULL,
	"type" "task_type" NOT NULL,
	"due_amount" integer NOT NULL,
	"due_unit" "stage_rule_due_unit" NOT NULL,
	"assignee_id" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "stage_rules" ADD CONSTRAINT "stage_rules_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stage_rules" ADD CONSTRAINT "stage_rules_pipeline_id_pipelines_id_fk" FOREIGN KEY ("pipeline_id") REFERENCES "public"."pipelines"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "stage_rules_pipeline_idx" ON "stage_rules" USING btree ("pipeline_id","stage_id","position");--> statement-breakpoint
CREATE INDEX "stage_rules_workspace_idx" ON "stage_rules" USING btree ("workspace_id");