ALTER TYPE "public"."activity_kind" ADD VALUE 'routed';--> statement-breakpoint
CREATE TABLE "routing_agents" (
	"workspace_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"chat_capacity" integer,
	"email_capacity" integer,
	"last_assigned_at" timestamp (3) with time zone,
	"away_since" timestamp (3) with time zone,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "routing_agents_workspace_id_user_id_pk" PRIMARY KEY("workspace_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "routing_agents" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "routing_policies" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"team_id" uuid,
	"inbox_id" uuid,
	"mode" text NOT NULL,
	"load_statuses" text[] DEFAULT '{open}'::text[] NOT NULL,
	"chat_capacity" integer NOT NULL,
	"email_capacity" integer NOT NULL,
	"away_grace_seconds" integer NOT NULL,
	"reopen_window_seconds" integer NOT NULL,
	"calendar_id" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "routing_policies_target_ck" CHECK (("routing_policies"."team_id" is null) <> ("routing_policies"."inbox_id" is null))
);
--> statement-breakpoint
ALTER TABLE "routing_policies" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "routing_queue" (
	"ticket_id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"queue_id" uuid NOT NULL,
	"team_id" uuid,
	"inbox_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"enqueued_at" timestamp (3) with time zone NOT NULL,
	"dequeued_at" timestamp (3) with time zone
);
--> statement-breakpoint
ALTER TABLE "routing_queue" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "routing_rules" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"position" integer NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"conditions" jsonb NOT NULL,
	"actions" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "routing_rules" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "routing_agents" ADD CONSTRAINT "routing_agents_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routing_agents" ADD CONSTRAINT "routing_agents_membership_fk" FOREIGN KEY ("workspace_id","user_id") REFERENCES "public"."memberships"("workspace_id","user_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routing_policies" ADD CONSTRAINT "routing_policies_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routing_policies" ADD CONSTRAINT "routing_policies_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routing_policies" ADD CONSTRAINT "routing_policies_inbox_id_inboxes_id_fk" FOREIGN KEY ("inbox_id") REFERENCES "public"."inboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routing_policies" ADD CONSTRAINT "routing_policies_calendar_id_calendars_id_fk" FOREIGN KEY ("calendar_id") REFERENCES "public"."calendars"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routing_queue" ADD CONSTRAINT "routing_queue_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routing_queue" ADD CONSTRAINT "routing_queue_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routing_rules" ADD CONSTRAINT "routing_rules_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "routing_policies_team_uq" ON "routing_policies" USING btree ("team_id");--> statement-breakpoint
CREATE UNIQUE INDEX "routing_policies_inbox_uq" ON "routing_policies" USING btree ("inbox_id");--> statement-breakpoint
CREATE INDEX "routing_policies_workspace_idx" ON "routing_policies" USING btree ("workspace_id");--> statement-breakpoint
CREATE INDEX "routing_queue_waiting_idx" ON "routing_queue" USING btree ("workspace_id","queue_id","enqueued_at") WHERE "routing_queue"."dequeued_at" is null;--> statement-breakpoint
CREATE INDEX "routing_queue_done_idx" ON "routing_queue" USING btree ("queue_id","dequeued_at" DESC NULLS LAST) WHERE "routing_queue"."dequeued_at" is not null;--> statement-breakpoint
CREATE INDEX "routing_rules_workspace_idx" ON "routing_rules" USING btree ("workspace_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "routing_rules_workspace_name_uq" ON "routing_rules" USING btree ("workspace_id",lower("name"));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "routing_agents" AS PERMISSIVE FOR ALL TO public USING ("routing_agents"."workspace_id" = nullif(current_setting('app.workspace_id', true), '')::uuid or nullif(current_setting('app.privileged', true), '') is not null) WITH CHECK ("routing_agents"."workspace_id" = nullif(current_setting('app.workspace_id', true), '')::uuid or nullif(current_setting('app.privileged', true), '') is not null);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "routing_policies" AS PERMISSIVE FOR ALL TO public USING ("routing_policies"."workspace_id" = nullif(current_setting('app.workspace_id', true), '')::uuid or nullif(current_setting('app.privileged', true), '') is not null) WITH CHECK ("routing_policies"."workspace_id" = nullif(current_setting('app.workspace_id', true), '')::uuid or nullif(current_setting('app.privileged', true), '') is not null);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "routing_queue" AS PERMISSIVE FOR ALL TO public USING ("routing_queue"."workspace_id" = nullif(current_setting('app.workspace_id', true), '')::uuid or nullif(current_setting('app.privileged', true), '') is not null) WITH CHECK ("routing_queue"."workspace_id" = nullif(current_setting('app.workspace_id', true), '')::uuid or nullif(current_setting('app.privileged', true), '') is not null);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "routing_rules" AS PERMISSIVE FOR ALL TO public USING ("routing_rules"."workspace_id" = nullif(current_setting('app.workspace_id', true), '')::uuid or nullif(current_setting('app.privileged', true), '') is not null) WITH CHECK ("routing_rules"."workspace_id" = nullif(current_setting('app.workspace_id', true), '')::uuid or nullif(current_setting('app.privileged', true), '') is not null);