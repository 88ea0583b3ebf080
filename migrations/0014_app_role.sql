-- Row-level security, second part (0013 enabled it and created the tenant_isolation policies,
-- generated from the tables' tenantPolicy()). docs/access.md, "Row-level security".
--
-- support_app is the role the server works as (SET ROLE, see server/src/db/client.ts): it can
-- not log in, owns nothing, cannot bypass RLS, and gets DML only. It is cluster-wide, so the
-- DO block creates it once whichever database migrates first. The connecting (owning) user is
-- made a member so it can SET ROLE to it.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'support_app') THEN
    CREATE ROLE support_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
  IF NOT pg_has_role(current_user, 'support_app', 'MEMBER') THEN
    EXECUTE format('GRANT support_app TO %I', current_user);
  END IF;
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO support_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO support_app;
--> statement-breakpoint
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO support_app;
--> statement-breakpoint
-- Tables and sequences later migrations create (run by the same owner) come with the same grants.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO support_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO support_app;
--> statement-breakpoint
-- The audit retention purge (0007) is SECURITY DEFINER with EXECUTE revoked from PUBLIC.
GRANT EXECUTE ON FUNCTION audit_retention_purge(uuid, timestamptz, integer) TO support_app;
--> statement-breakpoint
-- FORCE: the policies hold for the tables' owner too (only a superuser or a BYPASSRLS role
-- passes them; the server refuses to start as one, server/src/db/rls.ts).
ALTER TABLE agent_sessions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE attachments FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE audit_events FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE contacts FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE conversations FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE email_dead_letters FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE email_inbox_secrets FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE email_messages FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE email_outbox FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE inboxes FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE invitations FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE memberships FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE messages FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE roles FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE tags FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE team_inboxes FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE team_members FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE teams FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE ticket_activities FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE ticket_tags FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE tickets FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE visitor_sessions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE workspaces FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE calendars FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE domain_events FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE due_work FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE event_dead_letters FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE sla_clocks FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE sla_events FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE sla_policies FORCE ROW LEVEL SECURITY;
