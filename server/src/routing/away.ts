import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import type { ServiceContext } from '../lib/context.js';
import { cancelDue, scheduleDue } from '../scheduler/due.js';
import { changeTicket } from '../tickets/tickets.service.js';
import { channelOf, routeAway, SYSTEM } from './routing.service.js';
import { policyFor } from './store.js';
import type { RoutingNotes } from './notify.js';

/** Due work: an away or offline agent's grace ran out (key `<workspace>:<user>`). */
export const AWAY_KIND = 'routing.away';
const awayKey = (ws: string, userId: string) => `${ws}:${userId}`;

/**
 * An agent went away or offline at `at`: their unanswered chats go back to the queue once the
 * shortest grace of the workspace's policies has passed (each ticket then by its own policy's).
 */
export async function agentLeft(db: Db, o: { workspaceId: string; userId: string; at: Date }): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.rows(sql`insert into routing_agents (workspace_id, user_id, away_since, updated_at)
      values (${o.workspaceId}::uuid, ${o.userId}::uuid, ${o.at}::timestamptz, ${o.at}::timestamptz)
      on conflict (workspace_id, user_id) do update set away_since = coalesce(routing_agents.away_since, excluded.away_since), updated_at = excluded.updated_at`);
    const [g] = await tx.rows<{ grace: number | null; since: Date | string }>(sql`select
        (select min(away_grace_seconds) from routing_policies where workspace_id = ${o.workspaceId}::uuid and mode <> 'manual') as grace,
        (select away_since from routing_agents where workspace_id = ${o.workspaceId}::uuid and user_id = ${o.userId}::uuid) as since`);
    if (g?.grace == null) return;
    await scheduleDue(tx, { workspaceId: o.workspaceId, kind: AWAY_KIND, key: awayKey(o.workspaceId, o.userId), dueAt: new Date(new Date(g.since).getTime() + g.grace * 1000) });
  });
}

/** An agent is back online: they keep their chats. */
export async function agentBack(db: Db, o: { workspaceId: string; userId: string; at: Date }): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.rows(sql`update routing_agents set away_since = null, updated_at = ${o.at}::timestamptz
      where workspace_id = ${o.workspaceId}::uuid and user_id = ${o.userId}::uuid and away_since is not null`);
    await cancelDue(tx, AWAY_KIND, awayKey(o.workspaceId, o.userId));
  });
}

/**
 * The grace of an away or offline agent ran out: each of their open chats still waiting for
 * an agent's reply (the last public message is the customer's) whose policy's grace has passed
 * is taken from them and routed (trigger `away`); the rest are looked at again when theirs ends.
 */
export async function handBack(ctx: ServiceContext, o: { workspaceId: string; userId: string; notes: RoutingNotes }): Promise<number> {
  const ws = o.workspaceId;
  const [a] = await ctx.db.rows<{ availability: string; since: Date | string | null }>(sql`select m.availability, ra.away_since as since
    from memberships m left join routing_agents ra on ra.workspace_id = m.workspace_id and ra.user_id = m.user_id
    where m.workspace_id = ${ws}::uuid and m.user_id = ${o.userId}::uuid`);
  if (!a || a.availability === 'online' || !a.since) return 0;
  const since = new Date(a.since).getTime();
  const tickets = await ctx.db.rows<{ id: string }>(sql`select t.id from tickets t join inboxes i on i.id = t.inbox_id
    where t.workspace_id = ${ws}::uuid and t.assignee_id = ${o.userId}::uuid and t.status = 'open' and i.channel = 'chat'
      and coalesce((select m.author_type::text from messages m where m.ticket_id = t.id and m.visibility = 'public'
                    order by m.created_at desc, m.seq desc limit 1), 'contact') = 'contact'`);
  let moved = 0;
  let later: number | null = null;
  for (const t of tickets) {
    await changeTicket(ctx, { workspaceId: ws, ticketId: t.id, actor: SYSTEM }, async (tx: Tx, cur, now) => {
      if (cur.assignee_id !== o.userId || cur.status !== 'open') return [];
      const full = { ...cur, ...(await channelOf(tx, cur.id)) };
      const policy = await policyFor(tx, ws, full);
      if (!policy || policy.mode === 'manual') return [];
      const due = since + policy.away_grace_seconds * 1000;
      if (due > now.getTime()) {
        later = later == null ? due : Math.min(later, due);
        return [];
      }
      moved++;
      return (await routeAway(tx, { ws, cur: full, now, trigger: 'away', notes: o.notes, policy })).activities;
    });
  }
  if (later != null) await scheduleDue(ctx.db, { workspaceId: ws, kind: AWAY_KIND, key: awayKey(ws, o.userId), dueAt: new Date(later) });
  return moved;
}
