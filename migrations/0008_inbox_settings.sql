ALTER TABLE "email_inbox_secrets" ADD COLUMN "smtp_host" text;--> statement-breakpoint
ALTER TABLE "email_inbox_secrets" ADD COLUMN "smtp_port" integer;--> statement-breakpoint
ALTER TABLE "email_inbox_secrets" ADD COLUMN "smtp_user" text;--> statement-breakpoint
ALTER TABLE "email_inbox_secrets" ADD COLUMN "smtp_password" text;--> statement-breakpoint
ALTER TABLE "email_inbox_secrets" ADD COLUMN "smtp_tls" text;--> statement-breakpoint
ALTER TABLE "inboxes" ADD COLUMN "allowed_origins" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
CREATE INDEX "tickets_inbox_idx" ON "tickets" USING btree ("inbox_id");