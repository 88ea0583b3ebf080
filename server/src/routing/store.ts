import { sql, type SQL } from 'drizzle-orm';
import type { Channel, RoutingMode, RoutingQueueSummary, TicketStatus } from '@support/protocol';
import type { Db, Tx } from '../db/client.js';
import { toWireOrNull } from '../db/ids.js';
import type { Candidate } from './engine.js';

/** A routing policy row (database uuids). */
export type PolicyRow = {
  id: string;
  team_id: string | null;
  inbox_id: string | null;
  mode: RoutingMode;
  load_statuses: TicketStatus[];
  chat_capacity: number;
  email_capacity: number;
  away_grace_seconds: number;
  reopen_window_seconds: number;
  calendar_id: string | null;
};

/** The queue a policy's tickets wait in: its team's uuid, or its inbox's. */
export const queueOf = (p: PolicyRow) => (p.team_id ?? p.inbox_id)!;

/** The policy that routes a ticket: its team's, else (no team, or a team without one) its inbox's; null: assigned by hand. */
export async function policyFor(tx: Tx | Db, ws: string, t: { team_id: string | null; inbox_id: string }): Promise<PolicyRow | null> {
  const rows = await tx.rows<PolicyRow>(sql`select id, team_id, inbox_id, mode, load_statuses, chat_capacity, email_capacity,
      away_grace_seconds, reopen_window_seconds, calendar_id
    from routing_policies
    where workspace_id = ${ws}::uuid and (team_id = ${t.team_id}::uuid or inbox_id = ${t.inbox_id}::uuid)
    order by (team_id is null)`);
  return rows[0] ?? null;
}

const capacityColumn = (channel: Channel) => (channel === 'chat' ? sql.raw('ra.chat_capacity') : sql.raw('ra.email_capacity'));
const statusArray = (p: PolicyRow) => `{${p.load_statuses.join(',')}}`;
const defaultCapacity = (p: PolicyRow, channel: Channel) => (channel === 'chat' ? p.chat_capacity : p.email_capacity);

/**
 * Members' loads: their assigned tickets of `channel` in the policy's load statuses, counted over
 * the partial index of open and pending tickets (`tickets_ws_assignee_active_idx`), so the cost
 * follows what they hold now, not every ticket they ever held. `users` selects whose.
 */
const loadsOf = (ws: string, users: SQL, p: PolicyRow, channel: Channel) => sql`select lt.assignee_id, count(*)::int as n
    from tickets lt join inboxes li on li.id = lt.inbox_id
    where lt.workspace_id = ${ws}::uuid and lt.assignee_id = any(array(${users})) and lt.status in ('open', 'pending')
      and lt.status::text = any(${statusArray(p)}::text[]) and li.channel::text = ${channel}::text
    group by lt.assignee_id`;

/**
 * The people a policy may give a ticket to, with their availability, load and capacity for the
 * ticket's channel: a team policy's team members; an inbox policy's members of the teams that
 * work the inbox, or every member when no team does. Active members of active accounts only.
 */
export async function loadCandidates(tx: Tx, ws: string, p: PolicyRow, channel: Channel): Promise<Candidate[]> {
  const pool = p.team_id
    ? sql`select tm.user_id from team_members tm where tm.team_id = ${p.team_id}::uuid`
    : sql`select tm.user_id from team_inboxes ti join team_members tm on tm.team_id = ti.team_id where ti.inbox_id = ${p.inbox_id}::uuid
          union
          select m2.user_id from memberships m2 where m2.workspace_id = ${ws}::uuid
            and not exists (select 1 from team_inboxes ti2 where ti2.inbox_id = ${p.inbox_id}::uuid)`;
  // Both materialized, so the loads are counted once, not once per member (a planner that
  // misjudges a fast-growing table chose that, at 6 s a decision for 200 agents).
  const rows = await tx.rows<{ user_id: string; name: string; availability: Candidate['availability']; last_assigned_at: Date | string | null; capacity: number; load: number }>(sql`
    with pool as materialized (${pool}), loads as materialized (${loadsOf(ws, sql`select user_id from pool`, p, channel)})
    select m.user_id, u.name, m.availability, ra.last_assigned_at,
           coalesce(${capacityColumn(channel)}, ${defaultCapacity(p, channel)}::int) as capacity,
           coalesce(l.n, 0) as load
    from memberships m join users u on u.id = m.user_id
    left join routing_agents ra on ra.workspace_id = m.workspace_id and ra.user_id = m.user_id
    left join loads l on l.assignee_id = m.user_id
    where m.workspace_id = ${ws}::uuid and m.status = 'active' and u.status = 'active' and m.user_id in (select user_id from pool)`);
  return rows.map((r) => ({
    userId: r.user_id,
    name: r.name,
    availability: r.availability,
    load: Number(r.load),
    capacity: Number(r.capacity),
    lastAssignedAt: r.last_assigned_at == null ? null : new Date(r.last_assigned_at),
  }));
}

/**
 * Locks one member's routing row (made on first use) for the rest of the transaction and reads
 * their availability, load and capacity again in a new statement, so it sees every assignment
 * committed before the lock was granted: what keeps two nodes from both filling the last place.
 */
export async function lockAndRecount(tx: Tx, ws: string, userId: string, p: PolicyRow, channel: Channel): Promise<{ availability: string; load: number; capacity: number } | null> {
  await tx.rows(sql`insert into routing_agents (workspace_id, user_id) values (${ws}::uuid, ${userId}::uuid) on conflict do nothing`);
  await tx.rows(sql`select 1 from routing_agents where workspace_id = ${ws}::uuid and user_id = ${userId}::uuid for update`);
  const [r] = await tx.rows<{ availability: string; load: number; capacity: number }>(sql`
    select m.availability, coalesce(${capacityColumn(channel)}, ${defaultCapacity(p, channel)}::int) as capacity,
           coalesce((select n from (${loadsOf(ws, sql`select ${userId}::uuid`, p, channel)}) l), 0) as load
    from memberships m join users u on u.id = m.user_id
    left join routing_agents ra on ra.workspace_id = m.workspace_id and ra.user_id = m.user_id
    where m.workspace_id = ${ws}::uuid and m.user_id = ${userId}::uuid and m.status = 'active' and u.status = 'active'`);
  return r ? { availability: r.availability, load: Number(r.load), capacity: Number(r.capacity) } : null;
}

/**
 * Puts a ticket in its policy's queue, or leaves it where it is when it already waits there
 * (its place is kept). Returns true when it was not waiting in that queue before.
 */
export async function enqueue(tx: Tx, o: { ws: string; ticketId: string; queueId: string; teamId: string | null; inboxId: string; channel: Channel; now: Date }): Promise<boolean> {
  const [r] = await tx.rows<{ fresh: boolean }>(sql`
    with prev as (select queue_id, dequeued_at from routing_queue where ticket_id = ${o.ticketId}::uuid)
    insert into routing_queue as q (ticket_id, workspace_id, queue_id, team_id, inbox_id, channel, enqueued_at, dequeued_at)
    values (${o.ticketId}::uuid, ${o.ws}::uuid, ${o.queueId}::uuid, ${o.teamId}::uuid, ${o.inboxId}::uuid, ${o.channel}::text, ${o.now}::timestamptz, null)
    on conflict (ticket_id) do update set
      enqueued_at = case when q.dequeued_at is null and q.queue_id = excluded.queue_id then q.enqueued_at else excluded.enqueued_at end,
      queue_id = excluded.queue_id, team_id = excluded.team_id, inbox_id = excluded.inbox_id, channel = excluded.channel, dequeued_at = null
    returning not coalesce((select prev.dequeued_at is null and prev.queue_id = ${o.queueId}::uuid from prev), false) as fresh`);
  return r!.fresh;
}

/** Takes a ticket out of its queue (given out, resolved, moved); returns the queue it waited in, if any. */
export async function dequeue(tx: Tx | Db, ws: string, ticketId: string, now: Date): Promise<string | null> {
  const [r] = await tx.rows<{ queue_id: string }>(sql`update routing_queue set dequeued_at = ${now}::timestamptz
    where ticket_id = ${ticketId}::uuid and workspace_id = ${ws}::uuid and dequeued_at is null returning queue_id`);
  return r?.queue_id ?? null;
}

/** The queues of a workspace that have tickets waiting. */
export async function waitingQueues(db: Db | Tx, ws: string): Promise<string[]> {
  const rows = await db.rows<{ queue_id: string }>(sql`select distinct queue_id from routing_queue where workspace_id = ${ws}::uuid and dequeued_at is null`);
  return rows.map((r) => r.queue_id);
}

/** The order a queue is served in: priority first, then the SLA due soonest, then age. */
export const QUEUE_ORDER = sql.raw('t.priority desc, t.sla_due_at asc nulls last, t.created_at asc, t.id asc');

/** The next ticket of a queue for one channel (null when none waits). */
export async function queueHead(db: Db | Tx, ws: string, queueId: string, channel: Channel, skip: readonly string[]): Promise<string | null> {
  const rows = await db.rows<{ ticket_id: string }>(sql`select q.ticket_id from routing_queue q join tickets t on t.id = q.ticket_id
    where q.workspace_id = ${ws}::uuid and q.queue_id = ${queueId}::uuid and q.dequeued_at is null and q.channel = ${channel}::text
      ${skip.length ? sql`and q.ticket_id <> all(${`{${skip.join(',')}}`}::uuid[])` : sql``}
    order by ${QUEUE_ORDER} limit 1`);
  return rows[0]?.ticket_id ?? null;
}

/** Every queue of a workspace that has a policy or a waiting ticket: length and oldest wait. */
export async function queueSummaries(db: Db | Tx, ws: string): Promise<RoutingQueueSummary[]> {
  const rows = await db.rows<{ team_id: string | null; inbox_id: string | null; length: number; oldest: Date | string | null }>(sql`
    select p.team_id, p.inbox_id, count(q.ticket_id)::int as length, min(q.enqueued_at) as oldest
    from routing_policies p
    left join routing_queue q on q.workspace_id = p.workspace_id and q.queue_id = coalesce(p.team_id, p.inbox_id) and q.dequeued_at is null
    where p.workspace_id = ${ws}::uuid and p.mode <> 'manual'
    group by p.team_id, p.inbox_id
    order by p.team_id nulls last, p.inbox_id`);
  return rows.map((r) => ({
    teamId: toWireOrNull('team', r.team_id),
    inboxId: r.team_id ? null : toWireOrNull('inbox', r.inbox_id),
    length: Number(r.length),
    oldestSince: r.oldest == null ? null : new Date(r.oldest).toISOString(),
  }));
}

/** The waiting tickets of a queue with their place (1 = next) and their requester and inbox. */
export async function queuePlaces(db: Db | Tx, ws: string, queueId: string, limit = 500): Promise<{ ticket_id: string; requester_id: string; inbox_id: string; position: number }[]> {
  const rows = await db.rows<{ ticket_id: string; requester_id: string; inbox_id: string; position: number }>(sql`
    select q.ticket_id, t.requester_id, t.inbox_id, (row_number() over (partition by q.channel order by ${QUEUE_ORDER}))::int as position
    from routing_queue q join tickets t on t.id = q.ticket_id
    where q.workspace_id = ${ws}::uuid and q.queue_id = ${queueId}::uuid and q.dequeued_at is null
    order by position limit ${limit}`);
  return rows.map((r) => ({ ...r, position: Number(r.position) }));
}

/**
 * Seconds between tickets leaving a queue lately (the last 20 within an hour): how long each
 * place in line takes. Null with fewer than two.
 */
export async function secondsPerPlace(db: Db | Tx, queueId: string, now: Date): Promise<number | null> {
  const [r] = await db.rows<{ n: number; first: Date | string | null; last: Date | string | null }>(sql`
    select count(*)::int as n, min(dequeued_at) as first, max(dequeued_at) as last from (
      select dequeued_at from routing_queue where queue_id = ${queueId}::uuid and dequeued_at is not null
        and dequeued_at > ${new Date(now.getTime() - 3_600_000)}::timestamptz
      order by dequeued_at desc limit 20) d`);
  if (!r || Number(r.n) < 2 || !r.first || !r.last) return null;
  return (new Date(r.last).getTime() - new Date(r.first).getTime()) / 1000 / (Number(r.n) - 1);
}

/**
 * Whether giving the ticket to `userId` by hand puts them over routing's capacity (the policy of
 * the ticket's team, or of `teamId` when the same change moves it): their name, load and
 * capacity when it does, else null. No policy: no capacity.
 */
export async function overCapacity(db: Db, o: { workspaceId: string; ticketId: string; userId: string; teamId?: string | null }): Promise<{ name: string; load: number; capacity: number; channel: Channel } | null> {
  const [t] = await db.rows<{ team_id: string | null; inbox_id: string; channel: Channel; assignee_id: string | null }>(sql`select t.team_id, t.inbox_id, i.channel, t.assignee_id
    from tickets t join inboxes i on i.id = t.inbox_id where t.workspace_id = ${o.workspaceId}::uuid and t.id = ${o.ticketId}::uuid`);
  if (!t || t.assignee_id === o.userId) return null;
  const policy = await policyFor(db, o.workspaceId, { team_id: o.teamId === undefined ? t.team_id : o.teamId, inbox_id: t.inbox_id });
  if (!policy || policy.mode === 'manual') return null;
  const [r] = await db.rows<{ name: string; load: number; capacity: number }>(sql`select u.name,
      coalesce(${capacityColumn(t.channel)}, ${defaultCapacity(policy, t.channel)}::int) as capacity,
      coalesce((select n from (${loadsOf(o.workspaceId, sql`select ${o.userId}::uuid`, policy, t.channel)}) l), 0) as load
    from memberships m join users u on u.id = m.user_id
    left join routing_agents ra on ra.workspace_id = m.workspace_id and ra.user_id = m.user_id
    where m.workspace_id = ${o.workspaceId}::uuid and m.user_id = ${o.userId}::uuid`);
  if (!r || Number(r.load) < Number(r.capacity)) return null;
  return { name: r.name, load: Number(r.load), capacity: Number(r.capacity), channel: t.channel };
}

/** Where one ticket waits (place 1 = next, expected wait), or null when it does not wait. */
export async function queuePlaceOf(db: Db | Tx, ws: string, ticketId: string, now: Date): Promise<{ position: number; expectedWaitSeconds: number | null } | null> {
  const [r] = await db.rows<{ queue_id: string; position: number }>(sql`
    select me.queue_id, (select count(*)::int + 1 from routing_queue q join tickets t on t.id = q.ticket_id
        where q.workspace_id = me.workspace_id and q.queue_id = me.queue_id and q.channel = me.channel and q.dequeued_at is null
          and ((t.priority > mt.priority)
            or (t.priority = mt.priority and coalesce(t.sla_due_at, 'infinity'::timestamptz) < coalesce(mt.sla_due_at, 'infinity'::timestamptz))
            or (t.priority = mt.priority and coalesce(t.sla_due_at, 'infinity'::timestamptz) = coalesce(mt.sla_due_at, 'infinity'::timestamptz)
                and (t.created_at, t.id) < (mt.created_at, mt.id)))) as position
    from routing_queue me join tickets mt on mt.id = me.ticket_id
    where me.workspace_id = ${ws}::uuid and me.ticket_id = ${ticketId}::uuid and me.dequeued_at is null`);
  if (!r) return null;
  const per = await secondsPerPlace(db, r.queue_id, now);
  return { position: Number(r.position), expectedWaitSeconds: per == null ? null : Math.round(per * Number(r.position)) };
}
