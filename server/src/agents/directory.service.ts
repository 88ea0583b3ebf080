import { sql } from 'drizzle-orm';
import type { InboxSummary, Team } from '@support/protocol';
import { toWire } from '../db/ids.js';
import type { ServiceContext } from '../lib/context.js';

/** The workspace's teams, by name, with their members' ids (for assignment menus). */
export async function listTeams(ctx: ServiceContext, o: { workspaceId: string }): Promise<Team[]> {
  const rows = await ctx.db.rows<{ id: string; name: string; members: string[] | null }>(sql`select tm.id, tm.name,
      (select array_agg(m.user_id::text order by m.user_id) from team_members m where m.team_id = tm.id) as members
    from teams tm where tm.workspace_id = ${o.workspaceId}::uuid order by tm.name, tm.id`);
  return rows.map((r) => ({ id: toWire('team', r.id), name: r.name, memberIds: (r.members ?? []).map((u) => toWire('user', u)) }));
}

/** The workspace's inboxes (id, name, channel; never settings or secrets), by name. */
export async function listInboxes(ctx: ServiceContext, o: { workspaceId: string }): Promise<InboxSummary[]> {
  const rows = await ctx.db.rows<{ id: string; name: string; channel: InboxSummary['channel'] }>(sql`select id, name, channel
    from inboxes where workspace_id = ${o.workspaceId}::uuid order by name, id`);
  return rows.map((r) => ({ id: toWire('inbox', r.id), name: r.name, channel: r.channel }));
}
