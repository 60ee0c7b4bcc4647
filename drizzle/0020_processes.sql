CREATE TYPE "public"."process_name" AS ENUM('check-in', 'status-promotion', 'at-risk', 'escalation', 'birthday');--> statement-breakpoint
CREATE TABLE "job_runs" (
	"job" text NOT NULL,
	"scope" text NOT NULL,
	"last_period" text NOT NULL,
	"ran_at" timestamp with time zone NOT NULL,
	CONSTRAINT "job_runs_job_scope_pk" PRIMARY KEY("job","scope")
);
--> statement-breakpoint
CREATE TABLE "workspace_processes" (
	"workspace_id" text NOT NULL,
	"process" "process_name" NOT NULL,
	"enabled" boolean DEFAULT false NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "workspace_processes_workspace_id_process_pk" PRIMARY KEY("workspace_id","process")
);
--> statement-breakpoint
ALTER TABLE "companies" ADD COLUMN "at_risk_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "at_risk_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "workspace_processes" ADD CONSTRAINT "workspace_processes_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;