import { sql } from 'drizzle-orm';
import { allows, ticketScope, type Access, type Permission } from '@support/protocol';
import type { Db, Tx } from '../db/client.js';
import { toWire } from '../db/ids.js';
import { AppError } from '../http/errors.js';
import { rooms } from '../realtime/rooms.js';
import type { AgentIdentity } from './agents.service.js';

/**
 * The one permission check of declared routes and events: FORBIDDEN (403), naming the
 * permission, unless `perms` allow `access` (permissions.ts `allows`).
 */
export function requirePermission(perms: readonly Permission[], access: Access, what: string): void {
  if (!allows(perms, access)) throw new AppError('FORBIDDEN', `${what} needs the "${access}" permission, which your role does not have`, { permission: access });
}

/** A member on a live socket: their identity plus the teams they are in and the inboxes those teams work (uuids). */
export type LiveAgent = AgentIdentity & { teamIds: string[]; inboxIds: string[] };

const key = (workspaceId: string, userId: string) => `${workspaceId}:${userId}`;

/** The teams of several members and the inboxes those teams work (one statement), by `workspace:user`. */
export async function loadTeams(db: Db | Tx, members: { workspaceId: string; userId: string }[]): Promise<Map<string, { teamIds: string[]; inboxIds: string[] }>> {
  const out = new Map<string, { teamIds: string[]; inboxIds: string[] }>();
  if (!members.length) return out;
  const rows = await db.rows<{ workspace_id: string; user_id: string; team_ids: string[]; inbox_ids: string[] | null }>(sql`select tm.workspace_id,
      tm.user_id, array_agg(distinct tm.team_id::text) as team_ids,
      array_agg(distinct ti.inbox_id::text) filter (where ti.inbox_id is not null) as inbox_ids
    from team_members tm left join team_inboxes ti on ti.team_id = tm.team_id
    where (tm.workspace_id, tm.user_id) in (select * from unnest(${`{${members.map((m) => m.workspaceId).join(',')}}`}::uuid[],
                                                                  ${`{${members.map((m) => m.userId).join(',')}}`}::uuid[]))
    group by tm.workspace_id, tm.user_id`);
  for (const r of rows) out.set(key(r.workspace_id, r.user_id), { teamIds: r.team_ids.sort(), inboxIds: (r.inbox_ids ?? []).sort() });
  return out;
}

/** An identity with its teams, read now. */
export async function liveAgentOf(db: Db | Tx, me: AgentIdentity): Promise<LiveAgent> {
  const teams = (await loadTeams(db, [me])).get(key(me.workspaceId, me.userId));
  return { ...me, teamIds: teams?.teamIds ?? [], inboxIds: teams?.inboxIds ?? [] };
}

/** Reads the teams of several identities at once. */
export async function liveAgentsOf(db: Db | Tx, ids: AgentIdentity[]): Promise<LiveAgent[]> {
  const teams = await loadTeams(db, ids);
  return ids.map((me) => {
    const t = teams.get(key(me.workspaceId, me.userId));
    return { ...me, teamIds: t?.teamIds ?? [], inboxIds: t?.inboxIds ?? [] };
  });
}

/**
 * Every room an agent socket belongs in (besides its own id), from its identity: its
 * workspace, account, membership and session; a room per permission it has; its custom role;
 * and the rooms its ticket sight receives events through (realtime/rooms.ts `ticketRooms`):
 * its teams and their inboxes (team sight), tickets assigned to it (any sight).
 */
export function accessRooms(me: LiveAgent): string[] {
  const ws = toWire('workspace', me.workspaceId);
  const user = toWire('user', me.userId);
  const out = [rooms.workspace(ws), rooms.agent(user), rooms.member(ws, user), rooms.agentSession(me.sessionId)];
  for (const p of me.permissions) out.push(rooms.permission(ws, p));
  if (me.roleId) out.push(rooms.customRole(me.roleId));
  const scope = ticketScope(me.permissions);
  if (scope !== 'none') out.push(rooms.assignee(ws, user));
  if (scope === 'team') {
    for (const t of me.teamIds) out.push(rooms.team(toWire('team', t)));
    for (const i of me.inboxIds) out.push(rooms.inbox(toWire('inbox', i)));
  }
  return out;
}
