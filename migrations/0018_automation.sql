ALTER TYPE "public"."activity_kind" ADD VALUE 'automation';--> statement-breakpoint
ALTER TYPE "public"."activity_kind" ADD VALUE 'macro';--> statement-breakpoint
ALTER TYPE "public"."activity_kind" ADD VALUE 'snoozed';--> statement-breakpoint
CREATE TABLE "automation_rules" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"position" integer NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"trigger" text NOT NULL,
	"events" text[] DEFAULT '{}'::text[] NOT NULL,
	"conditions" jsonb NOT NULL,
	"actions" jsonb NOT NULL,
	"run_count" integer DEFAULT 0 NOT NULL,
	"match_count" integer DEFAULT 0 NOT NULL,
	"error_count" integer DEFAULT 0 NOT NULL,
	"last_run_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "automation_rules" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "automation_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"rule_id" uuid,
	"rule_name" text NOT NULL,
	"ticket_id" uuid NOT NULL,
	"event" text,
	"event_position" bigint,
	"depth" integer DEFAULT 0 NOT NULL,
	"matched" boolean NOT NULL,
	"failed" boolean DEFAULT false NOT NULL,
	"trace" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"actions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"error" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "automation_runs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "automation_time_state" (
	"workspace_id" uuid NOT NULL,
	"rule_id" uuid NOT NULL,
	"ticket_id" uuid NOT NULL,
	"fired_at" timestamp (3) with time zone,
	"checked_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "automation_time_state_rule_id_ticket_id_pk" PRIMARY KEY("rule_id","ticket_id")
);
--> statement-breakpoint
ALTER TABLE "automation_time_state" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "canned_responses" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"short_code" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"folder" text DEFAULT '' NOT NULL,
	"sharing" text NOT NULL,
	"team_id" uuid,
	"owner_id" uuid,
	"attachment_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"usage_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "canned_responses" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "macros" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"sharing" text NOT NULL,
	"team_id" uuid,
	"owner_id" uuid,
	"actions" jsonb NOT NULL,
	"usage_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "macros" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"ticket_id" uuid,
	"message" text NOT NULL,
	"source" text NOT NULL,
	"read_at" timestamp (3) with time zone,
	"emailed_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "notifications" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "snoozed_until" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "automation_rules" ADD CONSTRAINT "automation_rules_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "automation_runs" ADD CONSTRAINT "automation_runs_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "automation_runs" ADD CONSTRAINT "automation_runs_rule_id_automation_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."automation_rules"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "automation_runs" ADD CONSTRAINT "automation_runs_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "automation_time_state" ADD CONSTRAINT "automation_time_state_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "automation_time_state" ADD CONSTRAINT "automation_time_state_rule_id_automation_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."automation_rules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "automation_time_state" ADD CONSTRAINT "automation_time_state_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "canned_responses" ADD CONSTRAINT "canned_responses_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "canned_responses" ADD CONSTRAINT "canned_responses_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "canned_responses" ADD CONSTRAINT "canned_responses_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "macros" ADD CONSTRAINT "macros_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "macros" ADD CONSTRAINT "macros_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "macros" ADD CONSTRAINT "macros_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "automation_rules_workspace_idx" ON "automation_rules" USING btree ("workspace_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "automation_rules_workspace_name_uq" ON "automation_rules" USING btree ("workspace_id",lower("name"));--> statement-breakpoint
CREATE INDEX "automation_runs_ws_created_idx" ON "automation_runs" USING btree ("workspace_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "automation_runs_rule_created_idx" ON "automation_runs" USING btree ("rule_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "automation_runs_ticket_idx" ON "automation_runs" USING btree ("ticket_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "automation_runs_once_uq" ON "automation_runs" USING btree ("rule_id","ticket_id","event_position") WHERE "automation_runs"."event_position" is not null;--> statement-breakpoint
CREATE INDEX "automation_time_state_ticket_idx" ON "automation_time_state" USING btree ("ticket_id");--> statement-breakpoint
CREATE UNIQUE INDEX "canned_responses_workspace_code_uq" ON "canned_responses" USING btree ("workspace_id",lower("short_code"));--> statement-breakpoint
CREATE INDEX "canned_responses_workspace_folder_idx" ON "canned_responses" USING btree ("workspace_id","folder");--> statement-breakpoint
CREATE INDEX "macros_workspace_idx" ON "macros" USING btree ("workspace_id","sharing");--> statement-breakpoint
CREATE INDEX "notifications_user_created_idx" ON "notifications" USING btree ("user_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "notifications_user_unread_idx" ON "notifications" USING btree ("user_id") WHERE "notifications"."read_at" is null;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "automation_rules" AS PERMISSIVE FOR ALL TO public USING ("automation_rules"."workspace_id" = nullif(current_setting('app.workspace_id', true), '')::uuid or nullif(current_setting('app.privileged', true), '') is not null) WITH CHECK ("automation_rules"."workspace_id" = nullif(current_setting('app.workspace_id', true), '')::uuid or nullif(current_setting('app.privileged', true), '') is not null);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "automation_runs" AS PERMISSIVE FOR ALL TO public USING ("automation_runs"."workspace_id" = nullif(current_setting('app.workspace_id', true), '')::uuid or nullif(current_setting('app.privileged', true), '') is not null) WITH CHECK ("automation_runs"."workspace_id" = nullif(current_setting('app.workspace_id', true), '')::uuid or nullif(current_setting('app.privileged', true), '') is not null);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "automation_time_state" AS PERMISSIVE FOR ALL TO public USING ("automation_time_state"."workspace_id" = nullif(current_setting('app.workspace_id', true), '')::uuid or nullif(current_setting('app.privileged', true), '') is not null) WITH CHECK ("automation_time_state"."workspace_id" = nullif(current_setting('app.workspace_id', true), '')::uuid or nullif(current_setting('app.privileged', true), '') is not null);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "canned_responses" AS PERMISSIVE FOR ALL TO public USING ("canned_responses"."workspace_id" = nullif(current_setting('app.workspace_id', true), '')::uuid or nullif(current_setting('app.privileged', true), '') is not null) WITH CHECK ("canned_responses"."workspace_id" = nullif(current_setting('app.workspace_id', true), '')::uuid or nullif(current_setting('app.privileged', true), '') is not null);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "macros" AS PERMISSIVE FOR ALL TO public USING ("macros"."workspace_id" = nullif(current_setting('app.workspace_id', true), '')::uuid or nullif(current_setting('app.privileged', true), '') is not null) WITH CHECK ("macros"."workspace_id" = nullif(current_setting('app.workspace_id', true), '')::uuid or nullif(current_setting('app.privileged', true), '') is not null);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "notifications" AS PERMISSIVE FOR ALL TO public USING ("notifications"."workspace_id" = nullif(current_setting('app.workspace_id', true), '')::uuid or nullif(current_setting('app.privileged', true), '') is not null) WITH CHECK ("notifications"."workspace_id" = nullif(current_setting('app.workspace_id', true), '')::uuid or nullif(current_setting('app.privileged', true), '') is not null);