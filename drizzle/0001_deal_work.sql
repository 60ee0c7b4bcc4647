CREATE TABLE "interactions" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"deal_id" text NOT NULL,
	"kind" text NOT NULL,
	"text" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"user_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lost_reasons" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"label" text NOT NULL,
	"position" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "closed_deal_days" integer DEFAULT 7 NOT NULL;--> statement-breakpoint
ALTER TABLE "interactions" ADD CONSTRAINT "interactions_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interactions" ADD CONSTRAINT "interactions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lost_reasons" ADD CONSTRAINT "lost_reasons_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "interactions_deal_idx" ON "interactions" USING btree ("deal_id","at");--> statement-breakpoint
CREATE INDEX "lost_reasons_workspace_idx" ON "lost_reasons" USING btree ("workspace_id","position");--> statement-breakpoint
-- Workspaces created before lost reasons existed get the default list.
INSERT INTO "lost_reasons" ("id", "workspace_id", "label", "position")
SELECT md5(w."id" || d."label"), w."id", d."label", d."position"
FROM "workspaces" w
CROSS JOIN (VALUES ('No budget', 0), ('Chose a competitor', 1), ('No response', 2), ('Deal impossible', 3)) AS d("label", "position");
