-- Moves people to memberships (0003 made the tables; 0005 drops the old users columns), keeps
-- what every agent saw before team-scoped visibility, makes inbox names and addresses unique
-- per workspace, and has access changes reach live sockets (docs/access.md, docs/operations.md).

-- 1. One membership per user, in the workspace the user belonged to. A disabled user was an
-- agent deactivated in that workspace: now the membership is deactivated and the account stays
-- active (it has no other workspace, so it still cannot log in).
INSERT INTO memberships (workspace_id, user_id, role, status, availability, created_at, updated_at)
SELECT workspace_id, id, role::text::member_role,
       (CASE WHEN status = 'disabled' THEN 'deactivated' ELSE 'active' END)::membership_status,
       CASE WHEN status = 'disabled' THEN 'offline'::availability ELSE availability END,
       created_at, updated_at
FROM users;
--> statement-breakpoint
UPDATE users SET status = 'active' WHERE status = 'disabled';
--> statement-breakpoint
-- 2. Agents saw every ticket before; the agent role now sees its teams' inboxes. So a workspace
-- with agents and no team gets a "Support" team, every team works every inbox of its workspace,
-- and every agent in no team joins the workspace's oldest team.
INSERT INTO teams (id, workspace_id, name)
SELECT gen_random_uuid(), w.id, 'Support' FROM workspaces w
WHERE NOT EXISTS (SELECT 1 FROM teams t WHERE t.workspace_id = w.id)
  AND EXISTS (SELECT 1 FROM memberships m WHERE m.workspace_id = w.id AND m.role = 'agent');
--> statement-breakpoint
INSERT INTO team_inboxes (workspace_id, team_id, inbox_id)
SELECT t.workspace_id, t.id, i.id FROM teams t JOIN inboxes i ON i.workspace_id = t.workspace_id;
--> statement-breakpoint
INSERT INTO team_members (workspace_id, team_id, user_id)
SELECT m.workspace_id,
       (SELECT t.id FROM teams t WHERE t.workspace_id = m.workspace_id ORDER BY t.created_at, t.id LIMIT 1),
       m.user_id
FROM memberships m
WHERE m.role = 'agent'
  AND NOT EXISTS (SELECT 1 FROM team_members tm WHERE tm.workspace_id = m.workspace_id AND tm.user_id = m.user_id);
--> statement-breakpoint
-- 3. Inbox names become unique per workspace (case-insensitive; 0005 adds the index): a later
-- duplicate gets the end of its id appended, "Chat (3f9a2c)".
UPDATE inboxes i SET name = i.name || ' (' || right(i.id::text, 6) || ')'
FROM (SELECT id, row_number() OVER (PARTITION BY workspace_id, lower(name) ORDER BY created_at, id) AS n FROM inboxes) d
WHERE d.id = i.id AND d.n > 1;
--> statement-breakpoint
-- 4. So do email addresses: a later duplicate gets "+<end of its id>" in its local part
-- (support+3f9a2c@example.com), which mail providers deliver to the same mailbox.
UPDATE inboxes i
SET settings = jsonb_set(i.settings, '{email,address}', to_jsonb(regexp_replace(d.addr, '@([^@]*)$', '+' || right(i.id::text, 6) || '@\1')))
FROM (SELECT id, settings->'email'->>'address' AS addr,
             row_number() OVER (PARTITION BY workspace_id, lower(settings->'email'->>'address') ORDER BY created_at, id) AS n
      FROM inboxes WHERE channel = 'email' AND settings->'email'->>'address' IS NOT NULL) d
WHERE d.id = i.id AND d.n > 1;
--> statement-breakpoint
-- 5. Access changes reach live sockets on every node (server/src/agents/agent.revocation.ts):
-- every node LISTENs on agent_revoked and re-reads the access of the sockets named:
--   'u:<user>'             an account's status, name or email changed
--   'm:<workspace>:<user>' a membership's role, custom role or status changed, or it was
--                          deleted, or the user joined or left a team
--   'r:<role>'             a custom role's permissions changed (or it was deleted)
--   't:<team>'             a team started or stopped working an inbox
-- ('s:<session>' stays with 0002's trigger.) The users trigger of 0002 named users.role,
-- which 0005 drops: it is replaced here.
DROP TRIGGER users_revoked ON users;
--> statement-breakpoint
CREATE FUNCTION notify_access_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  payload text;
BEGIN
  IF TG_TABLE_NAME = 'users' THEN
    payload := 'u:' || OLD.id::text;
  ELSIF TG_TABLE_NAME = 'roles' THEN
    payload := 'r:' || OLD.id::text;
  ELSIF TG_TABLE_NAME = 'team_inboxes' THEN
    IF TG_OP = 'INSERT' THEN payload := 't:' || NEW.team_id::text; ELSE payload := 't:' || OLD.team_id::text; END IF;
  ELSIF TG_OP = 'INSERT' THEN
    payload := 'm:' || NEW.workspace_id::text || ':' || NEW.user_id::text;
  ELSE
    payload := 'm:' || OLD.workspace_id::text || ':' || OLD.user_id::text;
  END IF;
  PERFORM pg_notify('agent_revoked', payload);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER users_access_changed AFTER UPDATE OF status, name, email ON users
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.name IS DISTINCT FROM NEW.name OR OLD.email IS DISTINCT FROM NEW.email)
  EXECUTE FUNCTION notify_access_changed();
--> statement-breakpoint
CREATE TRIGGER memberships_access_changed AFTER UPDATE OF role, role_id, status ON memberships
  FOR EACH ROW WHEN (OLD.role IS DISTINCT FROM NEW.role OR OLD.role_id IS DISTINCT FROM NEW.role_id OR OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION notify_access_changed();
--> statement-breakpoint
CREATE TRIGGER memberships_access_deleted AFTER DELETE ON memberships
  FOR EACH ROW EXECUTE FUNCTION notify_access_changed();
--> statement-breakpoint
CREATE TRIGGER roles_access_changed AFTER UPDATE OF permissions OR DELETE ON roles
  FOR EACH ROW EXECUTE FUNCTION notify_access_changed();
--> statement-breakpoint
CREATE TRIGGER team_members_access_changed AFTER INSERT OR DELETE ON team_members
  FOR EACH ROW EXECUTE FUNCTION notify_access_changed();
--> statement-breakpoint
CREATE TRIGGER team_inboxes_access_changed AFTER INSERT OR DELETE ON team_inboxes
  FOR EACH ROW EXECUTE FUNCTION notify_access_changed();
