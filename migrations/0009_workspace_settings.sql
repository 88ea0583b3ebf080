ALTER TABLE "email_dead_letters" ADD COLUMN "sender" text;--> statement-breakpoint
ALTER TABLE "email_dead_letters" ADD COLUMN "subject" text;--> statement-breakpoint
ALTER TABLE "email_dead_letters" ADD COLUMN "envelope_recipients" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "email_dead_letters" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "email_dead_letters" ADD COLUMN "last_attempt_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "language" text DEFAULT 'en' NOT NULL;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "logo" jsonb;