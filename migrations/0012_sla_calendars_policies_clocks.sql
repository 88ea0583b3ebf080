CREATE TYPE "public"."sla_clock_state" AS ENUM('running', 'paused', 'breached', 'fulfilled', 'fulfilled_after_breach', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."sla_event_kind" AS ENUM('started', 'paused', 'resumed', 'replanned', 'warned', 'breached', 'fulfilled', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."sla_metric" AS ENUM('first_response', 'next_response', 'resolution');--> statement-breakpoint
CREATE TABLE "calendars" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"definition" jsonb NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sla_clocks" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"ticket_id" uuid NOT NULL,
	"policy_id" uuid,
	"metric" "sla_metric" NOT NULL,
	"message_id" uuid,
	"state" "sla_clock_state" NOT NULL,
	"target_seconds" integer NOT NULL,
	"warn_lead_seconds" integer NOT NULL,
	"used_seconds" integer DEFAULT 0 NOT NULL,
	"running_since" timestamp (3) with time zone,
	"due_at" timestamp (3) with time zone,
	"warn_at" timestamp (3) with time zone,
	"warned_at" timestamp (3) with time zone,
	"breached_at" timestamp (3) with time zone,
	"stopped_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sla_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"clock_id" uuid NOT NULL,
	"ticket_id" uuid NOT NULL,
	"policy_id" uuid,
	"metric" "sla_metric" NOT NULL,
	"kind" "sla_event_kind" NOT NULL,
	"team_id" uuid,
	"assignee_id" uuid,
	"at" timestamp (3) with time zone NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sla_policies" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"position" integer NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"conditions" jsonb NOT NULL,
	"business_hours" boolean DEFAULT true NOT NULL,
	"calendar_id" uuid,
	"pause_statuses" text[] DEFAULT '{pending}'::text[] NOT NULL,
	"warn_lead_seconds" integer DEFAULT 0 NOT NULL,
	"reopen" text DEFAULT 'restart' NOT NULL,
	"targets" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "sla_due_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "sla_warn_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "sla_metric" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "sla_breached" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "calendars" ADD CONSTRAINT "calendars_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_clocks" ADD CONSTRAINT "sla_clocks_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_clocks" ADD CONSTRAINT "sla_clocks_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_clocks" ADD CONSTRAINT "sla_clocks_policy_id_sla_policies_id_fk" FOREIGN KEY ("policy_id") REFERENCES "public"."sla_policies"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_events" ADD CONSTRAINT "sla_events_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_events" ADD CONSTRAINT "sla_events_clock_id_sla_clocks_id_fk" FOREIGN KEY ("clock_id") REFERENCES "public"."sla_clocks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_policies" ADD CONSTRAINT "sla_policies_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_policies" ADD CONSTRAINT "sla_policies_calendar_id_calendars_id_fk" FOREIGN KEY ("calendar_id") REFERENCES "public"."calendars"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "calendars_workspace_idx" ON "calendars" USING btree ("workspace_id");--> statement-breakpoint
CREATE UNIQUE INDEX "calendars_workspace_name_uq" ON "calendars" USING btree ("workspace_id",lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "calendars_workspace_default_uq" ON "calendars" USING btree ("workspace_id") WHERE "calendars"."is_default";--> statement-breakpoint
CREATE INDEX "sla_clocks_ticket_idx" ON "sla_clocks" USING btree ("ticket_id","created_at");--> statement-breakpoint
CREATE INDEX "sla_clocks_open_idx" ON "sla_clocks" USING btree ("workspace_id","ticket_id") WHERE "sla_clocks"."state" in ('running', 'paused', 'breached');--> statement-breakpoint
CREATE UNIQUE INDEX "sla_clocks_message_uq" ON "sla_clocks" USING btree ("message_id") WHERE "sla_clocks"."metric" = 'next_response';--> statement-breakpoint
CREATE INDEX "sla_events_ticket_idx" ON "sla_events" USING btree ("ticket_id","at");--> statement-breakpoint
CREATE INDEX "sla_events_workspace_at_idx" ON "sla_events" USING btree ("workspace_id","at");--> statement-breakpoint
CREATE INDEX "sla_policies_workspace_idx" ON "sla_policies" USING btree ("workspace_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "sla_policies_workspace_name_uq" ON "sla_policies" USING btree ("workspace_id",lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "sla_policies_workspace_default_uq" ON "sla_policies" USING btree ("workspace_id") WHERE "sla_policies"."is_default";--> statement-breakpoint
CREATE INDEX "tickets_ws_sla_due_idx" ON "tickets" USING btree ("workspace_id","sla_due_at","id") WHERE "tickets"."sla_due_at" is not null;