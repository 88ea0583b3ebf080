-- Row-level security is forced on the automation, macro, canned response and notification
-- tables (0018 enabled it with their policies), as 0014 and 0016 did before them: the owner is
-- held to the policies too.
ALTER TABLE "automation_rules" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "automation_runs" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "automation_time_state" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "macros" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "canned_responses" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "notifications" FORCE ROW LEVEL SECURITY;
