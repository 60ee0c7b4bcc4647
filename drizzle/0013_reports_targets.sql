CREATE TABLE "sales_targets" (
	"workspace_id" text NOT NULL,
	"user_id" text NOT NULL,
	"month" text NOT NULL,
	"won_deals" integer NOT NULL,
	"revenue_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sales_targets_workspace_id_month_user_id_pk" PRIMARY KEY("workspace_id","month","user_id"),
	CONSTRAINT "sales_targets_month_format" CHECK ("sales_targets"."month" ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
	CONSTRAINT "sales_targets_not_negative" CHECK ("sales_targets"."won_deals" >= 0 and "sales_targets"."revenue_minor" >= 0)
);
--> statement-breakpoint
DROP INDEX "stage_events_deal_idx";--> statement-breakpoint
ALTER TABLE "sales_targets" ADD CONSTRAINT "sales_targets_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales_targets" ADD CONSTRAINT "sales_targets_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales_targets" ADD CONSTRAINT "sales_targets_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "deals_pipeline_created_idx" ON "deals" USING btree ("pipeline_id","created_at");--> statement-breakpoint
CREATE INDEX "deals_pipeline_closed_idx" ON "deals" USING btree ("pipeline_id","closed_at");--> statement-breakpoint
CREATE INDEX "stage_events_deal_idx" ON "stage_events" USING btree ("deal_id","at","to_stage_id");