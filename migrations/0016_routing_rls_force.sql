-- Row-level security is forced on the routing tables (0015 enabled it with their policies), as
-- 0014 did for every tenant table before them: the owner is held to the policies too.
ALTER TABLE "routing_policies" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "routing_agents" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "routing_rules" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "routing_queue" FORCE ROW LEVEL SECURITY;
