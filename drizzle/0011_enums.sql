CREATE TYPE "public"."audit_action" AS ENUM('auth.login', 'auth.login_failed', 'auth.password_changed', 'auth.password_reset_issued', 'auth.password_reset_used', 'workspace.created', 'workspace.renamed', 'workspace.settings_changed', 'member.joined', 'member.role_changed', 'member.removed', 'member.left', 'invite.created', 'invite.revoked', 'token.created', 'token.revoked', 'pipeline.created', 'pipeline.renamed', 'pipeline.mode_changed', 'pipeline.access_changed', 'pipeline.members_changed', 'pipeline.archived', 'pipeline.restored', 'stage.deleted', 'deal.stage_changed', 'deal.owner_changed', 'deal.value_changed', 'deal.close_date_changed', 'deal.closed', 'deal.reopened', 'deal.deleted', 'deal.restored', 'lost_reasons.changed');--> statement-breakpoint
CREATE TYPE "public"."audit_actor_kind" AS ENUM('member', 'api-token', 'system', 'anonymous');--> statement-breakpoint
CREATE TYPE "public"."audit_target_type" AS ENUM('user', 'workspace', 'invite', 'api-token', 'pipeline', 'stage', 'deal');--> statement-breakpoint
CREATE TYPE "public"."deal_source" AS ENUM('form', 'phone', 'email', 'import', 'manual');--> statement-breakpoint
CREATE TYPE "public"."deal_status" AS ENUM('open', 'won', 'lost');--> statement-breakpoint
CREATE TYPE "public"."import_entity" AS ENUM('contacts', 'companies', 'deals');--> statement-breakpoint
CREATE TYPE "public"."import_status" AS ENUM('queued', 'running', 'done', 'failed');--> statement-breakpoint
CREATE TYPE "public"."interaction_kind" AS ENUM('call', 'meeting', 'email', 'note');--> statement-breakpoint
CREATE TYPE "public"."party_kind" AS ENUM('contact', 'company');--> statement-breakpoint
CREATE TYPE "public"."pipeline_access" AS ENUM('workspace', 'members');--> statement-breakpoint
CREATE TYPE "public"."pipeline_mode" AS ENUM('strict', 'free', 'list');--> statement-breakpoint
CREATE TYPE "public"."record_event_action" AS ENUM('created', 'merged', 'deleted', 'restored');--> statement-breakpoint
CREATE TYPE "public"."stage_kind" AS ENUM('open', 'won', 'lost');--> statement-breakpoint
CREATE TYPE "public"."task_type" AS ENUM('call', 'meeting', 'email', 'todo');--> statement-breakpoint
ALTER TABLE "audit_events" ALTER COLUMN "actor_kind" SET DATA TYPE "public"."audit_actor_kind" USING "actor_kind"::"public"."audit_actor_kind";--> statement-breakpoint
ALTER TABLE "audit_events" ALTER COLUMN "action" SET DATA TYPE "public"."audit_action" USING "action"::"public"."audit_action";--> statement-breakpoint
ALTER TABLE "audit_events" ALTER COLUMN "target_type" SET DATA TYPE "public"."audit_target_type" USING "target_type"::"public"."audit_target_type";--> statement-breakpoint
ALTER TABLE "deals" ALTER COLUMN "source" SET DATA TYPE "public"."deal_source" USING "source"::"public"."deal_source";--> statement-breakpoint
ALTER TABLE "deals" ALTER COLUMN "status" SET DATA TYPE "public"."deal_status" USING "status"::"public"."deal_status";--> statement-breakpoint
ALTER TABLE "imports" ALTER COLUMN "entity" SET DATA TYPE "public"."import_entity" USING "entity"::"public"."import_entity";--> statement-breakpoint
ALTER TABLE "imports" ALTER COLUMN "status" SET DATA TYPE "public"."import_status" USING "status"::"public"."import_status";--> statement-breakpoint
ALTER TABLE "interactions" ALTER COLUMN "kind" SET DATA TYPE "public"."interaction_kind" USING "kind"::"public"."interaction_kind";--> statement-breakpoint
ALTER TABLE "party_links" ALTER COLUMN "from_kind" SET DATA TYPE "public"."party_kind" USING "from_kind"::"public"."party_kind";--> statement-breakpoint
ALTER TABLE "party_links" ALTER COLUMN "to_kind" SET DATA TYPE "public"."party_kind" USING "to_kind"::"public"."party_kind";--> statement-breakpoint
-- Hand-fixed: the text default cannot be cast to the enum by ALTER TYPE, so it is dropped first and set again after.
ALTER TABLE "pipelines" ALTER COLUMN "mode" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "pipelines" ALTER COLUMN "mode" SET DATA TYPE "public"."pipeline_mode" USING "mode"::"public"."pipeline_mode";--> statement-breakpoint
ALTER TABLE "pipelines" ALTER COLUMN "mode" SET DEFAULT 'free'::"public"."pipeline_mode";--> statement-breakpoint
-- Hand-fixed: the text default cannot be cast to the enum by ALTER TYPE, so it is dropped first and set again after.
ALTER TABLE "pipelines" ALTER COLUMN "access" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "pipelines" ALTER COLUMN "access" SET DATA TYPE "public"."pipeline_access" USING "access"::"public"."pipeline_access";--> statement-breakpoint
ALTER TABLE "pipelines" ALTER COLUMN "access" SET DEFAULT 'workspace'::"public"."pipeline_access";--> statement-breakpoint
ALTER TABLE "record_events" ALTER COLUMN "subject_kind" SET DATA TYPE "public"."party_kind" USING "subject_kind"::"public"."party_kind";--> statement-breakpoint
ALTER TABLE "record_events" ALTER COLUMN "action" SET DATA TYPE "public"."record_event_action" USING "action"::"public"."record_event_action";--> statement-breakpoint
ALTER TABLE "stages" ALTER COLUMN "kind" SET DATA TYPE "public"."stage_kind" USING "kind"::"public"."stage_kind";--> statement-breakpoint
ALTER TABLE "tasks" ALTER COLUMN "type" SET DATA TYPE "public"."task_type" USING "type"::"public"."task_type";