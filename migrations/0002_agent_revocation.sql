-- Every node LISTENs on agent_revoked and re-checks the agent sockets it holds for the session
-- ('s:<uuid>') or user ('u:<uuid>') named, closing those no longer valid. Fired by any change
-- that can end a session, whoever makes it (the app or SQL by hand): a session deleted or
-- changed, a user's status or role changed. A deleted user cascades to its sessions.
CREATE FUNCTION notify_agent_revoked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('agent_revoked', CASE WHEN TG_TABLE_NAME = 'users' THEN 'u:' ELSE 's:' END || OLD.id::text);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER agent_sessions_revoked AFTER UPDATE OR DELETE ON agent_sessions
  FOR EACH ROW EXECUTE FUNCTION notify_agent_revoked();
--> statement-breakpoint
CREATE TRIGGER users_revoked AFTER UPDATE OF status, role ON users
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.role IS DISTINCT FROM NEW.role)
  EXECUTE FUNCTION notify_agent_revoked();
