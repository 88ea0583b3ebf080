CREATE TYPE "public"."due_state" AS ENUM('pending', 'running', 'done', 'dead');--> statement-breakpoint
CREATE TABLE "domain_events" (
	"position" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "domain_events_position_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"xid" "xid8" DEFAULT pg_current_xact_id() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"payload" jsonb NOT NULL,
	"occurred_at" timestamp (3) with time zone NOT NULL,
	"imported" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "event_consumers" (
	"name" text PRIMARY KEY NOT NULL,
	"last_xid" "xid8" DEFAULT '0'::xid8 NOT NULL,
	"last_position" bigint DEFAULT 0 NOT NULL,
	"owner" text,
	"lease_until" timestamp (3) with time zone,
	"failing_position" bigint,
	"failing_attempts" integer DEFAULT 0 NOT NULL,
	"retry_at" timestamp (3) with time zone,
	"last_error" text,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "event_dead_letters" (
	"consumer" text NOT NULL,
	"position" bigint NOT NULL,
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"attempts" integer NOT NULL,
	"last_error" text NOT NULL,
	"state" text DEFAULT 'dead' NOT NULL,
	"dead_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "event_dead_letters_consumer_position_pk" PRIMARY KEY("consumer","position")
);
--> statement-breakpoint
CREATE TABLE "due_work" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"due_at" timestamp (3) with time zone NOT NULL,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"state" "due_state" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"lease_until" timestamp (3) with time zone,
	"claimed_by" text,
	"claim_token" uuid,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "domain_events_xid_position_idx" ON "domain_events" USING btree ("xid","position");--> statement-breakpoint
CREATE INDEX "event_dead_letters_retry_idx" ON "event_dead_letters" USING btree ("consumer") WHERE state = 'retry';--> statement-breakpoint
CREATE UNIQUE INDEX "due_work_kind_key_idx" ON "due_work" USING btree ("kind","key");--> statement-breakpoint
CREATE INDEX "due_work_pending_due_idx" ON "due_work" USING btree ("due_at") WHERE state = 'pending';--> statement-breakpoint
CREATE INDEX "due_work_running_lease_idx" ON "due_work" USING btree ("lease_until") WHERE state = 'running';--> statement-breakpoint
CREATE INDEX "due_work_ws_state_idx" ON "due_work" USING btree ("workspace_id","state");