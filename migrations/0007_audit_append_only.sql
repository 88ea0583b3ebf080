-- audit_events is append-only for everyone who connects (the application, an operator, a
-- superuser's ordinary statements; PGlite alike): UPDATE, DELETE and TRUNCATE raise. Two
-- deletions pass, both named and deliberate:
--   * the retention purge, audit_retention_purge() below: its SET clause turns
--     audit.retention_purge on for the duration of that function call only;
--   * a workspace deleted whole: the foreign key's cascade removes its log (the workspace
--     row is already gone, and the delete runs inside the cascade's trigger).
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF current_setting('audit.retention_purge', true) = 'on' THEN
      RETURN OLD;
    END IF;
    IF pg_trigger_depth() > 1 AND NOT EXISTS (SELECT 1 FROM workspaces WHERE id = OLD.workspace_id) THEN
      RETURN OLD;
    END IF;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'old rows go through audit_retention_purge(); see docs/operations.md, "Audit log"';
END
$$;
--> statement-breakpoint
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
--> statement-breakpoint
-- The retention path: deletes at most p_limit events of one workspace older than that
-- workspace's audit_retention_days before p_now (the caller's clock), oldest first, skipping
-- rows another purge holds; returns how many it deleted. A workspace with no retention
-- (null) keeps everything. SECURITY DEFINER, so it runs as the owner of the table whoever
-- calls it; EXECUTE is revoked from PUBLIC: a role other than the owner must be granted it.
CREATE FUNCTION audit_retention_purge(p_workspace uuid, p_now timestamptz, p_limit integer) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path FROM CURRENT
  SET audit.retention_purge = 'on'
AS $$
DECLARE
  v_days integer;
  v_deleted integer;
BEGIN
  SELECT audit_retention_days INTO v_days FROM workspaces WHERE id = p_workspace;
  IF v_days IS NULL OR v_days < 1 OR p_limit IS NULL OR p_limit < 1 THEN
    RETURN 0;
  END IF;
  DELETE FROM audit_events WHERE id IN (
    SELECT id FROM audit_events
    WHERE workspace_id = p_workspace AND created_at < p_now - make_interval(days => v_days)
    ORDER BY created_at
    LIMIT p_limit
    FOR UPDATE SKIP LOCKED);
  GET DIAGNOSTICS v_deleted = ROW_COUNT;
  RETURN v_deleted;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION audit_retention_purge(uuid, timestamptz, integer) FROM PUBLIC;
