CREATE TYPE "public"."automation_kind" AS ENUM('intake', 'stage-rule', 'job');--> statement-breakpoint
CREATE TYPE "public"."automation_outcome" AS ENUM('done', 'skipped', 'failed');--> statement-breakpoint
CREATE TYPE "public"."notification_kind" AS ENUM('lead_assigned', 'task_assigned', 'task_due_soon', 'task_overdue', 'task_escalated', 'deal_reassigned', 'mention', 'customer_at_risk');--> statement-breakpoint
CREATE TABLE "automation_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"kind" "automation_kind" NOT NULL,
	"source" text NOT NULL,
	"outcome" "automation_outcome" NOT NULL,
	"deal_id" text,
	"contact_id" text,
	"task_id" text,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"key" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"user_id" text NOT NULL,
	"kind" "notification_kind" NOT NULL,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"deal_id" text,
	"task_id" text,
	"contact_id" text,
	"key" text,
	"read_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "available" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "reports_to" text;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "time_zone" text DEFAULT 'UTC' NOT NULL;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "working_hours" jsonb DEFAULT '{"days":[1,2,3,4,5],"start":"09:00","end":"18:00"}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "automation_log" ADD CONSTRAINT "automation_log_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "automation_log_workspace_idx" ON "automation_log" USING btree ("workspace_id","kind","source","id");--> statement-breakpoint
CREATE UNIQUE INDEX "automation_log_key_idx" ON "automation_log" USING btree ("workspace_id","key");--> statement-breakpoint
CREATE INDEX "notifications_user_idx" ON "notifications" USING btree ("user_id","workspace_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_key_idx" ON "notifications" USING btree ("workspace_id","user_id","key");--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_reports_to_users_id_fk" FOREIGN KEY ("reports_to") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;